// `iamlocal mint-token` argument handling: required flags, repeatable audiences, endpoint and root key
// from the environment, and the usage errors (exit 2) — the round trip itself is in test/e2e/irsa.test.ts.
import { describe, expect, it } from 'vitest';
import { MintTokenUsageError, parseMintTokenArgs, runMintToken } from '../../src/cli-mint-token';

const base = ['--cluster', 'demo', '--namespace', 'payments', '--service-account', 'payments-api'];

describe('mint-token arguments', () => {
  it('defaults: local endpoint, the root key, no audience (server default sts.amazonaws.com)', () => {
    expect(parseMintTokenArgs(base, {})).toEqual({
      cluster: 'demo', namespace: 'payments', serviceAccount: 'payments-api', audience: [],
      endpoint: 'http://127.0.0.1:4599', credentials: { accessKeyId: 'AKIAIAMLOCALROOTUSER', secretAccessKey: 'root' },
    });
  });

  it('flags and environment', () => {
    const a = parseMintTokenArgs([...base, '--audience', 'a', '--audience=b', '--lifetime', '600', '--pod', 'p-1', '--out', '/tmp/t', '--region', 'eu-west-1'], {
      IAMLOCAL_ENDPOINT: 'http://iamlocal:4599', IAMLOCAL_ROOT_ACCESS_KEY_ID: 'AKIAROOT', IAMLOCAL_ROOT_SECRET_ACCESS_KEY: 's3cret',
    });
    expect(a).toMatchObject({ audience: ['a', 'b'], lifetimeSeconds: 600, podName: 'p-1', out: '/tmp/t', region: 'eu-west-1', endpoint: 'http://iamlocal:4599', credentials: { accessKeyId: 'AKIAROOT', secretAccessKey: 's3cret' } });
    expect(parseMintTokenArgs(['--help'], {})).toBe('help');
  });

  it('usage errors', () => {
    expect(() => parseMintTokenArgs(['--cluster', 'demo'], {})).toThrow(new MintTokenUsageError('--namespace is required'));
    expect(() => parseMintTokenArgs([...base, '--lifetime', '10m'], {})).toThrow(MintTokenUsageError);
    expect(() => parseMintTokenArgs([...base, '--bogus'], {})).toThrow('unknown option "--bogus"');
    expect(() => parseMintTokenArgs([...base, '--out'], {})).toThrow('--out needs a value');
  });

  it('exits 2 on a usage error and 1 when the server cannot be reached', async () => {
    const sink = () => {
      let text = '';
      return { write: (s: string) => ((text += s), true), get text() { return text; } };
    };
    const err = sink();
    expect(await runMintToken(['--cluster', 'x'], { out: sink() as never, err: err as never })).toBe(2);
    expect(err.text).toContain('--namespace is required');
    const err2 = sink();
    expect(await runMintToken([...base, '--endpoint', 'http://127.0.0.1:9'], { out: sink() as never, err: err2 as never })).toBe(1);
    expect(err2.text).toContain('iamlocal mint-token:');
  });
});
