// Owns the policy simulator operations: SimulatePrincipalPolicy (a user's, group's or role's stored
// policies, its boundary and its account's SCPs, through src/authz's gathering) and SimulateCustomPolicy
// (policies passed in the request). Both run the real evaluator (simulate-run.ts).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html
import { arns, parseArn } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { orgKeys } from '../../authz/request-context';
import { entityPolicies, managedPolicySource, orgPolicyLevels, userPolicies } from '../../authz/gather-policies';
import { validatePolicyDocument } from '../../policy/index';
import { PolicyValidationError, type DocumentKind, type EvalPrincipal, type PolicySource, type RequestContext } from '../../policy/types';
import type { Group } from '../../store/repos/groups';
import type { Role } from '../../store/repos/roles';
import type { User } from '../../store/repos/users';
import type { Store } from '../../store/store';
import { defineOperation, type Call } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, readPaging } from './common';
import { contextFromEntries, readContextEntries } from './simulate-context';
import { BOUNDARY_INPUT_POLICY, INPUT_POLICY, runSimulation, type SimulationParams, type SimulationSubject } from './simulate-run';

/** Session name of the role session a role is simulated as (no CallerArn). */
export const SIMULATION_SESSION_NAME = 'iamlocal-simulation';

// ------------------------------------------------------------------ input

interface CommonInput {
  policyInputList: string[];
  boundaryInputList: string[];
  actions: string[];
  resources: string[];
  resourcePolicy: string | null;
  resourceOwner: string | null;
  callerArn: string | null;
  context: RequestContext;
  resourceHandlingOption?: string;
  marker?: string;
  maxItems: number;
}

const policyListItem = { min: 1, max: 131072, pattern: patterns.policyDocument };

/** A list of policy documents, each checked against the model's length/pattern. */
export function readPolicyList(v: Validator, name: string, required = false): string[] {
  const list = v.stringList(name);
  const path = name[0].toLowerCase() + name.slice(1);
  if (list === undefined) {
    if (required) v.addClause(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return [];
  }
  list.forEach((doc, i) => {
    const len = [...doc].length;
    if (len < policyListItem.min || len > policyListItem.max || !policyListItem.pattern.re.test(doc)) {
      v.addClause(`Value at '${path}.${i + 1}.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ${policyListItem.pattern.text}`);
    }
  });
  return list;
}

/** Grammar of a submitted document; problems are the simulator's InvalidInput. */
export function checkSimulationPolicy(text: string, kind: DocumentKind, label: string): void {
  try {
    validatePolicyDocument(text, kind);
  } catch (e) {
    // ⚠ AWS's text not captured: the validator's MalformedPolicyDocument message, naming the parameter.
    if (e instanceof PolicyValidationError) throw awsErrors.invalidInput(`${label}: ${e.message}`);
    throw e;
  }
}

function readCommon(v: Validator): CommonInput {
  const boundaryInputList = readPolicyList(v, 'PermissionsBoundaryPolicyInputList');
  const actions = v.stringList('ActionNames');
  if (actions === undefined) v.addClause(`Value null at 'actionNames' failed to satisfy constraint: Member must not be null`);
  actions?.forEach((a, i) => {
    if ([...a].length < 3) v.addClause(`Value at 'actionNames.${i + 1}.member' failed to satisfy constraint: Member must have length greater than or equal to 3`);
    if ([...a].length > 128) v.addClause(`Value at 'actionNames.${i + 1}.member' failed to satisfy constraint: Member must have length less than or equal to 128`);
  });
  const resources = v.stringList('ResourceArns');
  resources?.forEach((r, i) => {
    if ([...r].length < 1) v.addClause(`Value at 'resourceArns.${i + 1}.member' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    if ([...r].length > 2048) v.addClause(`Value at 'resourceArns.${i + 1}.member' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  });
  const resourcePolicy = v.string('ResourcePolicy', policyListItem) ?? null;
  const resourceOwner = v.string('ResourceOwner', { min: 1, max: 2048 }) ?? null;
  const callerArn = v.string('CallerArn', { min: 1, max: 2048 }) ?? null;
  const entries = readContextEntries(v);
  const resourceHandlingOption = v.string('ResourceHandlingOption', { min: 1, max: 64 });
  const paging = readPaging(v);
  return {
    policyInputList: [],
    boundaryInputList,
    actions: actions ?? [],
    resources: resources && resources.length > 0 ? resources : ['*'],
    resourcePolicy,
    resourceOwner,
    callerArn,
    context: v.failed ? {} : contextFromEntries(entries),
    resourceHandlingOption,
    ...paging,
  };
}

/** Checks AWS makes on the request as a whole, after the model constraints. */
function checkCommon(input: CommonInput): void {
  for (const a of input.actions) {
    // ⚠ messages not captured from AWS. Wildcards are refused: "This operation does not support
    // using wildcards (*) in an action name."
    if (!/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a)) throw awsErrors.invalidInput(`Action ${a} is not valid: it must look like service:ActionName.`);
    if (/[*?]/.test(a)) throw awsErrors.invalidInput(`Wildcards are not supported in action names: ${a}`);
  }
  const bad = input.resources.filter((r) => r !== '*' && !parseArn(r));
  if (bad.length > 0) throw awsErrors.invalidInput(`ResourceNames are not in a valid ARN format: ${bad.join(', ')}.`);
  if (input.boundaryInputList.length > 1) {
    // "You can input only one permissions boundary when you pass a policy to this operation." ⚠ text
    throw awsErrors.invalidInput('Only one permissions boundary policy can be simulated at a time.');
  }
  const valid = ['EC2-VPC-InstanceStore', 'EC2-VPC-InstanceStore-Subnet', 'EC2-VPC-EBS', 'EC2-VPC-EBS-Subnet'];
  if (input.resourceHandlingOption !== undefined && !valid.includes(input.resourceHandlingOption)) {
    throw awsErrors.invalidInput(`Invalid ResourceHandlingOption: ${input.resourceHandlingOption}`);
  }
  input.policyInputList.forEach((d, i) => checkSimulationPolicy(d, 'identity', INPUT_POLICY(i + 1)));
  input.boundaryInputList.forEach((d, i) => checkSimulationPolicy(d, 'boundary', BOUNDARY_INPUT_POLICY(i + 1)));
  if (input.resourcePolicy !== null) checkSimulationPolicy(input.resourcePolicy, 'resource', 'ResourcePolicy');
}

/** ResourceOwner: an account id, or the account's root ARN (`arn:aws:iam::112233445566:root`). */
function resourceOwnerAccount(owner: string | null): string | null {
  if (owner === null) return null;
  if (/^\d{12}$/.test(owner)) return owner;
  const m = /^arn:aws:iam::(\d{12}):root$/.exec(owner);
  if (m) return m[1]!;
  throw awsErrors.invalidInput(`'${owner}' is not a valid as a Resource Owner.`);
}

function simulationParams(input: CommonInput, call: Call): SimulationParams {
  const log = call.decisions;
  return {
    // Every simulated evaluation is a decision record too, marked simulated.
    onDecision: log ? (request, decision) => log.record({ requestId: call.requestId, time: call.now, request, decision, outcome: decision.decision === 'allowed' ? 'allowed' : 'denied', simulated: true }) : undefined,
    actions: input.actions,
    resources: input.resources,
    resourcePolicy: input.resourcePolicy,
    resourceOwner: resourceOwnerAccount(input.resourceOwner),
    context: input.context,
    marker: input.marker,
    maxItems: input.maxItems,
  };
}

// ------------------------------------------------------------------ subjects

/**
 * The principal's own keys, as a real request by it would carry them. Request-dependent keys
 * (aws:RequestedRegion, aws:SourceIp, aws:CurrentTime, aws:MultiFactorAuthPresent, …) come only from
 * ContextEntries, so a condition on one that is not supplied is reported in MissingContextValues.
 */
function principalKeys(store: Store, p: EvalPrincipal, tags: { Key: string; Value: string }[]): RequestContext {
  const ctx: RequestContext = {};
  const account = p.account!;
  ctx['aws:PrincipalAccount'] = account;
  ctx['aws:PrincipalIsAWSService'] = 'false';
  if (p.type === 'IAMUser') {
    if (p.arn) ctx['aws:PrincipalArn'] = p.arn;
    ctx['aws:PrincipalType'] = 'User';
    if (p.name) ctx['aws:username'] = p.name;
  } else {
    ctx['aws:PrincipalArn'] = p.roleArn!;
    ctx['aws:PrincipalType'] = 'AssumedRole';
  }
  if (p.userId) ctx['aws:userid'] = p.userId;
  for (const t of tags) ctx[`aws:PrincipalTag/${t.Key}`] = t.Value;
  Object.assign(ctx, orgKeys(store, account, 'Principal'));
  return ctx;
}

/** CallerArn: "You can specify only the ARN of an IAM user." */
function callerUser(store: Store, callerArn: string): { principal: EvalPrincipal; tags: { Key: string; Value: string }[] } {
  const a = parseArn(callerArn);
  if (!a || a.service !== 'iam' || !/^\d{12}$/.test(a.account) || !a.resource.startsWith('user/')) {
    throw awsErrors.invalidInput(`Invalid CallerArn: ${callerArn}. Only IAM user ARNs are supported.`); // ⚠ text
  }
  const user = store.users.getByArn(callerArn);
  const name = a.resource.slice(a.resource.lastIndexOf('/') + 1);
  return {
    principal: { type: 'IAMUser', arn: callerArn, account: a.account, userId: user?.id, name },
    tags: user ? store.tags.list('user', user.id) : [],
  };
}

type SourceEntity = { kind: 'user'; user: User } | { kind: 'group'; group: Group } | { kind: 'role'; role: Role };

/** PolicySourceArn → the stored user, group or role (NoSuchEntity with IAM's texts). */
export function resolvePolicySource(store: Store, account: string, arn: string): SourceEntity {
  const a = parseArn(arn);
  const kind = a?.resource.split('/')[0];
  if (!a || a.service !== 'iam' || (kind !== 'user' && kind !== 'group' && kind !== 'role')) {
    throw awsErrors.invalidInput(`ARN ${arn} is not valid.`);
  }
  const name = a.resource.slice(a.resource.lastIndexOf('/') + 1);
  const sameAccount = a.account === account;
  if (kind === 'user') {
    const user = sameAccount ? store.users.getByArn(arn) : null;
    if (!user) throw awsErrors.noSuchEntity(`The user with name ${name} cannot be found.`);
    return { kind, user };
  }
  if (kind === 'group') {
    const group = sameAccount ? store.groups.getByName(account, name) : null;
    if (!group || group.arn !== arn) throw awsErrors.noSuchEntity(`The group with name ${name} cannot be found.`);
    return { kind, group };
  }
  const role = sameAccount ? store.roles.getByArn(arn) : null;
  if (!role) throw awsErrors.noSuchEntity(`The role with name ${name} cannot be found.`);
  return { kind, role };
}

/** The stored policies (and boundary) of a policy source, before request-supplied additions. */
export function sourcePolicies(store: Store, src: SourceEntity): { identity: PolicySource[]; boundaryArn: string | null } {
  switch (src.kind) {
    case 'user':
      return { identity: userPolicies(store, src.user.id, src.user.name), boundaryArn: src.user.boundaryArn };
    case 'group':
      return { identity: entityPolicies(store, 'group', src.group.id, src.group.name), boundaryArn: null };
    case 'role':
      return { identity: entityPolicies(store, 'role', src.role.id, src.role.name), boundaryArn: src.role.boundaryArn };
  }
}

function principalSubject(store: Store, account: string, src: SourceEntity, input: CommonInput): SimulationSubject {
  const stored = sourcePolicies(store, src);
  const identity = [...stored.identity, ...input.policyInputList.map((d, i) => ({ id: INPUT_POLICY(i + 1), document: d }))];
  const boundary =
    input.boundaryInputList.length > 0 ? { id: BOUNDARY_INPUT_POLICY(1), document: input.boundaryInputList[0]! }
    : stored.boundaryArn ? managedPolicySource(store, stored.boundaryArn)
    : null;

  let principal: EvalPrincipal;
  let tags: { Key: string; Value: string }[];
  if (input.callerArn !== null) ({ principal, tags } = callerUser(store, input.callerArn));
  else if (src.kind === 'user') {
    principal = { type: 'IAMUser', arn: src.user.arn, account, userId: src.user.id, name: src.user.name };
    tags = store.tags.list('user', src.user.id);
  } else if (src.kind === 'role') {
    // A role is simulated as a session of itself (so trust policies naming the role match it).
    const r = src.role;
    principal = {
      type: 'AssumedRole',
      arn: arns.assumedRole(account, r.name, SIMULATION_SESSION_NAME),
      account,
      roleArn: r.arn,
      roleId: r.id,
      userId: `${r.id}:${SIMULATION_SESSION_NAME}`,
      name: SIMULATION_SESSION_NAME,
    };
    tags = store.tags.list('role', r.id);
  } else {
    // A group is never a caller; without CallerArn only its identity policies can matter.
    principal = { type: 'IAMUser', arn: src.group.arn, account };
    tags = [];
  }
  if (input.resourcePolicy !== null && input.callerArn === null && src.kind !== 'user') {
    // "CallerArn is required if you include a ResourcePolicy and the PolicySourceArn is not the ARN for an IAM user." ⚠ text
    throw awsErrors.invalidInput('CallerArn must be specified when ResourcePolicy is specified and PolicySourceArn is not an IAM user.');
  }
  const callerAccount = principal.account ?? account;
  const groupOnly = src.kind === 'group' && input.callerArn === null;
  return {
    principal,
    principalContext: groupOnly ? { 'aws:PrincipalAccount': account } : principalKeys(store, principal, tags),
    account: callerAccount,
    identity,
    boundary,
    scps: store.accounts.get(callerAccount) ? orgPolicyLevels(store, callerAccount, 'SERVICE_CONTROL_POLICY') : null,
  };
}

/** The subject without the policies PolicyExclusionList names. */
function applyExclusions(subject: SimulationSubject, list: PolicyExclusion[]): SimulationSubject {
  if (list.length === 0) return subject;
  const hit = (p: PolicySource, kind: 'identity' | 'boundary' | 'scp' | 'rcp') => list.some((ex) => excludes(ex, p, kind));
  const rcpIds = new Set(list.filter((ex) => ex.type === 'rcp' && ex.arn).map((ex) => ex.arn!.split('/').pop()!));
  return {
    ...subject,
    identity: subject.identity.filter((p) => !hit(p, 'identity')),
    boundary: subject.boundary && !hit(subject.boundary, 'boundary') ? subject.boundary : null,
    scps: subject.scps ? subject.scps.map((level) => level.filter((p) => !hit(p, 'scp'))) : null,
    excludedRcps: rcpIds,
  };
}

// ------------------------------------------------------------------ SimulatePrincipalPolicy

interface PrincipalInput extends CommonInput {
  policySourceArn: string;
  exclusions: PolicyExclusion[];
}

/** One PolicyExclusionList entry: a policy of the entity (or of its organization) left out. */
export interface PolicyExclusion {
  type: (typeof EXCLUSION_TYPES)[number];
  arn?: string;
  inline?: { policyName: string; attachmentType: string; attachmentName: string };
}
const EXCLUSION_TYPES = ['inline', 'aws-managed', 'user-managed', 'permission-boundary', 'scp', 'rcp'] as const;

/** `PolicyExclusionList.member.N.{PolicyType, PolicyArn, InlinePolicyIdentifier.{PolicyName, AttachmentType, AttachmentName}}` (≤ 256). */
function readExclusions(v: Validator): PolicyExclusion[] {
  const items = v.structList('PolicyExclusionList') ?? [];
  if (items.length > 256) v.addClause(`Value at 'policyExclusionList' failed to satisfy constraint: Member must have length less than or equal to 256`);
  return items.map((e, i) => {
    const at = `policyExclusionList.${i + 1}.member`;
    const type = String(e.PolicyType ?? '');
    if (!(EXCLUSION_TYPES as readonly string[]).includes(type)) {
      v.addClause(`Value at '${at}.policyType' failed to satisfy constraint: Member must satisfy enum value set: [${EXCLUSION_TYPES.join(', ')}]`);
    }
    const id = e.InlinePolicyIdentifier as Record<string, unknown> | undefined;
    return {
      type: type as PolicyExclusion['type'],
      arn: e.PolicyArn === undefined ? undefined : String(e.PolicyArn),
      inline: id && typeof id === 'object' ? { policyName: String(id.PolicyName ?? ''), attachmentType: String(id.AttachmentType ?? ''), attachmentName: String(id.AttachmentName ?? '') } : undefined,
    };
  });
}

/** Does an exclusion name this identity policy / boundary / organization policy? (⚠ texts of bad entries not captured.) */
function excludes(ex: PolicyExclusion, policy: PolicySource, kind: 'identity' | 'boundary' | 'scp' | 'rcp'): boolean {
  switch (ex.type) {
    case 'inline': {
      if (kind !== 'identity' || !ex.inline) return false;
      const m = /^(role|user|group)\/([^/]+)\/inline\/(.+)$/.exec(policy.id);
      return !!m && m[1] === ex.inline.attachmentType && m[2]!.toLowerCase() === ex.inline.attachmentName.toLowerCase() && m[3] === ex.inline.policyName;
    }
    case 'aws-managed':
    case 'user-managed':
      return kind === 'identity' && policy.id === ex.arn;
    case 'permission-boundary':
      return kind === 'boundary' && (ex.arn === undefined || policy.id === ex.arn);
    case 'scp':
    case 'rcp':
      // Organization policy ARNs end in the policy id: arn:aws:organizations::MGMT:policy/o-…/service_control_policy/p-….
      return kind === ex.type && !!ex.arn && ex.arn.split('/').pop() === policy.id;
  }
}

function checkExclusions(list: PolicyExclusion[]): void {
  for (const ex of list) {
    if (ex.type === 'inline' ? !ex.inline : ex.type !== 'permission-boundary' && !ex.arn) {
      throw awsErrors.invalidInput(`PolicyExclusionList entries of type ${ex.type} must name the policy (${ex.type === 'inline' ? 'InlinePolicyIdentifier' : 'PolicyArn'}).`);
    }
  }
}

export const simulatePrincipalPolicy = defineOperation({
  name: 'SimulatePrincipalPolicy',
  service: 'iam',
  action: 'iam:SimulatePrincipalPolicy',
  mutating: false,
  input(params): PrincipalInput {
    const v = new Validator(params, 'iam');
    const policySourceArn = v.string('PolicySourceArn', { required: true, min: 20, max: 2048 });
    const policyInputList = readPolicyList(v, 'PolicyInputList');
    const exclusions = readExclusions(v);
    const common = readCommon(v);
    v.done();
    return { ...common, policyInputList, policySourceArn, exclusions };
  },
  // Authorized against the simulated entity: iam:SimulatePrincipalPolicy on the user/group/role ARN.
  resource: (input) => input.policySourceArn,
  handler(input, call) {
    const account = accountOf(call);
    const src = resolvePolicySource(call.store, account, input.policySourceArn);
    checkCommon(input);
    checkExclusions(input.exclusions);
    const subject = principalSubject(call.store, account, src, input);
    return runSimulation(call.store, applyExclusions(subject, input.exclusions), simulationParams(input, call));
  },
});

// ------------------------------------------------------------------ SimulateCustomPolicy

export const simulateCustomPolicy = defineOperation({
  name: 'SimulateCustomPolicy',
  service: 'iam',
  action: 'iam:SimulateCustomPolicy',
  mutating: false,
  input(params): CommonInput & { organizationLevels: string[] } {
    const v = new Validator(params, 'iam');
    const policyInputList = readPolicyList(v, 'PolicyInputList', true);
    const organizationLevels = readPolicyList(v, 'OrderedOrganizationPolicyInputList');
    if (organizationLevels.length > 7) v.addClause(`Value at 'orderedOrganizationPolicyInputList' failed to satisfy constraint: Member must have length less than or equal to 7`);
    const common = readCommon(v);
    v.done();
    return { ...common, policyInputList, organizationLevels };
  },
  resource: () => '*',
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    checkCommon(input);
    input.organizationLevels.forEach((d, i) => checkSimulationPolicy(d, 'scp', `OrderedOrganizationPolicyInputList.${i + 1}`));
    // "CallerArn is required if you include a ResourcePolicy so that the policy's Principal element has a value" (⚠ text).
    if (input.resourcePolicy !== null && input.callerArn === null) throw awsErrors.invalidInput('CallerArn must be specified when ResourcePolicy is specified.');
    let principal: EvalPrincipal;
    let tags: { Key: string; Value: string }[] = [];
    if (input.callerArn !== null) ({ principal, tags } = callerUser(store, input.callerArn));
    else principal = { type: 'IAMUser', account };
    const subject: SimulationSubject = {
      principal,
      principalContext: principal.arn ? principalKeys(store, principal, tags) : {},
      account: principal.account ?? account,
      identity: input.policyInputList.map((d, i) => ({ id: INPUT_POLICY(i + 1), document: d })),
      boundary: input.boundaryInputList.length > 0 ? { id: BOUNDARY_INPUT_POLICY(1), document: input.boundaryInputList[0]! } : null,
      // Only the organization policies passed in the request (each one level, root first); the
      // caller's account's own SCPs are not applied to a custom simulation.
      scps: input.organizationLevels.length > 0 ? input.organizationLevels.map((d, i) => [{ id: `OrderedOrganizationPolicyInputList.${i + 1}`, document: d }]) : null,
    };
    return runSimulation(store, subject, simulationParams(input, call));
  },
});
