// Owns compiling a policy document (JSON text or object) into matchers, once, with a cache.
// Lenient by design: evaluation never throws; problems become per-statement errors that make
// the statement not apply (Allow) or apply (Deny) — see statement.ts. Strict grammar lives in validate.ts.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html

import { resourcePartStart, resourceWildcardNoColon } from './arn';
import { compileCondition, type CompiledCondition } from './conditions';
import { compilePrincipal, type CompiledPrincipal } from './principal';
import { statementPositions } from './positions';
import type { FailedCondition, MatchedStatement, PolicyKind, StatementPosition } from './types';
import { hasVariables, parseTemplate, type TemplatePart } from './variables';
import { compileGlob, piecesFromPattern, type Glob, type GlobPiece } from './wildcard';

export interface ResourceEntry {
  /** Static pattern (no variables). */
  g: Glob | null;
  /** Pattern with variables, resolved per request. */
  tpl: TemplatePart[] | null;
  raw: string;
}

export interface CompiledStatement {
  index: number;
  sid: string | undefined;
  effect: 'Allow' | 'Deny' | null;
  /** undefined = element absent. */
  principal: CompiledPrincipal | undefined;
  notPrincipal: CompiledPrincipal | undefined;
  /** Lower-cased action globs; null = no Action/NotAction element. */
  actions: Glob[] | null;
  notAction: boolean;
  /** null = no Resource/NotResource element (implied resource in resource-based policies). */
  resources: ResourceEntry[] | null;
  notResource: boolean;
  conditions: CompiledCondition[];
  /** A positive ARN/String condition on aws:PrincipalArn narrows the grant to named principals. */
  narrowsPrincipalArn: boolean;
  /** Element-level problems: the statement cannot be evaluated reliably. */
  errors: string[];
  start?: StatementPosition;
  end?: StatementPosition;
}

export interface CompiledPolicy {
  version: string | undefined;
  /** Policy variables are resolved only under Version 2012-10-17. */
  variables: boolean;
  statements: CompiledStatement[];
  /** Document-level problems (unparseable JSON, no Statement). */
  errors: string[];
  /** Per (kind, id) frozen MatchedStatement records, so decisions allocate nothing for them. */
  matchRecords: Map<PolicyKind, Map<string, MatchedStatement[]>>;
  /** Per (kind, id) frozen FailedCondition records by statement index, then condition index. */
  failRecords: Map<PolicyKind, Map<string, FailedCondition[][]>>;
}

function asStringList(v: unknown, what: string, errors: string[]): string[] {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    if (typeof x === 'string') out.push(x);
    else errors.push(`${what} entry ${JSON.stringify(x)} is not a string`);
  }
  return out;
}

export function compileAction(a: string): Glob {
  return compileGlob(piecesFromPattern(a.trim()), true);
}

export function compileResource(raw: string, variables: boolean): ResourceEntry {
  const rp = resourcePartStart(raw);
  const parts = parseTemplate(raw, {
    variables,
    wildcards: true,
    noColonAt: (i) => resourceWildcardNoColon(raw, i),
    // Variables are honoured only in the resource part (after the 5th colon).
    variablesFrom: rp < 0 ? Number.MAX_SAFE_INTEGER : rp,
  });
  if (hasVariables(parts)) return { g: null, tpl: parts, raw };
  return { g: compileGlob(parts as GlobPiece[]), tpl: null, raw };
}

function compileStatement(raw: unknown, index: number, variables: boolean): CompiledStatement {
  const st: CompiledStatement = {
    index,
    sid: undefined,
    effect: null,
    principal: undefined,
    notPrincipal: undefined,
    actions: null,
    notAction: false,
    resources: null,
    notResource: false,
    conditions: [],
    narrowsPrincipalArn: false,
    errors: [],
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    st.errors.push('statement is not an object');
    return st;
  }
  const s = raw as Record<string, unknown>;
  if (typeof s.Sid === 'string') st.sid = s.Sid;
  if (s.Effect === 'Allow' || s.Effect === 'Deny') st.effect = s.Effect;
  else {
    st.errors.push(`invalid Effect ${JSON.stringify(s.Effect)}`);
    // Mis-cased effects keep their meaning for fail-closed purposes: a `deny` still denies,
    // an `allow` never grants (the error makes the statement three-valued U).
    const l = typeof s.Effect === 'string' ? s.Effect.toLowerCase() : '';
    if (l === 'deny') st.effect = 'Deny';
    else if (l === 'allow') st.effect = 'Allow';
  }

  if ('Principal' in s && 'NotPrincipal' in s) st.errors.push('both Principal and NotPrincipal');
  if ('Principal' in s) {
    st.principal = compilePrincipal(s.Principal);
    st.errors.push(...st.principal.errors);
  }
  if ('NotPrincipal' in s) {
    st.notPrincipal = compilePrincipal(s.NotPrincipal);
    st.errors.push(...st.notPrincipal.errors);
  }

  if ('Action' in s && 'NotAction' in s) st.errors.push('both Action and NotAction');
  const actionRaw = 'Action' in s ? s.Action : 'NotAction' in s ? s.NotAction : undefined;
  if (actionRaw === undefined) st.errors.push('no Action or NotAction');
  else {
    st.notAction = !('Action' in s);
    st.actions = asStringList(actionRaw, 'Action', st.errors).map(compileAction);
  }

  if ('Resource' in s && 'NotResource' in s) st.errors.push('both Resource and NotResource');
  const resRaw = 'Resource' in s ? s.Resource : 'NotResource' in s ? s.NotResource : undefined;
  if (resRaw !== undefined) {
    st.notResource = !('Resource' in s);
    st.resources = asStringList(resRaw, 'Resource', st.errors).map((r) => compileResource(r, variables));
  }

  if ('Condition' in s) {
    const c = s.Condition;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) st.errors.push('Condition is not an object');
    else {
      for (const [op, block] of Object.entries(c as Record<string, unknown>)) {
        if (typeof block !== 'object' || block === null || Array.isArray(block)) {
          st.errors.push(`condition block ${op} is not an object`);
          continue;
        }
        for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
          const cc = compileCondition(op, key, values, variables);
          st.conditions.push(cc);
          const po = cc.parsed;
          if (cc.keyLower === 'aws:principalarn' && po && !po.info.negated && po.set === 0 && (po.info.type === 'arn' || po.info.type === 'string')) {
            st.narrowsPrincipalArn = true;
          }
        }
      }
    }
  }
  return st;
}

function parseDocument(doc: string | object): { obj: unknown; error?: string } {
  if (typeof doc !== 'string') return { obj: doc };
  try {
    return { obj: JSON.parse(doc) };
  } catch {
    return { obj: undefined, error: 'policy document is not valid JSON' };
  }
}

export function compilePolicyUncached(doc: string | object): CompiledPolicy {
  const out: CompiledPolicy = { version: undefined, variables: false, statements: [], errors: [], matchRecords: new Map(), failRecords: new Map() };
  const { obj, error } = parseDocument(doc);
  if (error) {
    out.errors.push(error);
    return out;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    out.errors.push('policy document is not a JSON object');
    return out;
  }
  const o = obj as Record<string, unknown>;
  if (typeof o.Version === 'string') out.version = o.Version;
  out.variables = out.version === '2012-10-17';
  const stmts = o.Statement;
  if (stmts === undefined) {
    out.errors.push('policy document has no Statement');
    return out;
  }
  const list = Array.isArray(stmts) ? stmts : [stmts];
  list.forEach((s, i) => out.statements.push(compileStatement(s, i, out.variables)));
  if (typeof doc === 'string') {
    const pos = statementPositions(doc);
    if (pos && pos.length === out.statements.length) {
      pos.forEach((p, i) => {
        out.statements[i]!.start = p.start;
        out.statements[i]!.end = p.end;
      });
    }
  }
  return out;
}

// Compiled once per document text / object identity. Text cache is bounded (cleared when full).
const TEXT_CACHE_MAX = 20_000;
const textCache = new Map<string, CompiledPolicy>();
let objectCache = new WeakMap<object, CompiledPolicy>();

export function compilePolicy(doc: string | object): CompiledPolicy {
  if (typeof doc === 'string') {
    let c = textCache.get(doc);
    if (!c) {
      c = compilePolicyUncached(doc);
      if (textCache.size >= TEXT_CACHE_MAX) textCache.clear();
      textCache.set(doc, c);
    }
    return c;
  }
  if (typeof doc !== 'object' || doc === null) return compilePolicyUncached(doc as never);
  let c = objectCache.get(doc);
  if (!c) {
    c = compilePolicyUncached(doc);
    objectCache.set(doc, c);
  }
  return c;
}

/** Drops cached compilations (tests; callers that mutate document objects in place). */
export function clearPolicyCache(): void {
  textCache.clear();
  objectCache = new WeakMap();
}
