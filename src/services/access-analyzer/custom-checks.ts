// Owns the custom policy checks: CheckAccessNotGranted, CheckNoNewAccess, CheckNoPublicAccess
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-custom-policy-checks.html).
// AWS answers them with automated reasoning; iamlocal reasons statement by statement and is sound in
// the one direction that matters: it never answers PASS when the policy may grant the access.
//   - A condition may hold: an Allow with conditions still may grant; a Deny with conditions may not
//     apply, so only unconditional Deny statements take access away.
//   - Wildcards are compared by their literal prefix/suffix: two patterns are disjoint only when
//     those cannot agree; one covers another only when it is `*` or a trailing-`*` prefix of it.
//   - Policy variables match anything in an Allow and cover nothing in a Deny.
//   - A statement iamlocal cannot read (an element of the wrong JSON type, an unknown condition
//     operator) answers FAIL with a reason that says so.
// Messages are AWS's (recorded answers in the SDK docs and the CLI reference); reasons follow AWS's
// "… in the statement with index: N." / "… with sid: X." forms.
import { awsError } from '../../aws/errors';
import { compileGlob, matchGlob, piecesFromPattern } from '../../policy/wildcard';
import { defineOperation } from '../types';
import { aaErrors, AaInput } from './common';

type Json = Record<string, unknown>;

interface Reason {
  description: string;
  statementIndex: number;
  statementId?: string;
}

interface Statement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions: string[] | null;
  notActions: string[] | null;
  resources: string[] | null;
  notResources: string[] | null;
  principal: unknown;
  notPrincipal: unknown;
  condition: Json | null;
  /** Why the statement cannot be analysed exactly (it is then treated as granting anything it might). */
  unanalysable?: string;
  raw: Json;
}

const OPERATOR = /^(ForAllValues:|ForAnyValue:)?(String(Not)?Equals(IgnoreCase)?|String(Not)?Like|Numeric(Not)?Equals|Numeric(LessThan|GreaterThan)(Equals)?|Date(Not)?Equals|Date(LessThan|GreaterThan)(Equals)?|Bool|BinaryEquals|(Not)?IpAddress|Arn(Not)?(Equals|Like)|Null)(IfExists)?$/;

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function strings(v: unknown, what: string, problems: string[]): string[] | null {
  if (v === undefined) return null;
  const out: string[] = [];
  for (const x of list(v)) {
    if (typeof x === 'string') out.push(x);
    else problems.push(`${what} contains a value that is not a string`);
  }
  return out;
}

/** Parses the policy (InvalidParameterException when it is not a JSON policy at all). */
function readPolicy(text: string, name: string): Statement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // ⚠ Text not captured from AWS.
    throw awsError('InvalidParameterException', `The ${name} is not a valid JSON policy document.`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || (doc as Json).Statement === undefined) {
    throw awsError('InvalidParameterException', `The ${name} is not a valid JSON policy document.`);
  }
  return list((doc as Json).Statement).map((raw, index) => {
    const problems: string[] = [];
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      return { index, effect: 'Allow', actions: ['*'], notActions: null, resources: ['*'], notResources: null, principal: '*', notPrincipal: undefined, condition: null, unanalysable: 'the statement is not a JSON object', raw: {} };
    }
    const s = raw as Json;
    const effect = s.Effect === 'Deny' ? 'Deny' : 'Allow';
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`its Effect ${JSON.stringify(s.Effect)} is neither Allow nor Deny`);
    const cond = s.Condition;
    let condition: Json | null = null;
    if (cond !== undefined) {
      if (!cond || typeof cond !== 'object' || Array.isArray(cond)) problems.push('its Condition is not an object');
      else {
        condition = cond as Json;
        for (const op of Object.keys(condition)) if (!OPERATOR.test(op)) problems.push(`its condition operator ${op} is not known`);
      }
    }
    const st: Statement = {
      index,
      sid: typeof s.Sid === 'string' ? s.Sid : undefined,
      effect,
      actions: strings(s.Action, 'Action', problems),
      notActions: strings(s.NotAction, 'NotAction', problems),
      resources: strings(s.Resource, 'Resource', problems),
      notResources: strings(s.NotResource, 'NotResource', problems),
      principal: s.Principal,
      notPrincipal: s.NotPrincipal,
      condition: condition && Object.keys(condition).length > 0 ? condition : null,
      raw: s,
    };
    if (problems.length > 0) st.unanalysable = problems.join('; ');
    return st;
  });
}

// ------------------------------------------------------------------ pattern reasoning

const hasVar = (p: string) => p.includes('${');
/** Variables stand for any text when asking "may match". */
const loosen = (p: string) => p.replace(/\$\{[^}]*\}/g, '*');

function literalEnds(p: string): { prefix: string; suffix: string; wild: boolean } {
  const first = p.search(/[*?]/);
  if (first < 0) return { prefix: p, suffix: p, wild: false };
  const last = Math.max(p.lastIndexOf('*'), p.lastIndexOf('?'));
  return { prefix: p.slice(0, first), suffix: p.slice(last + 1), wild: true };
}

/** May some string match both patterns? (false only when provably disjoint) */
function mayOverlap(a: string, b: string, ci: boolean): boolean {
  const x = ci ? loosen(a).toLowerCase() : loosen(a);
  const y = ci ? loosen(b).toLowerCase() : loosen(b);
  const ex = literalEnds(x);
  const ey = literalEnds(y);
  if (!ex.wild && !ey.wild) return x === y;
  if (!ex.wild) return matchGlob(compileGlob(piecesFromPattern(y)), x);
  if (!ey.wild) return matchGlob(compileGlob(piecesFromPattern(x)), y);
  const prefixesAgree = ex.prefix.startsWith(ey.prefix) || ey.prefix.startsWith(ex.prefix);
  const suffixesAgree = ex.suffix.endsWith(ey.suffix) || ey.suffix.endsWith(ex.suffix);
  return prefixesAgree && suffixesAgree;
}

/** Does pattern `outer` match every string `inner` matches? (true only when provable) */
function covers(outer: string, inner: string, ci: boolean): boolean {
  if (hasVar(outer)) return false;
  const o = ci ? outer.toLowerCase() : outer;
  const i = ci ? loosen(inner).toLowerCase() : loosen(inner);
  if (o === '*') return true;
  if (!/[*?]/.test(i)) return matchGlob(compileGlob(piecesFromPattern(o)), i);
  if (o === i) return true;
  const star = o.indexOf('*');
  if (star === o.length - 1 && !o.includes('?')) return i.startsWith(o.slice(0, -1));
  return false;
}

const ACTIONS_CI = true;

/** May the statement's action element apply to (some action matching) `a`? */
function mayMatchAction(st: Statement, a: string): boolean {
  if (st.actions) return st.actions.some((p) => mayOverlap(p, a, ACTIONS_CI));
  if (st.notActions) return !st.notActions.some((p) => covers(p, a, ACTIONS_CI));
  return true; // no Action element: unanalysable, treated as any
}

function coversAction(st: Statement, a: string): boolean {
  if (st.actions) return st.actions.some((p) => covers(p, a, ACTIONS_CI));
  if (st.notActions) return !st.notActions.some((p) => mayOverlap(p, a, ACTIONS_CI));
  return false;
}

function mayMatchResource(st: Statement, r: string): boolean {
  if (st.resources) return st.resources.some((p) => mayOverlap(p, r, false));
  if (st.notResources) return !st.notResources.some((p) => covers(p, r, false));
  return true; // resource policies may omit Resource: the resource itself
}

function coversResource(st: Statement, r: string): boolean {
  if (st.resources) return st.resources.some((p) => covers(p, r, false));
  if (st.notResources) return !st.notResources.some((p) => mayOverlap(p, r, false));
  return true;
}

function describeStatement(st: Statement, what: string): Reason {
  return st.sid
    ? { description: `${what} in the statement with sid: ${st.sid}.`, statementIndex: st.index, statementId: st.sid }
    : { description: `${what} in the statement with index: ${st.index}.`, statementIndex: st.index };
}

function unanalysableReason(st: Statement): Reason {
  const where = st.sid ? `sid: ${st.sid}` : `index: ${st.index}`;
  return { description: `The statement with ${where} could not be analyzed (${st.unanalysable}); it may grant the access.`, statementIndex: st.index, ...(st.sid ? { statementId: st.sid } : {}) };
}

// ------------------------------------------------------------------ CheckAccessNotGranted

export function checkAccessNotGranted(text: string, actions: string[], resources: string[]): { result: 'PASS' | 'FAIL'; message: string; reasons?: Reason[] } {
  const statements = readPolicy(text, 'policyDocument');
  const as = actions.length > 0 ? actions : ['*'];
  const rs = resources.length > 0 ? resources : ['*'];
  const noun = actions.length > 0 && resources.length > 0 ? 'actions or resources' : actions.length > 0 ? 'actions' : 'resources';
  const denies = statements.filter((s) => s.effect === 'Deny' && !s.condition && !s.unanalysable);
  const reasons: Reason[] = [];
  for (const st of statements) {
    // A Deny iamlocal cannot read takes nothing away (it is left out of `denies`) and grants nothing.
    if (st.effect !== 'Allow') continue;
    if (st.unanalysable) {
      reasons.push(unanalysableReason(st));
      continue;
    }
    const grants = as.some((a) => rs.some((r) => mayMatchAction(st, a) && mayMatchResource(st, r) && !denies.some((d) => coversAction(d, a) && coversResource(d, r))));
    if (grants) reasons.push(describeStatement(st, `One or more of the listed ${noun}`));
  }
  if (reasons.length > 0) return { result: 'FAIL', message: `The policy document grants access to perform one or more of the listed ${noun}.`, reasons };
  return {
    result: 'PASS',
    message: actions.length > 0 && resources.length === 0 ? 'The policy document does not grant access to perform one or more of the listed actions.' : `The policy document does not grant access to perform the listed ${noun}.`,
  };
}

// ------------------------------------------------------------------ CheckNoNewAccess

function principalValues(p: unknown): string[] {
  if (p === undefined) return [];
  if (p === '*') return ['AWS:*'];
  if (!p || typeof p !== 'object') return [`?:${JSON.stringify(p)}`];
  return Object.entries(p as Json).flatMap(([k, v]) => list(v).map((x) => `${k}:${String(x)}`));
}

function principalsCovered(outer: Statement, inner: Statement): boolean {
  if (outer.notPrincipal !== undefined || inner.notPrincipal !== undefined) return JSON.stringify(outer.notPrincipal) === JSON.stringify(inner.notPrincipal) && outer.principal === undefined && inner.principal === undefined;
  const o = principalValues(outer.principal);
  if (o.length === 0) return true; // identity policies: no principal element on either side
  if (o.includes('AWS:*')) return true;
  return principalValues(inner.principal).every((v) => o.includes(v));
}

/** Every condition of `outer` is also in `inner`, unchanged: `inner` is at least as narrow. */
function conditionsCovered(outer: Statement, inner: Statement): boolean {
  if (!outer.condition) return true;
  if (!inner.condition) return false;
  for (const [op, block] of Object.entries(outer.condition)) {
    const other = inner.condition[op];
    if (!other || typeof other !== 'object' || typeof block !== 'object' || !block) return false;
    for (const [k, v] of Object.entries(block as Json)) {
      const key = Object.keys(other as Json).find((x) => x.toLowerCase() === k.toLowerCase());
      if (!key || JSON.stringify(list((other as Json)[key]).map(String).sort()) !== JSON.stringify(list(v).map(String).sort())) return false;
    }
  }
  return true;
}

function actionsCovered(outer: Statement, inner: Statement): boolean {
  if (inner.actions) return inner.actions.every((a) => coversAction(outer, a));
  if (inner.notActions) {
    if (outer.actions?.includes('*')) return true;
    // NotAction X ⊆ NotAction Y when every pattern of Y is one of X's.
    return outer.notActions !== null && outer.notActions.every((y) => inner.notActions!.some((x) => covers(x, y, ACTIONS_CI)));
  }
  return false;
}

function resourcesCovered(outer: Statement, inner: Statement): boolean {
  if (inner.resources) return inner.resources.every((r) => coversResource(outer, r));
  if (inner.notResources) {
    if (outer.resources?.includes('*')) return true;
    return outer.notResources !== null && outer.notResources.every((y) => inner.notResources!.some((x) => covers(x, y, false)));
  }
  return outer.resources === null && outer.notResources === null ? true : outer.resources?.includes('*') === true;
}

const canonical = (s: Statement) => JSON.stringify({ ...s.raw, Sid: undefined });

export function checkNoNewAccess(newText: string, existingText: string): { result: 'PASS' | 'FAIL'; message: string; reasons?: Reason[] } {
  const next = readPolicy(newText, 'newPolicyDocument');
  const existing = readPolicy(existingText, 'existingPolicyDocument');
  const reasons: Reason[] = [];
  const existingAllows = existing.filter((s) => s.effect === 'Allow' && !s.unanalysable);
  // A Deny of the existing policy that the new one drops may uncover access: every Deny must stay.
  const nextDenies = new Set(next.filter((s) => s.effect === 'Deny').map(canonical));
  const droppedDeny = existing.find((s) => s.effect === 'Deny' && !nextDenies.has(canonical(s)));
  for (const st of next) {
    if (st.effect !== 'Allow') continue;
    if (st.unanalysable) {
      reasons.push(unanalysableReason(st));
      continue;
    }
    const covered = existingAllows.some((e) => actionsCovered(e, st) && resourcesCovered(e, st) && principalsCovered(e, st) && conditionsCovered(e, st));
    if (!covered || droppedDeny) reasons.push(describeStatement(st, 'New access'));
  }
  if (droppedDeny && reasons.length === 0 && next.length > 0) reasons.push(describeStatement(next[0]!, 'New access'));
  if (reasons.length > 0) return { result: 'FAIL', message: 'The modified permissions grant new access compared to your existing policy.', reasons };
  return { result: 'PASS', message: 'The modified permissions do not grant new access compared to your existing policy.' };
}

// ------------------------------------------------------------------ CheckNoPublicAccess

/** Condition keys that tie the caller to a known account, organization or network (not public). */
const NARROWING_KEYS = new Set([
  'aws:principalaccount', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:principalarn', 'aws:sourceaccount', 'aws:sourcearn',
  'aws:sourceorgid', 'aws:sourceorgpaths', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceowner', 'aws:userid', 'aws:principalservicename',
]);
const POSITIVE = /^(String(Equals|Like)|Arn(Equals|Like))$/;

function narrowsToKnownCallers(cond: Json | null): boolean {
  if (!cond) return false;
  return Object.entries(cond).some(([op, block]) => {
    if (op.startsWith('ForAllValues:') || op.endsWith('IfExists') || !POSITIVE.test(op.replace(/^ForAnyValue:/, ''))) return false;
    return Object.entries((block ?? {}) as Json).some(([k, v]) => NARROWING_KEYS.has(k.toLowerCase()) && list(v).every((x) => typeof x === 'string' && x !== '*' && !/^\*|^arn:[^:]*:[^:]*:[^:]*:\*:/.test(x)));
  });
}

function isPublicPrincipal(st: Statement): boolean {
  if (st.notPrincipal !== undefined) return true;
  const p = st.principal;
  if (p === '*') return true;
  if (!p || typeof p !== 'object') return false;
  return Object.entries(p as Json).some(([k, v]) => (k === 'AWS' || k === 'CanonicalUser' || k === 'Federated') && list(v).includes('*'));
}

function publicReason(st: Statement): Reason {
  const r = describeStatement(st, 'Public access granted');
  return { ...r, description: r.description.replace('Public access granted in the statement', 'Public access granted in the following statement') };
}

export function checkNoPublicAccess(text: string): { result: 'PASS' | 'FAIL'; message: string; reasons?: Reason[] } {
  const statements = readPolicy(text, 'policyDocument');
  const denies = statements.filter((s) => s.effect === 'Deny' && !s.condition && !s.unanalysable && (s.principal === '*' || principalValues(s.principal).includes('AWS:*')));
  const reasons: Reason[] = [];
  for (const st of statements) {
    if (st.effect !== 'Allow') continue;
    if (st.unanalysable) {
      reasons.push(unanalysableReason(st));
      continue;
    }
    if (!isPublicPrincipal(st) || narrowsToKnownCallers(st.condition)) continue;
    const deniedEverything = denies.some((d) => (st.actions ?? ['*']).every((a) => coversAction(d, a)) && (st.resources ?? ['*']).every((r) => coversResource(d, r)));
    if (!deniedEverything) reasons.push(publicReason(st));
  }
  // ⚠ Messages not captured from AWS.
  if (reasons.length > 0) return { result: 'FAIL', message: 'The resource policy grants public access for the given resource type.', reasons };
  return { result: 'PASS', message: 'The resource policy does not grant public access for the given resource type.' };
}

// ------------------------------------------------------------------ operations

const ACCESS_CHECK_POLICY_TYPES = ['IDENTITY_POLICY', 'RESOURCE_POLICY'] as const;
const PUBLIC_RESOURCE_TYPES = [
  'AWS::DynamoDB::Table', 'AWS::DynamoDB::Stream', 'AWS::EFS::FileSystem', 'AWS::OpenSearchService::Domain', 'AWS::Kinesis::Stream',
  'AWS::Kinesis::StreamConsumer', 'AWS::KMS::Key', 'AWS::Lambda::Function', 'AWS::S3::Bucket', 'AWS::S3::AccessPoint',
  'AWS::S3Express::DirectoryBucket', 'AWS::S3::Glacier', 'AWS::S3Outposts::Bucket', 'AWS::S3Outposts::AccessPoint', 'AWS::SecretsManager::Secret',
  'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::IAM::AssumeRolePolicyDocument', 'AWS::S3Tables::TableBucket', 'AWS::ApiGateway::RestApi',
  'AWS::CodeArtifact::Domain', 'AWS::Backup::BackupVault', 'AWS::CloudTrail::Dashboard', 'AWS::CloudTrail::EventDataStore', 'AWS::S3Tables::Table',
  'AWS::S3Express::AccessPoint',
] as const;

export const checkAccessNotGrantedOp = defineOperation({
  name: 'CheckAccessNotGranted',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/policy/check-access-not-granted' },
  action: 'access-analyzer:CheckAccessNotGranted',
  mutating: false,
  input(params) {
    const i = new AaInput(params);
    const policyDocument = i.string('policyDocument', { required: true });
    const policyType = i.string('policyType', { required: true, enum: ACCESS_CHECK_POLICY_TYPES });
    const access = i.list('access', true)!;
    if (access.length > 1) throw aaErrors.field('access', "Value at 'access' failed to satisfy constraint: Member must have length less than or equal to 1");
    const a = access[0];
    if (a !== undefined && (typeof a !== 'object' || a === null || Array.isArray(a))) throw aaErrors.cannotParse('Invalid value for access[0]');
    const ai = new AaInput((a ?? {}) as Json);
    const actions = ai.stringList('actions') ?? [];
    const resources = ai.stringList('resources') ?? [];
    if (actions.length > 100) throw aaErrors.field('access.actions', "Value at 'access.1.member.actions' failed to satisfy constraint: Member must have length less than or equal to 100");
    if (resources.length > 100) throw aaErrors.field('access.resources', "Value at 'access.1.member.resources' failed to satisfy constraint: Member must have length less than or equal to 100");
    // ⚠ Text not captured from AWS: an access with nothing to check.
    if (actions.length === 0 && resources.length === 0) throw awsError('InvalidParameterException', 'The access must include at least one action or resource.');
    return { policyDocument, policyType, actions, resources };
  },
  resource: () => '*',
  handler: (input) => checkAccessNotGranted(input.policyDocument, input.actions, input.resources),
});

export const checkNoNewAccessOp = defineOperation({
  name: 'CheckNoNewAccess',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/policy/check-no-new-access' },
  action: 'access-analyzer:CheckNoNewAccess',
  mutating: false,
  input(params) {
    const i = new AaInput(params);
    return {
      newPolicyDocument: i.string('newPolicyDocument', { required: true }),
      existingPolicyDocument: i.string('existingPolicyDocument', { required: true }),
      policyType: i.string('policyType', { required: true, enum: ACCESS_CHECK_POLICY_TYPES }),
    };
  },
  resource: () => '*',
  handler: (input) => checkNoNewAccess(input.newPolicyDocument, input.existingPolicyDocument),
});

export const checkNoPublicAccessOp = defineOperation({
  name: 'CheckNoPublicAccess',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/policy/check-no-public-access' },
  action: 'access-analyzer:CheckNoPublicAccess',
  mutating: false,
  input(params) {
    const i = new AaInput(params);
    return { policyDocument: i.string('policyDocument', { required: true }), resourceType: i.string('resourceType', { required: true, enum: PUBLIC_RESOURCE_TYPES }) };
  },
  resource: () => '*',
  handler: (input) => checkNoPublicAccess(input.policyDocument),
});
