// Owns policy grammar validation with AWS's MalformedPolicyDocument messages, per document kind.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// Messages: ../shared/reference/aws-protocol.md §6.7, iam-evaluation.md §14.

import { parseOperator } from './conditions';
import { parseDate } from './conditions';
import { compileAction } from './document';
import { hasDuplicateKeys } from './positions';
import { PolicyValidationError, type DocumentKind } from './types';
import { matchGlob } from './wildcard';

const MSG = {
  syntax: 'Syntax errors in policy.',
  invalidJsonTrust: 'This policy contains invalid Json',
  version: 'Policy document must be version 2012-10-17 or greater.',
  legacy: 'The policy failed legacy parsing',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  sidAlnum: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  actions: 'Policy statement must contain actions.',
  resources: 'Policy statement must contain resources.',
  vendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  noPrincipal: 'Policy document should not specify a principal.',
  missingPrincipal: 'Missing required field Principal',
  prohibitedResource: 'Has prohibited field Resource',
  prohibitedNotPrincipal: 'Has prohibited field NotPrincipal',
  prohibitedPrincipal: 'Has prohibited field Principal',
  trustActions: 'AssumeRole policy may only specify STS AssumeRole actions.',
  resourceVendor: 'Resource vendor must be fully qualified and cannot contain regexes.',
  notPrincipalAllow: 'Syntax errors in policy.',
  rcpPrincipal: 'Invalid principal in policy: RCPs only allow "*" as the Principal.',
};

const TOP = new Set(['Version', 'Id', 'Statement']);
const STMT = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
const TRUST_ACTIONS = [
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
];
const VENDOR_RE = /^[a-zA-Z0-9\-.]+$/;
const SID_RE = /^[0-9A-Za-z]*$/;
const ACCOUNT_RE = /^\d{12}$/;
const UNIQUE_ID_RE = /^A[A-Z]{3}[A-Z0-9]{8,}$/;

function fail(msg: string): never {
  throw new PolicyValidationError(msg);
}

function isStringOrStringList(v: unknown, allowEmpty = false): v is string | string[] {
  if (typeof v === 'string') return true;
  return Array.isArray(v) && (allowEmpty || v.length > 0) && v.every((x) => typeof x === 'string');
}

function list(v: string | string[]): string[] {
  return Array.isArray(v) ? v : [v];
}

function checkAction(a: string): void {
  if (a === '*') return;
  const parts = a.split(':');
  if (parts.length === 1) fail(MSG.vendor);
  if (parts.length > 2) fail(MSG.oneColon);
  if (!VENDOR_RE.test(parts[0]!)) fail(`Vendor ${parts[0]} is not valid`);
}

function checkResource(r: string): void {
  if (r === '*') return;
  const first = r.indexOf(':');
  if (first < 0) fail(`Resource ${r} must be in ARN format or "*".`);
  const parts = r.split(':');
  if (parts[0] !== 'arn') fail(`Resource ${r} must be in ARN format or "*".`);
  if (parts.length < 3) fail(`Resource ${r} must be in ARN format or "*".`);
  const partition = parts[1]!;
  if (!PARTITIONS.has(partition) && !partition.includes('*') && !partition.includes('?')) {
    // AWS echoes the resource with absent segments shown as `*`.
    const seg = (i: number) => (parts.length > i && (i > 2 || parts[i] !== '' || parts.length > i + 1) ? parts[i] : '*');
    fail(`Partition "${partition}" is not valid for resource "arn:${partition}:${seg(2)}:${seg(3)}:${seg(4)}:${parts.length > 5 ? parts.slice(5).join(':') : '*'}".`);
  }
  const service = parts[2]!;
  if (!service || service.includes('*') || service.includes('?')) fail(MSG.resourceVendor);
  if (parts.length < 6) {
    if (!r.endsWith('*')) fail(`Resource ${r} must be in ARN format or "*".`);
  }
}

function checkConditionKey(k: string): void {
  const parts = k.split(':');
  if (parts.length < 2) fail(MSG.vendor);
}

function checkPrincipalValue(type: string, v: string): void {
  const bad = () => fail(`Invalid principal in policy: "${type}":"${v}"`);
  if (type === 'AWS') {
    if (v === '*' || ACCOUNT_RE.test(v) || UNIQUE_ID_RE.test(v)) return;
    const p = v.split(':');
    if (p.length < 6 || p[0] !== 'arn' || !PARTITIONS.has(p[1]!)) bad();
    if (v.includes('*') || v.includes('?')) bad();
    const service = p[2];
    const res = p.slice(5).join(':');
    if (service === 'iam' && (res === 'root' || res.startsWith('user/') || res.startsWith('role/'))) return;
    if (service === 'sts' && (res.startsWith('assumed-role/') || res.startsWith('federated-user/'))) return;
    bad();
  } else if (type === 'Service') {
    if (!/^[a-z0-9][a-z0-9.-]*\.[a-z0-9.-]+$/.test(v)) bad();
  } else if (type === 'Federated') {
    if (v.includes('*')) bad();
  } else if (type === 'CanonicalUser') {
    if (!/^[0-9a-fA-F]{64}$/.test(v)) bad();
  }
}

function checkPrincipal(raw: unknown, kind: DocumentKind): void {
  if (raw === '*') return;
  if (kind === 'rcp') fail(MSG.rcpPrincipal);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(MSG.syntax);
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) fail(MSG.syntax);
  for (const [type, v] of entries) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(type)) fail(MSG.syntax);
    if (!isStringOrStringList(v)) fail(MSG.syntax);
    for (const s of list(v)) checkPrincipalValue(type, s);
  }
}

function checkCondition(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(MSG.syntax);
  for (const [op, block] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) fail(MSG.syntax);
    const entries = Object.entries(block as Record<string, unknown>);
    const parsed = parseOperator(op);
    if (!parsed) {
      if (entries.length === 0) continue;
      fail(MSG.syntax);
    }
    for (const [key, values] of entries) {
      const vals = Array.isArray(values) ? values : [values];
      for (const x of vals) {
        if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') fail(MSG.syntax);
      }
      checkConditionKey(key);
      if (parsed.info.type === 'date') {
        for (const x of vals) if (parseDate(String(x)) === null) fail(MSG.legacy);
      }
    }
  }
}

/** Throws PolicyValidationError with AWS's MalformedPolicyDocument message when `text` is not a valid `kind` policy. */
export function validatePolicyDocument(text: string, kind: DocumentKind): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    fail(kind === 'trust' ? MSG.invalidJsonTrust : MSG.syntax);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail(kind === 'trust' ? MSG.invalidJsonTrust : MSG.syntax);
  // An element may not appear twice (JSON.parse would silently keep the last one).
  if (hasDuplicateKeys(text)) fail(MSG.syntax);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!TOP.has(k)) fail(MSG.syntax);
  if ('Version' in d && d.Version !== '2012-10-17' && d.Version !== '2008-10-17') fail(MSG.syntax);
  if ('Id' in d && typeof d.Id !== 'string') fail(MSG.syntax);
  const stmtRaw = d.Statement;
  if (stmtRaw === undefined) fail(MSG.syntax);
  const statements = Array.isArray(stmtRaw) ? stmtRaw : [stmtRaw];
  if (statements.length === 0) fail(MSG.syntax);

  const identityLike = kind === 'identity' || kind === 'boundary' || kind === 'session';

  // Pass 1: statement syntax.
  for (const s of statements) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) fail(MSG.syntax);
    const st = s as Record<string, unknown>;
    for (const k of Object.keys(st)) if (!STMT.has(k)) fail(MSG.syntax);
    if ('Action' in st && 'NotAction' in st) fail(MSG.syntax);
    if ('Resource' in st && 'NotResource' in st) fail(MSG.syntax);
    if ('Principal' in st && 'NotPrincipal' in st) fail(MSG.syntax);
    if (typeof st.Effect !== 'string' || !['allow', 'deny'].includes(st.Effect.toLowerCase())) fail(MSG.syntax);
    for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      if (k in st && !isStringOrStringList(st[k], true)) fail(MSG.syntax);
    }
    if ('Sid' in st && typeof st.Sid !== 'string') fail(MSG.syntax);
    if ('Condition' in st) checkCondition(st.Condition);
  }

  // IAM policies (permissions and boundaries) must use the current language version.
  if ((kind === 'identity' || kind === 'boundary') && d.Version !== '2012-10-17') fail(MSG.version);

  // Pass 2: legacy parsing (exact Effect case), kind-specific elements.
  for (const s of statements) {
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') fail(MSG.legacy);
  }

  const sids = new Set<string>();
  for (const s of statements) {
    const st = s as Record<string, unknown>;
    if (typeof st.Sid === 'string' && st.Sid !== '') {
      if (sids.has(st.Sid)) fail(MSG.sidUnique);
      sids.add(st.Sid);
      if ((identityLike || kind === 'trust') && !SID_RE.test(st.Sid)) fail(MSG.sidAlnum);
    }
  }

  for (const s of statements) {
    const st = s as Record<string, unknown>;
    const hasPrincipal = 'Principal' in st || 'NotPrincipal' in st;
    switch (kind) {
      case 'identity':
      case 'boundary':
      case 'session':
        if (hasPrincipal) fail(MSG.noPrincipal);
        break;
      case 'scp':
        if ('Principal' in st) fail(MSG.prohibitedPrincipal);
        if ('NotPrincipal' in st) fail(MSG.prohibitedNotPrincipal);
        break;
      case 'rcp':
        if ('NotPrincipal' in st) fail(MSG.prohibitedNotPrincipal);
        if (!('Principal' in st)) fail(MSG.missingPrincipal);
        checkPrincipal(st.Principal, kind);
        break;
      case 'trust':
        if ('Resource' in st || 'NotResource' in st) fail(MSG.prohibitedResource);
        if ('NotPrincipal' in st) fail(MSG.prohibitedNotPrincipal);
        if (!('Principal' in st)) fail(MSG.missingPrincipal);
        checkPrincipal(st.Principal, kind);
        break;
      case 'resource':
        if (!hasPrincipal) fail(MSG.missingPrincipal);
        if ('NotPrincipal' in st && st.Effect === 'Allow') fail(MSG.notPrincipalAllow);
        checkPrincipal('Principal' in st ? st.Principal : st.NotPrincipal, kind);
        break;
    }
  }

  for (const s of statements) {
    const st = s as Record<string, unknown>;
    const act = st.Action ?? st.NotAction;
    if (act === undefined || (Array.isArray(act) && act.length === 0)) fail(MSG.actions);
    if (kind !== 'trust' && kind !== 'resource' && kind !== 'rcp') {
      const res = st.Resource ?? st.NotResource;
      if (res === undefined || (Array.isArray(res) && res.length === 0)) fail(MSG.resources);
    }
  }

  for (const s of statements) {
    const st = s as Record<string, unknown>;
    const res = (st.Resource ?? st.NotResource) as string | string[] | undefined;
    if (res !== undefined) for (const r of list(res)) checkResource(r);
  }

  for (const s of statements) {
    const st = s as Record<string, unknown>;
    const act = (st.Action ?? st.NotAction) as string | string[];
    for (const a of list(act)) checkAction(a);
    if (kind === 'trust') {
      if ('NotAction' in st) fail(MSG.trustActions);
      for (const a of list(act)) {
        const g = compileAction(a);
        if (!TRUST_ACTIONS.some((t) => matchGlob(g, t)) || a === '*') fail(MSG.trustActions);
      }
    }
  }
}
