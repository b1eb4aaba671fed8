// A denial holds its decision (sealed messages: a compact form) and DecodeAuthorizationMessage expands it. What a
// client reads back must be byte for byte what it was when the AWS-shaped message itself was sealed:
// the oracle below is that earlier construction, kept verbatim, and every case compares the
// DecodedMessage JSON (the STS answer is JSON.stringify of the decoded message) character for character.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/index';
import { explainDecision, POLICY_KIND_LABEL } from '../../src/policy/explain';
import type { Decision, EvalPrincipal, EvalRequest, PolicyKind, PolicySource, RequestContext } from '../../src/policy/types';
import {
  authorizationMessageHeader,
  AUTHORIZATION_MESSAGE_HEADER,
  decodeAuthorizationMessage,
  decodedMessageOf,
  encodeAuthorizationMessage,
  encodeDecision,
  HELD_MESSAGES,
  holdDecision,
  refusalMessageHeader,
  type DecodedAuthorizationMessage,
  type DecodedPolicyRef,
  type DecodedStatement,
} from '../../src/authz/authorization-message';

// ---- the oracle: the AWS-shaped message as it was built before the compact form -------------------
type Items<T> = { items: T[] };
const items = <T>(xs: T[]): Items<T> => ({ items: xs });
const values = (xs: string[]) => items(xs.map((value) => ({ value })));
const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
function policyRef(type: PolicyKind, id: string, name?: string): DecodedPolicyRef {
  return { type: POLICY_KIND_LABEL[type], ...(id.startsWith('arn:') ? { arn: id } : { id }), ...(name && name !== id ? { name } : {}) };
}
function policiesOf(req: EvalRequest): PolicySource[] {
  const p = req.policies;
  return [...p.identity, ...(p.boundary ? [p.boundary] : []), ...(p.session ?? []), ...(p.scps ?? []).flat(), ...(p.rcps ?? []).flat(), ...(p.resource ? [p.resource] : [])];
}
function decodedStatement(req: EvalRequest, policyId: string, index: number, effect: 'Allow' | 'Deny', sid?: string, policy?: DecodedPolicyRef): DecodedStatement {
  const out: DecodedStatement = {
    ...(sid ? { statementId: sid } : {}),
    effect: effect === 'Deny' ? 'DENY' : 'ALLOW',
    principals: values([]),
    principalGroups: values([]),
    actions: values([]),
    resources: values([]),
    conditions: items([]),
    ...(policy ? { policy } : {}),
  };
  const src = policiesOf(req).find((p) => p.id === policyId);
  if (!src) return out;
  try {
    const doc = typeof src.document === 'string' ? JSON.parse(src.document) : src.document;
    const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    const st = list[index] as Record<string, unknown> | undefined;
    if (!st) return out;
    const principal = st.Principal ?? st.NotPrincipal;
    if (principal === '*') out.principals = values(['*']);
    else if (principal && typeof principal === 'object') out.principals = values(Object.values(principal as object).flatMap(asList));
    out.actions = values(asList(st.Action ?? st.NotAction));
    out.resources = values(asList(st.Resource ?? st.NotResource));
    const cond = (st.Condition ?? {}) as Record<string, Record<string, unknown>>;
    out.conditions = items(
      Object.entries(cond).flatMap(([op, block]) => Object.entries(block ?? {}).map(([key, v]) => ({ key: `${op}:${key}`, values: values(asList(v)) }))),
    );
  } catch {
    // as before
  }
  return out;
}
function oracle(req: EvalRequest, d: Decision): DecodedAuthorizationMessage {
  const x = explainDecision(req, d);
  const listed = d.decision === 'implicitDeny' ? [] : x.statements.filter((m) => d.decision !== 'explicitDeny' || m.effect === 'Deny');
  const p = req.principal;
  const message: DecodedAuthorizationMessage = {
    allowed: d.decision === 'allowed',
    explicitDeny: d.decision === 'explicitDeny',
    matchedStatements: items(listed.map((m) => decodedStatement(req, m.policyId, m.index, m.effect, m.sid, policyRef(m.policyType, m.policyId, m.policyName)))),
    failures: values(d.notes),
    context: {
      principal: { id: p.userId ?? 'anonymous', ...(p.type === 'IAMUser' && typeof p.name === 'string' ? { name: p.name } : {}), ...(p.arn ? { arn: p.arn } : {}) },
      action: req.action,
      resource: req.resource,
      conditions: items(
        Object.entries(req.context)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, v]) => ({ key, values: values(asList(v)) })),
      ),
    },
  };
  if (d.decision !== 'allowed') {
    const dp = x.decidingPolicy;
    message.iamlocal = {
      decidedBy: POLICY_KIND_LABEL[x.decidedBy ?? 'identity'],
      ...(dp ? { policy: policyRef(dp.type, dp.id, dp.name) } : {}),
      reason: x.reason,
      failedConditions: x.failedConditions.map((f) => ({
        policy: policyRef(f.policyType, f.policyId, f.policyName),
        statementIndex: f.index,
        ...(f.sid ? { sid: f.sid } : {}),
        operator: f.operator,
        key: f.key,
        wanted: f.wanted,
        seen: f.seen,
      })),
      missingContextKeys: x.missingContextKeys,
    };
  }
  return message;
}
// -----------------------------------------------------------------------------------------------------

const ACCOUNT = '111122223333';
const user: EvalPrincipal = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/ana`, account: ACCOUNT, userId: 'AIDAEXAMPLEEXAMPLE001', name: 'ana' };
const session: EvalPrincipal = {
  type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`, account: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
  roleId: 'AROAEXAMPLEEXAMPLE001', userId: 'AROAEXAMPLEEXAMPLE001:s1', name: 's1',
};
/** The keys a real request carries (the bench's GetRole), in the order the server builds them: case and sorting both matter. */
const serverContext: RequestContext = {
  'aws:CurrentTime': '2026-12-05T16:03:16Z', 'aws:EpochTime': '1796486596', 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': user.arn!,
  'aws:PrincipalIsAWSService': 'false', 'aws:PrincipalType': 'User', 'aws:RequestedRegion': 'us-east-1', 'aws:ResourceAccount': ACCOUNT,
  'aws:SecureTransport': 'false', 'aws:SourceIp': '127.0.0.1', 'aws:userid': user.userId!, 'aws:username': 'ana', 'aws:ViaAWSService': 'false',
};
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const noPolicies = { identity: [], boundary: null, scps: null, rcps: null, session: null, resource: null };
const req = (over: Partial<EvalRequest>): EvalRequest => ({
  principal: user, action: 'iam:GetRole', resource: `arn:aws:iam::${ACCOUNT}:role/app`, resourceAccount: ACCOUNT, context: serverContext, policies: noPolicies, ...over,
});

const cases: { name: string; request: EvalRequest; decision?: Decision }[] = [
  { name: 'implicit deny, no policy (the bench denial)', request: req({ policies: { ...noPolicies, identity: [{ id: 'user/ana/inline/other', document: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) }] } }) },
  {
    name: 'explicit deny with a condition, parsed document',
    request: req({
      action: 'ec2:RunInstances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`, context: { 'ec2:InstanceType': 't2.micro', 'aws:username': 'ana' },
      policies: { ...noPolicies, identity: [{ id: 'user/ana/inline/p', document: { Version: '2012-10-17', Statement: [{ Sid: 'VisualEditor0', Effect: 'Deny', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'ec2:InstanceType': 't2.micro' } } }, { Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] } }] },
    }),
  },
  {
    name: 'near miss: an Allow whose condition failed, multivalued and missing keys',
    request: req({
      context: { ...serverContext, 'aws:TagKeys': ['b', 'a'], 'aws:RequestTag/team': 'x"y\\z\u2028' },
      policies: { ...noPolicies, identity: [{ id: `arn:aws:iam::${ACCOUNT}:policy/Tagged`, name: 'Tagged', document: doc({ Sid: 'OnlyTeamA', Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/team': 'a', 'aws:PrincipalTag/dept': 'eng' }, 'ForAllValues:StringLike': { 'aws:TagKeys': ['t*'] } } }) }] },
    }),
  },
  {
    name: 'assumed-role session denied by an SCP with a name',
    request: req({
      principal: session,
      policies: { ...noPolicies, identity: [{ id: 'role/app/inline/all', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], scps: [[{ id: 'p-full', name: 'FullAWSAccess', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], [{ id: 'p-deny', name: 'DenyIam', document: doc({ Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*', Principal: undefined }) }]] },
    }),
  },
  {
    name: 'permissions boundary does not allow',
    request: req({ policies: { ...noPolicies, identity: [{ id: 'user/ana/inline/all', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], boundary: { id: `arn:aws:iam::${ACCOUNT}:policy/S3Only`, document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) } } }),
  },
  {
    name: 'resource policy deny naming principals',
    request: req({
      action: 'sts:AssumeRole',
      policies: { ...noPolicies, identity: [{ id: 'user/ana/inline/all', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], resource: { id: 'role/app/trust', name: 'trust policy', document: doc({ Effect: 'Deny', Principal: { AWS: [user.arn, `arn:aws:iam::${ACCOUNT}:root`] }, Action: 'sts:AssumeRole' }) } },
    }),
  },
  { name: 'anonymous caller, empty context', request: req({ principal: { type: 'Anonymous', account: 'anonymous', userId: 'anonymous' }, context: {}, resourceAccount: ACCOUNT }) },
  {
    name: 'an evaluation error is a deny with failures',
    request: req({}),
    decision: { decision: 'implicitDeny', matchedStatements: [], missingContextKeys: [], notes: ['evaluation error: boom', 'second note'], layers: {} },
  },
  { name: 'allowed (the shape, though no allow is ever sealed)', request: req({ policies: { ...noPolicies, identity: [{ id: 'user/ana/inline/read', document: doc({ Sid: 'Read', Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }) }] } }) },
  { name: 'non-ASCII and integer-like context keys keep their order', request: req({ context: { 'aws:ÉtiquetteB': 'é', 'aws:étiquettea': ['ü', ''], '10': 'ten', '2': 'two', 'Aws:Z': 'z', 'aws:a': 'a' } }) },
];

describe('a denial’s sealed decision decodes to exactly the AWS-shaped message', () => {
  it.each(cases)('$name', ({ request, decision }) => {
    const d = decision ?? evaluate(request);
    const expected = JSON.stringify(oracle(request, d));
    expect(JSON.stringify(decodedMessageOf(request, d))).toBe(expected);
    const account = request.principal.account && request.principal.account !== 'anonymous' ? request.principal.account : request.resourceAccount ?? '';
    const header = authorizationMessageHeader(request, d)[AUTHORIZATION_MESSAGE_HEADER];
    expect(header).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(decodeAuthorizationMessage(header, account))).toBe(expected);
    // The account check holds for the compact form as for the whole one.
    expect(decodeAuthorizationMessage(header, '999999999999')).toBeNull();
  });

  it('the bench denial seals in about half the bytes of the AWS shape', () => {
    const { request } = cases[0];
    const d = evaluate(request);
    const compact = encodeDecision(ACCOUNT, request, d);
    const whole = encodeAuthorizationMessage(ACCOUNT, decodedMessageOf(request, d));
    expect(compact.length).toBeLessThan(whole.length * 0.6);
    expect(JSON.stringify(decodeAuthorizationMessage(compact, ACCOUNT))).toBe(JSON.stringify(decodeAuthorizationMessage(whole, ACCOUNT)));
  });

  it('a compact payload over the raw bound is deflated, still fits and still decodes', () => {
    const context: RequestContext = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`aws:RequestTag/k${i}`, `value-${i}-`.padEnd(40, 'x')]));
    const request = req({ context });
    const d = evaluate(request);
    const sealed = encodeDecision(ACCOUNT, request, d);
    expect(JSON.stringify(Object.values(context)).length).toBeGreaterThan(6000);
    expect(sealed.length).toBeLessThan(6000);
    expect(JSON.stringify(decodeAuthorizationMessage(sealed, ACCOUNT))).toBe(JSON.stringify(oracle(request, d)));
    const bytes = Buffer.from(sealed, 'base64url').toString('latin1');
    expect(bytes).not.toContain('value-1');
  });

  it('whole-message (refusal) and compact messages sealed in turn all decode, and every flipped byte of a compact one is refused', () => {
    const { request } = cases[2];
    const d = evaluate(request);
    const sealed = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? { s: encodeDecision(ACCOUNT, request, d), m: oracle(request, d) }
        : { s: refusalMessageHeader(ACCOUNT, { id: 'AIDAEXAMPLEEXAMPLE001', arn: user.arn }, 'sts:AssumeRole', '*', `refusal ${i}`)[AUTHORIZATION_MESSAGE_HEADER], m: null },
    );
    for (const { s, m } of [...sealed].reverse()) {
      const got = decodeAuthorizationMessage(s, ACCOUNT);
      expect(got).not.toBeNull();
      if (m) expect(JSON.stringify(got)).toBe(JSON.stringify(m));
    }
    const raw = Buffer.from(sealed[0].s, 'base64url');
    for (let i = 0; i < raw.length; i += 5) {
      const bad = Buffer.from(raw);
      bad[i] ^= 1;
      expect(decodeAuthorizationMessage(bad.toString('base64url'), ACCOUNT)).toBeNull();
    }
  });
});

describe('a denial’s header holds its decision for decoding (built only when decoded)', () => {
  it('is a 22-character random reference, never the same twice, decoding only for its account', () => {
    const { request } = cases[0];
    const d = evaluate(request);
    const refs = Array.from({ length: 300 }, () => authorizationMessageHeader(request, d)[AUTHORIZATION_MESSAGE_HEADER]);
    for (const r of refs) expect(r).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(refs).size).toBe(refs.length);
    // Past the first 4 KB of random bytes (256 references): later ones still decode.
    for (const r of [refs[0], refs[255], refs[256], refs[299]]) {
      expect(JSON.stringify(decodeAuthorizationMessage(r, ACCOUNT))).toBe(JSON.stringify(oracle(request, d)));
      expect(decodeAuthorizationMessage(r, '999999999999')).toBeNull();
    }
  });

  it('a reference not handed out, or one altered, decodes to nothing', () => {
    const { request } = cases[0];
    const ref = holdDecision(ACCOUNT, request, evaluate(request));
    const other = ref.startsWith('A') ? `B${ref.slice(1)}` : `A${ref.slice(1)}`;
    expect(decodeAuthorizationMessage(other, ACCOUNT)).toBeNull();
    expect(decodeAuthorizationMessage('A'.repeat(22), ACCOUNT)).toBeNull();
    expect(decodeAuthorizationMessage(`${ref}A`, ACCOUNT)).toBeNull();
  });

  it(`keeps the most recent ${HELD_MESSAGES} denials: the oldest is forgotten first`, () => {
    const { request } = cases[1];
    const d = evaluate(request);
    const first = holdDecision(ACCOUNT, request, d);
    const second = holdDecision(ACCOUNT, request, d);
    for (let i = 0; i < HELD_MESSAGES - 2; i++) holdDecision(ACCOUNT, request, d);
    // `first` is now the oldest of exactly HELD_MESSAGES held; one more forgets it, and only it.
    expect(decodeAuthorizationMessage(first, ACCOUNT)).not.toBeNull();
    const last = holdDecision(ACCOUNT, request, d);
    expect(decodeAuthorizationMessage(first, ACCOUNT)).toBeNull();
    expect(decodeAuthorizationMessage(second, ACCOUNT)).not.toBeNull();
    expect(JSON.stringify(decodeAuthorizationMessage(last, ACCOUNT))).toBe(JSON.stringify(oracle(request, d)));
  });
});
