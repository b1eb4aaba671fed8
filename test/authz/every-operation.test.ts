// The promise every operation table makes, through the real pipeline (createApp): every operation of
// every table in SERVICES (src/app.ts — tables other services add there are covered automatically)
// refuses a caller without permission before it touches state, and the only operations that skip
// authorization are the ones AWS exempts. Callers tried for each operation:
//   - an IAM user with no policies                          → AccessDenied
//   - a role session (AdministratorAccess role) whose session policy denies everything → AccessDenied
//   - the access key of a user that was deleted             → InvalidClientTokenId
//   - a session that has expired                            → ExpiredToken
// Inputs are found the way a client learns them: AWS validates before it authorizes, so each
// operation is first called with no parameters and the members its ValidationError names as null are
// filled from the table of sample values (test/fixtures/authz/sample-params.json), until the answer is
// no longer a ValidationError. JSON-protocol services start from the sample input named after the
// service (their validation texts name no member); restJson1 labels come from the same values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operationTableOf, SERVICES } from '../../src/app';
import type { Operation, ServiceName } from '../../src/services/types';
import samples from '../fixtures/authz/sample-params.json';
import { pipeline, type Pipeline, type PipelineResponse } from '../helpers/pipeline';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/**
 * Operations AWS does not authorize: GetCallerIdentity ("No permissions are required to perform this
 * operation", STS API reference) and GetSessionToken with long-term keys ("You cannot use policies to
 * control authentication operations"); AssumeRoleWithWebIdentity is unsigned — its caller is the token
 * and the role's trust policy decides (covered by the web-identity suites).
 */
const AWS_EXEMPT = new Set(['sts:GetCallerIdentity', 'sts:GetSessionToken']);
const UNSIGNED = new Set(['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML']);

const NOBODY: Creds = { accessKeyId: 'AKIAEVERYOPNOBODY001', secretAccessKey: 'every-operation-nobody-secret-0000000001' };
const ADMIN: Creds = { accessKeyId: 'AKIAEVERYOPADMIN0001', secretAccessKey: 'every-operation-admin-secret-00000000001' };
const GONE: Creds = { accessKeyId: 'AKIAEVERYOPGONE00001', secretAccessKey: 'every-operation-gone-secret-000000000001' };
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
const DENY_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });

const seed = {
  // A member account of an organization, so Organizations operations reach their authorization step.
  accounts: [{ id: '999999999999' }],
  organization: { managementAccount: '999999999999', units: [{ name: 'Workloads', accounts: ['000000000000'] }] },
  users: [
    { name: 'nobody', accessKeys: [NOBODY] },
    { name: 'admin', accessKeys: [ADMIN], managedPolicies: [ADMIN_POLICY] },
    { name: 'gone', accessKeys: [GONE] },
  ],
  roles: [
    {
      name: 'operator',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] },
      managedPolicies: [ADMIN_POLICY],
    },
  ],
};

const values = samples.values as Record<string, unknown>;
const overrides = samples.overrides as Record<string, Record<string, unknown>>;

/** `roleName` (as AWS prints it) → `RoleName`. */
const memberParam = (m: string) => m[0]!.toUpperCase() + m.slice(1);

/** awsQuery form fields for one parameter value (lists as `.member.N`, structures as `.Field`). */
function flatten(name: string, v: unknown, out: Record<string, string>): void {
  if (Array.isArray(v)) v.forEach((x, i) => flatten(`${name}.member.${i + 1}`, x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) flatten(`${name}.${k}`, x, out);
  else out[name] = String(v);
}

interface Caller {
  name: string;
  creds: (p: Pipeline) => Promise<Creds>;
  expect: (op: Operation<any, any>) => string;
}

const protocolOf = (op: Operation<any, any>) => SERVICES[op.service].protocol;

function call(p: Pipeline, op: Operation<any, any>, params: Record<string, unknown>, creds: Creds): Promise<PipelineResponse> {
  const SVC = SERVICES[op.service];
  if (SVC.protocol === 'json') return p.json(`${SVC.targetPrefix}.${op.name}`, params, creds, op.service);
  if (SVC.protocol === 'rest-json') {
    // restJson1: labels of the URI template from the input, the rest as the JSON body.
    const binding = op.http!;
    const body = { ...params };
    const path = binding.path.replace(/\{([A-Za-z0-9_]+)\+?\}/g, (_, label: string) => {
      const v = body[label] ?? values[label] ?? values[memberParam(label)] ?? 'sample';
      delete body[label];
      return encodeURIComponent(String(v));
    });
    return p.rest(binding.method, path, binding.method === 'GET' || binding.method === 'DELETE' ? undefined : body, creds, op.service);
  }
  const form: Record<string, string> = { Action: op.name, Version: SVC.version };
  for (const [k, v] of Object.entries(params)) flatten(k, v, form);
  return p.signed(form, creds, op.service as 'sts' | 'iam');
}

function errorCode(op: Operation<any, any>, r: PipelineResponse): string {
  if (protocolOf(op) === 'query') return r.error.code;
  const header = r.headers.get('x-amzn-errortype');
  if (header) return header.split(':')[0]!.split('#').pop()!;
  try {
    return String((JSON.parse(r.body) as { __type?: string }).__type ?? '').split('#').pop()!;
  } catch {
    return '';
  }
}

function errorMessage(op: Operation<any, any>, r: PipelineResponse): string {
  if (protocolOf(op) === 'query') return r.error.message;
  try {
    return String((JSON.parse(r.body) as { message?: string; Message?: string }).message ?? (JSON.parse(r.body) as { Message?: string }).Message ?? '');
  } catch {
    return '';
  }
}

/** Every row of every table, with access-key last-used bookkeeping left out (AWS records that too). */
function snapshot(p: Pipeline): string {
  const db = p.store.db.raw;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const rows = db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[];
    out[name] = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('last_used'))));
  }
  return JSON.stringify(out);
}

/** Fills the members a ValidationError names as null, until the operation accepts its input. */
async function inputFor(p: Pipeline, op: Operation<any, any>, creds: Creds): Promise<{ params: Record<string, unknown>; response: PipelineResponse }> {
  // Organizations (JSON 1.1) names no member in its validation text: start from every sample value
  // of its members (unknown members are ignored, as by AWS's JSON services).
  const start = protocolOf(op) === 'query' ? {} : ((samples as Record<string, unknown>)[op.service] as Record<string, unknown> | undefined) ?? {};
  const params: Record<string, unknown> = { ...start, ...(overrides[`${op.service}:${op.name}`] ?? overrides[op.name] ?? {}) };
  for (let round = 0; round < 8; round++) {
    const response = await call(p, op, params, creds);
    const code = errorCode(op, response);
    if (!/^(ValidationError|ValidationException|InvalidInputException|InvalidParameterException|InvalidRequestException)$/.test(code)) return { params, response };
    const text = errorMessage(op, response);
    const missing = [...text.matchAll(/Value null at '([A-Za-z0-9]+)'/g)].map((m) => memberParam(m[1]!));
    // "Must specify userName when calling with non-User credentials" (role sessions, root).
    if (/Must specify userName/.test(text) && !('UserName' in params)) missing.push('UserName');
    const unknown = missing.filter((m) => !(m in values));
    if (missing.length === 0 || unknown.length > 0) {
      throw new Error(`${op.service}:${op.name}: no sample value for ${unknown.join(', ') || '(none named)'} — ${errorMessage(op, response)} (add it to test/fixtures/authz/sample-params.json)`);
    }
    for (const m of missing) params[m] = values[m];
  }
  throw new Error(`${op.service}:${op.name}: input not accepted after 8 rounds`);
}

const callers: Caller[] = [
  { name: 'an IAM user with no policies', creds: async () => NOBODY, expect: (op) => (protocolOf(op) === 'query' ? 'AccessDenied' : 'AccessDeniedException') },
  {
    name: 'a role session whose session policy denies everything',
    async creds(p) {
      const r = await p.signed({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/operator', RoleSessionName: 'denied', Policy: DENY_ALL }, ADMIN);
      expect(r.status).toBe(200);
      return { accessKeyId: r.tag('AccessKeyId')!, secretAccessKey: r.tag('SecretAccessKey')!, sessionToken: r.tag('SessionToken')! };
    },
    expect: (op) => (protocolOf(op) === 'query' ? 'AccessDenied' : 'AccessDeniedException'),
  },
  {
    name: "a deleted user's access key",
    async creds(p) {
      const user = p.store.users.getByName('000000000000', 'gone')!;
      p.store.transaction(() => p.store.users.delete(user.id));
      return GONE;
    },
    expect: (op) => (protocolOf(op) === 'query' ? 'InvalidClientTokenId' : 'UnrecognizedClientException'),
  },
  {
    name: 'an expired session',
    async creds(p) {
      const r = await p.signed({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/operator', RoleSessionName: 'expired', DurationSeconds: '900' }, ADMIN);
      expect(r.status).toBe(200);
      p.clock.advance(901_000);
      return { accessKeyId: r.tag('AccessKeyId')!, secretAccessKey: r.tag('SecretAccessKey')!, sessionToken: r.tag('SessionToken')! };
    },
    expect: (op) => (protocolOf(op) === 'query' ? 'ExpiredToken' : 'ExpiredTokenException'),
  },
];

// Every table, the ones imported on a service's first request included.
const tables = await Promise.all((Object.keys(SERVICES) as ServiceName[]).map((name) => operationTableOf(name)));
const operations = tables.flatMap((table) => [...table.values()] as Operation<any, any>[]);
/**
 * The services whose every operation is driven here. EC2 (its own Query flavour and error codes), EKS,
 * EKS Auth and Access Analyzer (restJson1, required members named in their own error vocabulary) are
 * refused-caller-tested in their own suites (test/e2e/ec2-api, pod-identity, access-analyzer-*) until
 * this harness learns their validation vocabularies.
 */
const DRIVEN = new Set(['sts', 'iam', 'organizations']);
const driven = operations.filter((o) => DRIVEN.has(o.service));

describe('the operation tables', () => {
  it('cover every service in SERVICES (STS, IAM, Organizations and whatever is added)', () => {
    expect(new Set(operations.map((o) => o.service))).toEqual(new Set(Object.keys(SERVICES)));
    expect(operations.length).toBeGreaterThan(130);
  });

  it('skip authorization only for the operations AWS exempts', () => {
    const skipping = operations.filter((o) => o.noAuthorization || o.unsigned).map((o) => o.action);
    expect(new Set(skipping)).toEqual(new Set([...AWS_EXEMPT, ...UNSIGNED]));
  });
});

describe.each(callers)('every operation refuses $name before touching state', (caller) => {
  it('for each operation of every table', async () => {
    const p = await pipeline(seed);
    const creds = await caller.creds(p);
    const failures: string[] = [];
    for (const op of driven) {
      if (UNSIGNED.has(op.action)) continue;
      const before = snapshot(p);
      let response: PipelineResponse;
      try {
        ({ response } = await inputFor(p, op, creds));
      } catch (e) {
        failures.push((e as Error).message);
        continue;
      }
      const code = errorCode(op, response);
      const exempt = AWS_EXEMPT.has(op.action) && caller.name === 'an IAM user with no policies';
      // GetCallerIdentity answers any signed-in caller, even one whose policies deny it.
      const alwaysAnswers = op.action === 'sts:GetCallerIdentity' && caller.name.startsWith('a role session');
      if (exempt || alwaysAnswers) {
        if (response.status !== 200) failures.push(`${op.action}: exempt by AWS but answered ${response.status} ${code}`);
        continue;
      }
      if (code !== caller.expect(op)) failures.push(`${op.action}: expected ${caller.expect(op)}, got ${response.status} ${code} ${errorMessage(op, response)}`);
      if (snapshot(p) !== before) failures.push(`${op.action}: state changed although the call was refused`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

// The sample table's shape (a new service's members go into `values`, or `organizations` for JSON 1.1).
describe('sample-params.json', () => {
  it('has values, organizations and overrides', () => {
    const raw = JSON.parse(readFileSync(new URL('../fixtures/authz/sample-params.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(raw).toMatchObject({ values: expect.any(Object), overrides: expect.any(Object), organizations: expect.any(Object) });
  });
});
