// NODE_EXTRA_CA_CERTS through `npm start`: the start script (package.json, run here by sh with the built
// dist/cli.js, as npm runs it) hands the file to iamlocal as IAMLOCAL_EXTRA_CA_CERTS and gives node an empty
// NODE_EXTRA_CA_CERTS, so node does not parse the bundle at start (Node 20 does that before any JavaScript
// runs: 40-45 % of a start's instructions with Debian's bundle, bench/README.md, twelfth pass). iamlocal's own
// outbound HTTPS (OIDC discovery) still trusts the file's certificates: it reads them on its first fetch
// (src/http/outbound-tls.ts). A certificate it was not given is not trusted: the fetch fails closed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwks } from '../../src/oidc/index';
import { errorOf, form, send } from '../helpers/raw-client';
import { fixtureKey, keyPem } from '../oidc/helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const START = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const dir = mkdtempSync(join(tmpdir(), 'iamlocal-extra-ca-'));
let issuer: Server;
let port: number;
const children: ChildProcess[] = [];

function selfSigned(name: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
}

/** `npm start -- <args>` as npm runs it (sh -c), in `env`; resolves with the endpoint and the server's pid. */
function npmStart(env: NodeJS.ProcessEnv, seedFile: string): Promise<{ endpoint: string; pid: number }> {
  const child = spawn('sh', ['-c', `${START} "$@"`, 'sh', '--in-memory', '--port', '0', '--log-level', 'warn', '--seed', seedFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /iamlocal listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ endpoint: m[1], pid: child.pid! });
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`iamlocal exited ${code}: ${out}`)));
  });
}

const host = () => `localhost:${port}/idp`;
const providerArn = () => `arn:aws:iam::000000000000:oidc-provider/${host()}`;

function token(): string {
  const now = Math.floor(Date.now() / 1000);
  const key = fixtureKey('other-rsa');
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid: key.kid })}.${b64({ aud: ['sts.amazonaws.com'], exp: now + 3600, iat: now, iss: `https://${host()}`, nbf: now, sub: 'system:serviceaccount:apps:web' })}`;
  return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(keyPem('other-rsa', 'key'))).toString('base64url')}`;
}

async function assume(endpoint: string) {
  const body = form({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 'pod', WebIdentityToken: token() });
  const res = await send(endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: res.status, ...errorOf(res.body), body: res.body };
}

/** The environment a process was started with (Linux /proc). */
function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

let seedFile: string;

beforeAll(async () => {
  selfSigned('issuer');
  selfSigned('unrelated');
  issuer = createServer({ key: readFileSync(join(dir, 'issuer.key')), cert: readFileSync(join(dir, 'issuer.crt')) }, (req, res) => {
    const iss = `https://${host()}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/idp/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer: iss, jwks_uri: `${iss}/keys`, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] }));
    if (req.url === '/idp/keys') return res.end(JSON.stringify(jwks([fixtureKey('other-rsa').publicJwk])));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
  port = (issuer.address() as AddressInfo).port;
  seedFile = join(dir, 'seed.json');
  writeFileSync(
    seedFile,
    JSON.stringify({
      oidcProviders: [{ url: `https://${host()}`, clientIds: ['sts.amazonaws.com'], allowNetworkFetch: true }],
      roles: [{ name: 'app', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn() }, Action: 'sts:AssumeRoleWithWebIdentity' }] } }],
    }),
  );
}, 60_000);

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode !== null) continue;
    c.removeAllListeners('exit');
    await new Promise((r) => {
      c.on('exit', r);
      c.kill('SIGTERM');
    });
  }
  await new Promise((r) => issuer?.close(r));
});

const base = (): NodeJS.ProcessEnv => {
  const { NODE_EXTRA_CA_CERTS: _n, IAMLOCAL_EXTRA_CA_CERTS: _i, ...rest } = process.env;
  return rest;
};

describe.runIf(existsSync(join(ROOT, 'dist', 'cli.js')))('NODE_EXTRA_CA_CERTS under npm start', () => {
  it('node starts without it; iamlocal trusts its certificates for OIDC discovery', async () => {
    const { endpoint, pid } = await npmStart({ ...base(), NODE_EXTRA_CA_CERTS: join(dir, 'issuer.crt') }, seedFile);
    if (existsSync(`/proc/${pid}/environ`)) {
      // sh exec'd node in place: this pid is the server, and its NODE_EXTRA_CA_CERTS is empty.
      const env = environOf(pid);
      expect(env.NODE_EXTRA_CA_CERTS).toBe('');
      expect(env.IAMLOCAL_EXTRA_CA_CERTS).toBe(join(dir, 'issuer.crt'));
    }
    const r = await assume(endpoint);
    expect(r.status, r.body).toBe(200);
    expect(r.body).toContain(`<Provider>${providerArn()}</Provider>`);
  });

  it('IAMLOCAL_EXTRA_CA_CERTS, when set, is what it trusts: an issuer signed by another CA is not reached', async () => {
    const { endpoint } = await npmStart({ ...base(), NODE_EXTRA_CA_CERTS: join(dir, 'issuer.crt'), IAMLOCAL_EXTRA_CA_CERTS: join(dir, 'unrelated.crt') }, seedFile);
    // The TLS handshake fails (unknown CA): STS's answer for an issuer it cannot talk to.
    expect(await assume(endpoint)).toMatchObject({ status: 400, code: 'IDPCommunicationError' });
  });

  it('without either, Node’s bundled CAs do not trust the throw-away certificate', async () => {
    const { endpoint } = await npmStart(base(), seedFile);
    expect(await assume(endpoint)).toMatchObject({ status: 400, code: 'IDPCommunicationError' });
  });
});
