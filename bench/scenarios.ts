// Owns the benchmark's scenarios: what each load point sends, how it is set up on a target (iamlocal,
// or moto for the A/B comparison), and what a correct answer looks like. Every request is freshly
// signed by default (new X-Amz-Date, new canonical request, new HMAC chain), as every SDK call is;
// `signing: 'once-per-second'` keeps the old re-sign-at-most-every-second mode as a labelled figure.
import { request } from 'node:http';
import { signRequest } from '../src/auth/sigv4';
import { cachedSigner, call, signedQuery, xmlField, type Creds } from './aws-query';
import type { LoadRequest } from './load';

export const ACCOUNT = '000000000000';
/** The default credentials (`test`/`test`): AdministratorAccess in 000000000000. */
export const ADMIN: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };
/** bench/seed.yaml's users: bench-user may assume bench-role and nothing else; bench-reader may GetRole it. */
export const BENCH_USER: Creds = { accessKeyId: 'AKIAQAAAAAAABENCH234', secretAccessKey: 'benchBENCHbenchBENCHbenchBENCHbenchBENCH' };
export const BENCH_READER: Creds = { accessKeyId: 'AKIAQAAAAAAABENCHRD5', secretAccessKey: 'readerREADERreaderREADERreaderREADERread' };

export type Target = 'iamlocal' | 'moto';
export type Signing = 'fresh' | 'once-per-second';

export interface Scenario {
  name: string;
  /** Which targets can run it (moto has no token verification, no AccessDenied path). */
  targets: readonly Target[];
  /** Prepares state on the target; returns the request source for worker `w`. */
  setup(origin: string, target: Target, signing: Signing): Promise<(worker: number) => LoadRequest>;
  /** Expected HTTP status (200 unless the scenario measures a refusal). */
  status?: number;
  check(body: string): boolean;
}

function source(signing: Signing, make: (now: Date) => LoadRequest): () => LoadRequest {
  return signing === 'fresh' ? () => make(new Date()) : cachedSigner(make);
}

const ROLE_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
});
const BENCH_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/bench-role`;

/** bench-role, created through IAM CreateRole (idempotent across scenarios). */
async function ensureBenchRole(origin: string): Promise<void> {
  try {
    await call(origin, 'iam', 'CreateRole', { RoleName: 'bench-role', AssumeRolePolicyDocument: ROLE_TRUST }, ADMIN);
  } catch (e) {
    if (!/EntityAlreadyExists/.test(String(e))) throw e;
  }
}

export const getCallerIdentity: Scenario = {
  name: 'GetCallerIdentity',
  targets: ['iamlocal', 'moto'],
  async setup(origin, _t, signing) {
    const next = source(signing, (now) => signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ADMIN, now));
    return () => next();
  },
  check: (b) => b.includes('<GetCallerIdentityResult>'),
};

export const assumeRole: Scenario = {
  name: 'AssumeRole',
  targets: ['iamlocal', 'moto'],
  async setup(origin, _t, signing) {
    await ensureBenchRole(origin);
    const next = source(signing, (now) => signedQuery(origin, 'sts', 'AssumeRole', { RoleArn: BENCH_ROLE_ARN, RoleSessionName: 'bench' }, BENCH_USER, now));
    return () => next();
  },
  check: (b) => b.includes('<AccessKeyId>'),
};

export const getRole: Scenario = {
  name: 'GetRole',
  targets: ['iamlocal', 'moto'],
  async setup(origin, _t, signing) {
    await ensureBenchRole(origin);
    const next = source(signing, (now) => signedQuery(origin, 'iam', 'GetRole', { RoleName: 'bench-role' }, BENCH_READER, now));
    return () => next();
  },
  check: (b) => b.includes('<RoleName>bench-role</RoleName>'),
};

/** The same GetRole, by a caller no policy allows: AWS's AccessDenied, with its sealed message. */
export const getRoleDenied: Scenario = {
  name: 'GetRole denied',
  targets: ['iamlocal'],
  status: 403,
  async setup(origin, _t, signing) {
    await ensureBenchRole(origin);
    const next = source(signing, (now) => signedQuery(origin, 'iam', 'GetRole', { RoleName: 'bench-role' }, BENCH_USER, now));
    return () => next();
  },
  check: (b) => b.includes('<Code>AccessDenied</Code>'),
};

export const listRoles: Scenario = {
  name: 'ListRoles (100)',
  targets: ['iamlocal', 'moto'],
  async setup(origin, _t, signing) {
    for (let i = 0; i < 100; i++) {
      try {
        await call(origin, 'iam', 'CreateRole', { RoleName: `bench-list-${String(i).padStart(3, '0')}`, Path: '/bench-list/', AssumeRolePolicyDocument: ROLE_TRUST }, ADMIN);
      } catch (e) {
        if (!/EntityAlreadyExists/.test(String(e))) throw e;
      }
    }
    const next = source(signing, (now) => signedQuery(origin, 'iam', 'ListRoles', { PathPrefix: '/bench-list/', MaxItems: '100' }, ADMIN, now));
    return () => next();
  },
  check: (b) => b.includes('bench-list-099'),
};

/** Each worker alternates CreateRole and DeleteRole of its own role: every request is one write. */
export const createDeleteRole: Scenario = {
  name: 'CreateRole+DeleteRole',
  targets: ['iamlocal', 'moto'],
  async setup(origin) {
    const state = new Map<number, number>();
    // Names unique to this setup: a point that stops between a worker's create and its delete leaves a role
    // behind, which the next round's same-named create would meet as EntityAlreadyExists.
    const run = Date.now().toString(36);
    // Always freshly signed: each request differs anyway.
    return (w) => {
      const n = state.get(w) ?? 0;
      state.set(w, n + 1);
      const name = `bench-cd-${run}-${w}-${n >> 1}`;
      return n % 2 === 0
        ? signedQuery(origin, 'iam', 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: ROLE_TRUST }, ADMIN)
        : signedQuery(origin, 'iam', 'DeleteRole', { RoleName: name }, ADMIN);
    };
  },
  check: (b) => b.includes('<CreateRoleResult>') || b.includes('<DeleteRoleResponse'),
};

/** Admin call signed with the default credentials (any service name in the scope). */
async function admin(origin: string, method: string, path: string, body?: unknown): Promise<any> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const added = signRequest({ method, url: `${origin}${path}`, headers, body: payload }, ADMIN, { region: 'us-east-1', service: 'iamlocal', now: new Date() });
  const u = new URL(origin);
  return await new Promise((resolve, reject) => {
    const r = request({ host: u.hostname, port: u.port, method, path, headers: { ...headers, ...added, 'content-length': String(Buffer.byteLength(payload)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 300)}`));
        else resolve(text ? JSON.parse(text) : {});
      });
    });
    r.on('error', reject);
    r.end(payload);
  });
}

/** Unsigned AssumeRoleWithWebIdentity with a token of iamlocal's mock EKS issuer: full JWT verification each time. */
export const assumeRoleWithWebIdentity: Scenario = {
  name: 'AssumeRoleWithWebIdentity',
  targets: ['iamlocal'],
  async setup(origin) {
    let cluster: { oidcProviderArn: string; issuer: string };
    try {
      cluster = await admin(origin, 'POST', '/_iamlocal/clusters', { name: 'bench-cluster' });
    } catch {
      cluster = await admin(origin, 'GET', '/_iamlocal/clusters/bench-cluster');
    }
    const host = cluster.issuer.replace(/^https:\/\//, '');
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: cluster.oidcProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${host}:sub`]: 'system:serviceaccount:bench:app', [`${host}:aud`]: 'sts.amazonaws.com' } },
        },
      ],
    });
    try {
      await call(origin, 'iam', 'CreateRole', { RoleName: 'bench-irsa', AssumeRolePolicyDocument: trust }, ADMIN);
    } catch (e) {
      if (!/EntityAlreadyExists/.test(String(e))) throw e;
    }
    const { token } = (await admin(origin, 'POST', '/_iamlocal/clusters/bench-cluster/tokens', { namespace: 'bench', serviceAccount: 'app', lifetimeSeconds: 86400 })) as { token: string };
    const body = Buffer.from(
      new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: `arn:aws:iam::${ACCOUNT}:role/bench-irsa`, RoleSessionName: 'bench', WebIdentityToken: token }).toString(),
    );
    const req: LoadRequest = { method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body };
    return () => req;
  },
  check: (b) => b.includes('<AssumeRoleWithWebIdentityResult>'),
};

/** Temporary credentials of one bench-role session, for calls made as a session. */
export async function sessionCreds(origin: string): Promise<Creds> {
  await ensureBenchRole(origin);
  const xml = await call(origin, 'sts', 'AssumeRole', { RoleArn: BENCH_ROLE_ARN, RoleSessionName: 'probe' }, BENCH_USER);
  return { accessKeyId: xmlField(xml, 'AccessKeyId')!, secretAccessKey: xmlField(xml, 'SecretAccessKey')!, sessionToken: xmlField(xml, 'SessionToken')! };
}

/** GetCallerIdentity as a role session (what every call made with assumed credentials pays). */
export function sessionGetCallerIdentity(creds: Creds): Scenario {
  return {
    name: 'GetCallerIdentity as session',
    targets: ['iamlocal'],
    async setup(origin, _t, signing) {
      const next = source(signing, (now) => signedQuery(origin, 'sts', 'GetCallerIdentity', {}, creds, now));
      return () => next();
    },
    check: (b) => b.includes('assumed-role/bench-role/probe'),
  };
}

export const ALL: Scenario[] = [getCallerIdentity, assumeRole, getRole, getRoleDenied, listRoles, createDeleteRole, assumeRoleWithWebIdentity];
