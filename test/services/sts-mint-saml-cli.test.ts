// `iamlocal mint-saml` argument handling: required flags, repeatable roles/tags/attributes, endpoint and
// root key from the environment, usage errors (exit 2) — the round trip itself is in test/e2e/saml.test.ts.
import { describe, expect, it } from 'vitest';
import { MintSamlUsageError, parseMintSamlArgs, runMintSaml } from '../../src/cli-mint-saml';

const base = ['--idp', 'corp', '--subject', 'alice@example.com', '--role', 'arn:aws:iam::000000000000:role/SSO'];

describe('mint-saml arguments', () => {
  it('defaults: local endpoint, the root key (admin endpoints), a bare role ARN (the IdP’s own provider)', () => {
    expect(parseMintSamlArgs(base, {})).toEqual({
      idp: 'corp',
      request: { subject: 'alice@example.com', roles: ['arn:aws:iam::000000000000:role/SSO'] },
      out: undefined,
      endpoint: 'http://127.0.0.1:4599',
      credentials: { accessKeyId: 'AKIAIAMLOCALROOTUSER', secretAccessKey: 'root' },
    });
  });

  it('flags and environment', () => {
    const a = parseMintSamlArgs(
      [...base, '--role', 'arn:aws:iam::000000000000:role/B,arn:aws:iam::000000000000:saml-provider/P', '--tag', 'team=a=b', '--transitive-tag', 'team', '--attribute', 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1=staff', '--attribute=urn:oid:1.3.6.1.4.1.5923.1.1.1.1=member', '--lifetime', '600', '--session-name', 'alice', '--source-identity', 'alice', '--sign', 'both', '--out', '/tmp/r'],
      { IAMLOCAL_ENDPOINT: 'http://iamlocal:4599', IAMLOCAL_ROOT_ACCESS_KEY_ID: 'AKIAROOT', IAMLOCAL_ROOT_SECRET_ACCESS_KEY: 's3cret' },
    );
    expect(a).toMatchObject({
      out: '/tmp/r',
      endpoint: 'http://iamlocal:4599',
      credentials: { accessKeyId: 'AKIAROOT', secretAccessKey: 's3cret' },
      request: {
        roles: ['arn:aws:iam::000000000000:role/SSO', { roleArn: 'arn:aws:iam::000000000000:role/B', providerArn: 'arn:aws:iam::000000000000:saml-provider/P' }],
        principalTags: { team: 'a=b' },
        transitiveTagKeys: ['team'],
        attributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff', 'member'] },
        lifetimeSeconds: 600,
        roleSessionName: 'alice',
        sourceIdentity: 'alice',
        sign: 'both',
      },
    });
    expect(parseMintSamlArgs(['--help'], {})).toBe('help');
  });

  it('usage errors', () => {
    expect(() => parseMintSamlArgs(['--idp', 'corp', '--subject', 's'], {})).toThrow(new MintSamlUsageError('--role is required'));
    expect(() => parseMintSamlArgs(base.slice(2), {})).toThrow('--idp is required');
    expect(() => parseMintSamlArgs([...base, '--tag', 'novalue'], {})).toThrow('--tag: expected KEY=VALUE, got "novalue"');
    expect(() => parseMintSamlArgs([...base, '--lifetime', '5m'], {})).toThrow(MintSamlUsageError);
    expect(() => parseMintSamlArgs([...base, '--bogus'], {})).toThrow('unknown option "--bogus"');
  });

  it('exit codes: 2 for usage, 1 when the server cannot be reached', async () => {
    const out: string[] = [];
    const io = { out: { write: (s: string) => void out.push(s) }, err: { write: (s: string) => void out.push(s) } } as unknown as Parameters<typeof runMintSaml>[1];
    expect(await runMintSaml(['--idp', 'x'], io)).toBe(2);
    expect(out.join('')).toContain('Usage: iamlocal mint-saml');
    expect(await runMintSaml([...base, '--endpoint', 'http://127.0.0.1:1'], io)).toBe(1);
  });
});
