// Invariants of the decision, checked on generated requests and policy sets (fast-check):
//  1. an explicit deny is never overturned by adding Allow statements anywhere;
//  2. removing a statement never turns a deny into an allow unless the statement removed is a Deny;
//  3. adding an Allow statement to an existing policy never turns an allow into a deny.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type EvalRequest, type PolicySource } from '../../src/policy/index';

const A = '111122223333';
const B = '444455556666';

type Stmt = Record<string, unknown>;
interface Doc {
  Version?: string;
  Statement: Stmt[];
}
interface Setup {
  who: number;
  action: string;
  resource: string;
  resourceAccount: string;
  identity: Doc[];
  boundary: Doc | null;
  session: Doc[] | null;
  scps: Doc[][] | null;
  rcps: Doc[][] | null;
  resourcePolicy: Doc | null;
}

const callers: { principal: EvalRequest['principal']; context: Record<string, string> }[] = [
  { principal: { type: 'IAMUser', arn: `arn:aws:iam::${A}:user/alice`, account: A }, context: { 'aws:username': 'alice', 'aws:PrincipalArn': `arn:aws:iam::${A}:user/alice` } },
  {
    principal: { type: 'AssumedRole', arn: `arn:aws:sts::${A}:assumed-role/app/s1`, roleArn: `arn:aws:iam::${A}:role/app`, account: A },
    context: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/app` },
  },
  { principal: { type: 'Root', arn: `arn:aws:iam::${A}:root`, account: A }, context: { 'aws:PrincipalArn': `arn:aws:iam::${A}:root` } },
  {
    principal: { type: 'FederatedUser', arn: `arn:aws:sts::${A}:federated-user/f`, account: A, federatingUserArn: `arn:aws:iam::${A}:user/alice` },
    context: { 'aws:PrincipalArn': `arn:aws:sts::${A}:federated-user/f` },
  },
  { principal: { type: 'IAMUser', arn: `arn:aws:iam::${B}:user/bob`, account: B }, context: { 'aws:username': 'bob', 'aws:PrincipalArn': `arn:aws:iam::${B}:user/bob` } },
  { principal: { type: 'Anonymous' }, context: {} },
  { principal: { type: 'Service', service: 'ec2.amazonaws.com' }, context: {} },
];

const actions = ['s3:GetObject', 's3:PutObject', 'iam:GetUser', 'sts:AssumeRole', 'kms:Decrypt'];
const resources = ['arn:aws:s3:::b/a', 'arn:aws:s3:::c/x', '*', `arn:aws:iam::${A}:user/alice`, `arn:aws:iam::${A}:role/r`, `arn:aws:kms:us-east-1:${A}:key/k`];

const actionPat = fc.constantFrom('*', 's3:*', 's3:Get*', 'iam:GetUser', 'sts:AssumeRole', 'kms:*', 's3:?utObject', 'IAM:get*');
const resourcePat = fc.constantFrom('*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*', 'arn:aws:iam::*:user/*', `arn:aws:iam::${A}:role/*`, 'arn:aws:s3:::${aws:username}/*');
const condition = fc.constantFrom<Record<string, unknown> | undefined>(
  undefined,
  undefined,
  { StringEquals: { 'aws:username': 'alice' } },
  { StringNotEquals: { 'aws:username': 'alice' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { StringEqualz: { 'aws:username': 'alice' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': 'soon' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/*` } },
);
const principalEl = fc.constantFrom<unknown>('*', { AWS: A }, { AWS: `arn:aws:iam::${A}:user/alice` }, { AWS: `arn:aws:iam::${A}:role/app` }, { AWS: B }, { Service: 'ec2.amazonaws.com' }, { AWS: `arn:aws:sts::${A}:assumed-role/app/s1` });
const effect = fc.constantFrom('Allow', 'Deny');

const identityStmt = fc.record({ effect, a: actionPat, r: resourcePat, not: fc.boolean(), c: condition }).map(({ effect, a, r, not, c }) => {
  const s: Stmt = { Effect: effect, [not ? 'NotAction' : 'Action']: a, Resource: r };
  if (c) s.Condition = c;
  return s;
});
const resourceStmt = fc.record({ effect, a: actionPat, p: principalEl, notP: fc.boolean(), c: condition }).map(({ effect, a, p, notP, c }) => {
  const s: Stmt = { Effect: effect, Action: a, Resource: '*' };
  if (notP && effect === 'Deny') s.NotPrincipal = p;
  else s.Principal = p;
  if (c) s.Condition = c;
  return s;
});
const rcpStmt = identityStmt.map((s) => ({ ...s, Principal: '*' }));
const doc = (st: fc.Arbitrary<Stmt>) => fc.array(st, { minLength: 0, maxLength: 3 }).map((Statement) => ({ Version: '2012-10-17', Statement }) as Doc);

const setup: fc.Arbitrary<Setup> = fc.record({
  who: fc.integer({ min: 0, max: callers.length - 1 }),
  action: fc.constantFrom(...actions),
  resource: fc.constantFrom(...resources),
  resourceAccount: fc.constantFrom(A, A, B),
  identity: fc.array(doc(identityStmt), { maxLength: 2 }),
  boundary: fc.option(doc(identityStmt)),
  session: fc.option(fc.array(doc(identityStmt), { minLength: 1, maxLength: 2 })),
  scps: fc.option(fc.array(fc.array(doc(identityStmt), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 })),
  rcps: fc.option(fc.array(fc.array(doc(rcpStmt), { maxLength: 1 }), { minLength: 1, maxLength: 2 })),
  resourcePolicy: fc.option(doc(resourceStmt)),
});

function toRequest(s: Setup): EvalRequest {
  const c = callers[s.who]!;
  const srcs = (ds: Doc[], p: string): PolicySource[] => ds.map((d, i) => ({ id: `${p}${i}`, document: d }));
  return {
    principal: c.principal,
    action: s.action,
    resource: s.resource,
    resourceAccount: s.resourceAccount,
    context: { 'aws:SecureTransport': 'true', ...c.context },
    policies: {
      identity: srcs(s.identity, 'identity'),
      boundary: s.boundary ? { id: 'boundary', document: s.boundary } : null,
      session: s.session ? srcs(s.session, 'session') : null,
      scps: s.scps ? s.scps.map((l, i) => srcs(l, `scp${i}-`)) : null,
      rcps: s.rcps ? s.rcps.map((l, i) => srcs(l, `rcp${i}-`)) : null,
      resource: s.resourcePolicy ? { id: 'resource', document: s.resourcePolicy } : null,
    },
  };
}

/** Every statement slot in a setup, as [documents-of-that-kind, make-a-statement-for-it]. */
function docsOf(s: Setup): { d: Doc; kind: 'identity' | 'resource' | 'rcp' }[] {
  const out: { d: Doc; kind: 'identity' | 'resource' | 'rcp' }[] = [];
  s.identity.forEach((d) => out.push({ d, kind: 'identity' }));
  if (s.boundary) out.push({ d: s.boundary, kind: 'identity' });
  s.session?.forEach((d) => out.push({ d, kind: 'identity' }));
  s.scps?.forEach((l) => l.forEach((d) => out.push({ d, kind: 'identity' })));
  s.rcps?.forEach((l) => l.forEach((d) => out.push({ d, kind: 'rcp' })));
  if (s.resourcePolicy) out.push({ d: s.resourcePolicy, kind: 'resource' });
  return out;
}

const clone = (s: Setup): Setup => structuredClone(s);

describe('decision invariants', () => {
  it('an explicit deny is never overturned by adding Allow statements', () => {
    fc.assert(
      fc.property(setup, fc.array(fc.tuple(fc.nat(), identityStmt, resourceStmt), { minLength: 1, maxLength: 4 }), (s, adds) => {
        fc.pre(evaluate(toRequest(s)).decision === 'explicitDeny');
        const t = clone(s);
        const slots = docsOf(t);
        for (const [i, is, rs] of adds) {
          if (slots.length === 0) t.identity.push({ Version: '2012-10-17', Statement: [{ ...is, Effect: 'Allow' }] });
          else {
            const slot = slots[i % slots.length]!;
            const st: Stmt = slot.kind === 'resource' ? { ...rs, Effect: 'Allow' } : slot.kind === 'rcp' ? { ...is, Effect: 'Allow', Principal: '*' } : { ...is, Effect: 'Allow' };
            if (st.NotPrincipal) {
              st.Principal = st.NotPrincipal;
              delete st.NotPrincipal;
            }
            slot.d.Statement.push(st);
          }
        }
        expect(evaluate(toRequest(t)).decision).toBe('explicitDeny');
      }),
      { numRuns: 400 },
    );
  });

  it('removing a statement turns a deny into an allow only when the statement removed is a Deny', () => {
    fc.assert(
      fc.property(setup, fc.nat(), fc.nat(), (s, i, j) => {
        fc.pre(evaluate(toRequest(s)).decision !== 'allowed');
        const t = clone(s);
        const slots = docsOf(t).filter((x) => x.d.Statement.length > 0);
        fc.pre(slots.length > 0);
        const slot = slots[i % slots.length]!;
        const [removed] = slot.d.Statement.splice(j % slot.d.Statement.length, 1);
        if (evaluate(toRequest(t)).decision === 'allowed') expect(removed!.Effect).toBe('Deny');
      }),
      { numRuns: 1500 },
    );
  });

  it('adding an Allow statement to an existing policy never turns an allow into a deny', () => {
    fc.assert(
      fc.property(setup, fc.nat(), identityStmt, resourceStmt, (s, i, is, rs) => {
        fc.pre(evaluate(toRequest(s)).decision === 'allowed');
        const t = clone(s);
        const slots = docsOf(t);
        fc.pre(slots.length > 0);
        const slot = slots[i % slots.length]!;
        const st: Stmt = slot.kind === 'resource' ? { ...rs, Effect: 'Allow' } : slot.kind === 'rcp' ? { ...is, Effect: 'Allow', Principal: '*' } : { ...is, Effect: 'Allow' };
        slot.d.Statement.push(st);
        expect(evaluate(toRequest(t)).decision).toBe('allowed');
      }),
      { numRuns: 800 },
    );
  });

  it('evaluate never throws and is deterministic', () => {
    fc.assert(
      fc.property(setup, (s) => {
        const r = toRequest(s);
        const a = evaluate(r);
        const b = evaluate(toRequest(clone(s)));
        expect(b.decision).toBe(a.decision);
      }),
      { numRuns: 300 },
    );
  });
});
