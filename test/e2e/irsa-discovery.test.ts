// Trust mode C: a provider that opted in (allowNetworkFetch) gets its keys from the issuer's discovery
// document and JWKS over https — tested only against a loopback https server with a throw-away
// certificate that the iamlocal process (a child, NODE_EXTRA_CA_CERTS) trusts. Off by default: a provider
// that did not opt in is never fetched. Unreachable/5xx → IDPCommunicationError; unusable → InvalidIdentityToken.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks, MSG_NO_VERIFICATION_KEY } from '../../src/oidc/index';
import { admin } from '../helpers/admin-client';
import { errorOf, form, send } from '../helpers/raw-client';
import { fixtureKey, keyPem } from '../oidc/helpers';

const dir = mkdtempSync(join(tmpdir(), 'iamlocal-discovery-'));
const hits: string[] = [];
let https: Server;
let port: number;
let child: ChildProcess;
let endpoint: string;
/** What the loopback issuer answers for /<issuer>/…: 'ok', a status code, or 'hang'. */
const behaviour: Record<string, 'ok' | number> = { good: 'ok', nofetch: 'ok', broken: 503, missing: 404, toggled: 'ok' };

function startIssuer(): Promise<void> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  https = createServer({ key: readFileSync(join(dir, 'tls.key')), cert: readFileSync(join(dir, 'tls.crt')) }, (req, res) => {
    hits.push(req.url ?? '');
    const [, name, ...rest] = (req.url ?? '').split('/');
    const b = behaviour[name];
    if (b === undefined) return res.writeHead(404).end();
    if (b !== 'ok') return res.writeHead(b).end('{}');
    const issuer = `https://localhost:${port}/${name}`;
    const path = '/' + rest.join('/');
    res.setHeader('content-type', 'application/json');
    res.setHeader('cache-control', 'public, max-age=3600');
    if (path === '/.well-known/openid-configuration') {
      return res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys`, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] }));
    }
    if (path === '/keys') return res.end(JSON.stringify(jwks([fixtureKey('other-rsa').publicJwk])));
    res.writeHead(404).end();
  });
  return new Promise((resolve) => https.listen(0, '127.0.0.1', () => {
    port = (https.address() as AddressInfo).port;
    resolve();
  }));
}

function startIamlocal(seedFile: string): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--in-memory', '--port', '0', '--log-level', 'warn', '--seed', seedFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The loopback issuer's certificate is the only extra trust; `localhost` resolves to loopback.
    env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'tls.crt') },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /iamlocal listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        endpoint = m[1];
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`iamlocal exited ${code}`)));
  });
}

const host = (name: string) => `localhost:${port}/${name}`;
const providerArn = (name: string) => `arn:aws:iam::000000000000:oidc-provider/${host(name)}`;

beforeAll(async () => {
  await startIssuer();
  const names = Object.keys(behaviour);
  const seed = {
    oidcProviders: names.map((n) => ({ url: `https://${host(n)}`, clientIds: ['sts.amazonaws.com'], allowNetworkFetch: n !== 'nofetch' && n !== 'toggled' })),
    roles: names.map((n) => ({
      name: `app-${n}`,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn(n) }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${host(n)}:sub`]: 'system:serviceaccount:apps:web' } } }],
      },
    })),
  };
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  await startIamlocal(seedFile);
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.removeAllListeners('exit');
    await new Promise((r) => {
      child.on('exit', r);
      child.kill('SIGTERM');
    });
  }
  await new Promise((r) => https?.close(r));
});

function token(name: string): string {
  const now = Math.floor(Date.now() / 1000);
  const key = fixtureKey('other-rsa');
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid: key.kid })}.${b64({ aud: ['sts.amazonaws.com'], exp: now + 3600, iat: now, iss: `https://${host(name)}`, nbf: now, sub: 'system:serviceaccount:apps:web' })}`;
  return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(keyPem('other-rsa', 'key'))).toString('base64url')}`;
}

async function assume(name: string) {
  const body = form({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: `arn:aws:iam::000000000000:role/app-${name}`, RoleSessionName: 'pod', WebIdentityToken: token(name) });
  const res = await send(endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: res.status, ...errorOf(res.body), body: res.body };
}

describe('network fetch of an issuer’s keys (opt-in per provider)', () => {
  it('fetches discovery then jwks_uri once, verifies, and serves later calls from the cache', async () => {
    const first = await assume('good');
    expect(first.status, first.body).toBe(200);
    expect(first.body).toContain(`<Provider>${providerArn('good')}</Provider>`);
    expect(hits.filter((h) => h.startsWith('/good/'))).toEqual(['/good/.well-known/openid-configuration', '/good/keys']);
    expect((await assume('good')).status).toBe(200);
    expect(hits.filter((h) => h.startsWith('/good/'))).toHaveLength(2);
  });

  it('a provider that did not opt in is never fetched', async () => {
    expect(await assume('nofetch')).toMatchObject({ status: 400, code: 'InvalidIdentityToken', message: MSG_NO_VERIFICATION_KEY });
    expect(hits.filter((h) => h.startsWith('/nofetch/'))).toEqual([]);
  });

  it('an issuer answering 5xx → IDPCommunicationError; 404 → InvalidIdentityToken', async () => {
    expect(await assume('broken')).toMatchObject({ status: 400, code: 'IDPCommunicationError' });
    expect(await assume('missing')).toMatchObject({ status: 400, code: 'InvalidIdentityToken', message: MSG_NO_VERIFICATION_KEY });
  });

  it('the admin endpoint switches fetching on for a provider', async () => {
    expect((await assume('toggled')).code).toBe('InvalidIdentityToken');
    const on = await admin(endpoint, 'PUT', '/_iamlocal/oidc-providers/network-fetch', { providerArn: providerArn('toggled'), enabled: true });
    expect(on.json).toEqual({ providerArn: providerArn('toggled'), allowNetworkFetch: true, pinnedKeys: false });
    expect((await assume('toggled')).status).toBe(200);
  });

  it('POST /_iamlocal/reset forgets fetched keys with the rest of the state', async () => {
    expect((await assume('good')).status).toBe(200);
    const before = hits.filter((h) => h.startsWith('/good/')).length;
    expect((await admin(endpoint, 'POST', '/_iamlocal/reset', {})).status).toBe(200);
    expect((await assume('good')).status).toBe(200);
    expect(hits.filter((h) => h.startsWith('/good/')).length).toBe(before + 2);
  });
});
