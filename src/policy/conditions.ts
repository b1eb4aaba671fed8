// Owns the Condition element: operator parsing, value compilation and three-valued evaluation.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
//
// Results are three-valued: T (matches), F (does not), U (cannot be evaluated: unknown operator,
// unparseable value). The caller decides what U means for the statement's effect — it never
// becomes an Allow.

import ipaddr from 'ipaddr.js';
import { arnComponents } from './arn';
import { compileGlob, matchGlob, type Glob, type GlobPiece } from './wildcard';
import { hasVariables, parseTemplate, piecesToString, resolveTemplate, type ContextLookup, type TemplatePart } from './variables';

export const F = 0;
export const T = 1;
export const U = 2;
export type Tri = 0 | 1 | 2;

export type BaseType = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';
type Cmp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';

interface OpInfo {
  name: string;
  type: BaseType;
  negated: boolean;
  cmp: Cmp;
  like?: boolean;
  ignoreCase?: boolean;
}

const OPS: OpInfo[] = [
  { name: 'StringEquals', type: 'string', negated: false, cmp: 'eq' },
  { name: 'StringNotEquals', type: 'string', negated: true, cmp: 'eq' },
  { name: 'StringEqualsIgnoreCase', type: 'string', negated: false, cmp: 'eq', ignoreCase: true },
  { name: 'StringNotEqualsIgnoreCase', type: 'string', negated: true, cmp: 'eq', ignoreCase: true },
  { name: 'StringLike', type: 'string', negated: false, cmp: 'eq', like: true },
  { name: 'StringNotLike', type: 'string', negated: true, cmp: 'eq', like: true },
  { name: 'NumericEquals', type: 'numeric', negated: false, cmp: 'eq' },
  { name: 'NumericNotEquals', type: 'numeric', negated: true, cmp: 'eq' },
  { name: 'NumericLessThan', type: 'numeric', negated: false, cmp: 'lt' },
  { name: 'NumericLessThanEquals', type: 'numeric', negated: false, cmp: 'lte' },
  { name: 'NumericGreaterThan', type: 'numeric', negated: false, cmp: 'gt' },
  { name: 'NumericGreaterThanEquals', type: 'numeric', negated: false, cmp: 'gte' },
  { name: 'DateEquals', type: 'date', negated: false, cmp: 'eq' },
  { name: 'DateNotEquals', type: 'date', negated: true, cmp: 'eq' },
  { name: 'DateLessThan', type: 'date', negated: false, cmp: 'lt' },
  { name: 'DateLessThanEquals', type: 'date', negated: false, cmp: 'lte' },
  { name: 'DateGreaterThan', type: 'date', negated: false, cmp: 'gt' },
  { name: 'DateGreaterThanEquals', type: 'date', negated: false, cmp: 'gte' },
  { name: 'Bool', type: 'bool', negated: false, cmp: 'eq' },
  { name: 'BinaryEquals', type: 'binary', negated: false, cmp: 'eq' },
  { name: 'IpAddress', type: 'ip', negated: false, cmp: 'eq' },
  { name: 'NotIpAddress', type: 'ip', negated: true, cmp: 'eq' },
  { name: 'ArnEquals', type: 'arn', negated: false, cmp: 'eq', like: true },
  { name: 'ArnLike', type: 'arn', negated: false, cmp: 'eq', like: true },
  { name: 'ArnNotEquals', type: 'arn', negated: true, cmp: 'eq', like: true },
  { name: 'ArnNotLike', type: 'arn', negated: true, cmp: 'eq', like: true },
  { name: 'Null', type: 'null', negated: false, cmp: 'eq' },
];
const OPS_BY_LOWER = new Map(OPS.map((o) => [o.name.toLowerCase(), o]));


export interface ParsedOperator {
  info: OpInfo;
  ifExists: boolean;
  set: 0 | 1 | 2; // none, ForAllValues, ForAnyValue
}

/** Parses `[ForAllValues:|ForAnyValue:]Operator[IfExists]`; null when unknown (Null has no IfExists). */
export function parseOperator(raw: string): ParsedOperator | null {
  let s = raw;
  let set: 0 | 1 | 2 = 0;
  const lower = s.toLowerCase();
  if (lower.startsWith('forallvalues:')) {
    set = 1;
    s = s.slice(13);
  } else if (lower.startsWith('foranyvalue:')) {
    set = 2;
    s = s.slice(12);
  }
  let l = s.toLowerCase();
  let ifExists = false;
  if (l.endsWith('ifexists')) {
    ifExists = true;
    l = l.slice(0, -8);
  }
  const info = OPS_BY_LOWER.get(l);
  if (!info) return null;
  if (info.type === 'null' && (ifExists || set !== 0)) return null;
  return { info, ifExists, set };
}

// ---------------------------------------------------------------- value parsing

const NUM_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
export function parseNumber(s: string): number | null {
  const t = s.trim();
  if (!NUM_RE.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const EPOCH_RE = /^-?\d+(\.\d+)?$/;
const ISO_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** W3C ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, with time and zone) or epoch seconds → epoch ms. */
export function parseDate(s: string): number | null {
  const t = s.trim();
  if (EPOCH_RE.test(t)) return Math.round(Number(t) * 1000);
  const m = ISO_RE.exec(t);
  if (!m) return null;
  const y = +m[1]!;
  const mo = m[2] ? +m[2] : 1;
  const d = m[3] ? +m[3] : 1;
  const h = m[4] ? +m[4] : 0;
  const mi = m[5] ? +m[5] : 0;
  const sec = m[6] ? +m[6] : 0;
  const frac = m[7] ? Number('0.' + m[7]) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return null;
  let ms = Date.UTC(y, mo - 1, d, h, mi, sec) + Math.round(frac * 1000);
  const z = m[8];
  if (z && z !== 'Z' && z !== 'z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return null;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return Number.isFinite(ms) ? ms : null;
}

export function parseBool(s: string): boolean | null {
  const l = s.trim().toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : null;
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
export function parseBinary(s: string): string | null {
  const t = s.replace(/\s+/g, '');
  if (!B64_RE.test(t) || t.length % 4 === 1) return null;
  return Buffer.from(t, 'base64').toString('hex');
}

type IpRange = [ipaddr.IPv4 | ipaddr.IPv6, number];
function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const t = s.trim();
  if (t.includes(':')) return ipaddr.IPv6.isValid(t) ? ipaddr.IPv6.parse(t) : null;
  return ipaddr.IPv4.isValidFourPartDecimal(t) ? ipaddr.IPv4.parse(t) : null;
}
export function parseCidr(s: string): IpRange | null {
  const t = s.trim();
  const slash = t.indexOf('/');
  const addr = parseIp(slash < 0 ? t : t.slice(0, slash));
  if (!addr) return null;
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  if (slash < 0) return [addr, max];
  const bitsText = t.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return null;
  const bits = +bitsText;
  if (bits > max) return null;
  return [addr, bits];
}

// ---------------------------------------------------------------- compiled conditions

/** One compiled policy value. `bad` = could not be parsed (evaluates U). */
type CValue =
  | { k: 'str'; s: string }
  | { k: 'glob'; g: Glob }
  | { k: 'tpl'; parts: TemplatePart[] }
  | { k: 'arn'; comps: Glob[] | null; any: boolean }
  | { k: 'num'; n: number }
  | { k: 'bool'; b: boolean }
  | { k: 'bin'; hex: string }
  | { k: 'ip'; r: IpRange }
  | { k: 'bad'; text: string };

export interface CompiledCondition {
  /** Operator as written, e.g. `ForAnyValue:StringLike`. */
  op: string;
  key: string;
  keyLower: string;
  parsed: ParsedOperator | null;
  values: CValue[];
  /** Why this condition cannot be evaluated (unknown operator, bad value, …). */
  error?: string;
  /** Variables referenced in the values (for GetContextKeysFor*). */
  variableKeys: string[];
  /** The values as written, for explanations. */
  wanted: string[];
}

function compileValue(info: OpInfo, raw: unknown, variables: boolean): CValue {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return { k: 'bad', text: JSON.stringify(raw) ?? String(raw) };
  const text = String(raw);
  switch (info.type) {
    case 'string': {
      const parts = parseTemplate(text, { variables, wildcards: !!info.like });
      if (hasVariables(parts)) return { k: 'tpl', parts };
      if (info.like) return { k: 'glob', g: compileGlob(parts as never, !!info.ignoreCase) };
      const s = piecesToString(parts as never);
      return { k: 'str', s: info.ignoreCase ? s.toLowerCase() : s };
    }
    case 'arn': {
      // ArnEquals and ArnLike are the same operator: both honour `*` and `?` within each component.
      const parts = parseTemplate(text, { variables, wildcards: true });
      if (hasVariables(parts)) return { k: 'tpl', parts };
      const comps = splitPiecesOnColons(parts as never);
      return { k: 'arn', comps: comps === 'any' ? null : comps, any: comps === 'any' };
    }
    case 'numeric': {
      const n = parseNumber(text);
      return n === null ? { k: 'bad', text } : { k: 'num', n };
    }
    case 'date': {
      const n = parseDate(text);
      return n === null ? { k: 'bad', text } : { k: 'num', n };
    }
    case 'bool': {
      // Policy variables are supported in Bool values (condition operators page, Boolean section):
      // resolved per request, so an absent key behaves as for every other operator.
      const parts = parseTemplate(text, { variables, wildcards: false });
      if (hasVariables(parts)) return { k: 'tpl', parts };
      const b = parseBool(text);
      return b === null ? { k: 'bad', text } : { k: 'bool', b };
    }
    case 'null': {
      const b = parseBool(text);
      return b === null ? { k: 'bad', text } : { k: 'bool', b };
    }
    case 'binary': {
      const hex = parseBinary(text);
      return hex === null ? { k: 'bad', text } : { k: 'bin', hex };
    }
    case 'ip': {
      const r = parseCidr(text);
      return r === null ? { k: 'bad', text } : { k: 'ip', r };
    }
  }
}

export function compileCondition(op: string, key: string, rawValues: unknown, variables: boolean): CompiledCondition {
  const parsed = parseOperator(op);
  const c: CompiledCondition = { op, key, keyLower: key.toLowerCase(), parsed, values: [], variableKeys: [], wanted: [] };
  for (const raw of Array.isArray(rawValues) ? rawValues : [rawValues]) c.wanted.push(typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw)));
  if (!parsed) {
    c.error = `unknown condition operator ${op}`;
    return c;
  }
  const list = Array.isArray(rawValues) ? rawValues : [rawValues];
  if (list.length === 0) {
    c.error = `condition ${op} on ${key} has no values`;
    return c;
  }
  for (const raw of list) {
    const v = compileValue(parsed.info, raw, variables);
    if (v.k === 'bad') {
      c.error = `unparseable value ${v.text} for ${parsed.info.name} on ${key}`;
    }
    if (v.k === 'tpl') for (const p of v.parts) if (p.t === 'var') c.variableKeys.push(p.key);
    c.values.push(v);
  }
  return c;
}

// ---------------------------------------------------------------- evaluation

export type CondEnv = ContextLookup;

function cmpNum(cmp: Cmp, a: number, b: number): boolean {
  switch (cmp) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

function matchArn(comps: Glob[], req: string[]): boolean {
  for (let i = 0; i < 6; i++) if (!matchGlob(comps[i]!, req[i]!)) return false;
  return true;
}

/** Positive match of one request value against the policy values: OR, three-valued. */
function matchOne(c: CompiledCondition, info: OpInfo, r: string, env: CondEnv): Tri {
  let sawU = false;
  switch (info.type) {
    case 'string': {
      const rv = info.ignoreCase ? r.toLowerCase() : r;
      for (const v of c.values) {
        if (v.k === 'str') {
          if (v.s === rv) return T;
        } else if (v.k === 'glob') {
          if (matchGlob(v.g, rv)) return T;
        } else if (v.k === 'tpl') {
          const pieces = resolveTemplate(v.parts, env);
          if (!pieces) continue; // unresolvable variable: matches nothing
          if (info.like) {
            if (matchGlob(compileGlob(pieces, !!info.ignoreCase), rv)) return T;
          } else {
            const s = piecesToString(pieces);
            if ((info.ignoreCase ? s.toLowerCase() : s) === rv) return T;
          }
        } else sawU = true;
      }
      return sawU ? U : F;
    }
    case 'arn': {
      const req = arnComponents(r);
      for (const v of c.values) {
        if (v.k === 'arn') {
          if (v.any) return T;
          if (v.comps && req && matchArn(v.comps, req)) return T;
        } else if (v.k === 'tpl') {
          const pieces = resolveTemplate(v.parts, env);
          if (!pieces) continue;
          // Resolved text: escapes and substituted values are literal, raw `*`/`?` were wildcards.
          // Re-split on colons by walking the pieces.
          const comps = splitPiecesOnColons(pieces);
          if (comps === 'any') return T;
          if (comps && req && matchArn(comps, req)) return T;
        } else sawU = true;
      }
      return sawU ? U : F;
    }
    case 'numeric':
    case 'date': {
      const n = info.type === 'numeric' ? parseNumber(r) : parseDate(r);
      if (n === null) return U;
      for (const v of c.values) {
        if (v.k === 'num') {
          if (cmpNum(info.cmp, n, v.n)) return T;
        } else sawU = true;
      }
      return sawU ? U : F;
    }
    case 'bool': {
      const b = parseBool(r);
      if (b === null) return U;
      for (const v of c.values) {
        if (v.k === 'bool') {
          if (v.b === b) return T;
        } else if (v.k === 'tpl') {
          const pieces = resolveTemplate(v.parts, env);
          if (!pieces) continue; // unresolvable variable: matches nothing
          const pb = parseBool(piecesToString(pieces));
          if (pb === null) sawU = true; // resolved to something that is not a boolean
          else if (pb === b) return T;
        } else sawU = true;
      }
      return sawU ? U : F;
    }
    case 'binary': {
      const hex = parseBinary(r);
      if (hex === null) return U;
      for (const v of c.values) {
        if (v.k === 'bin') {
          if (v.hex === hex) return T;
        } else sawU = true;
      }
      return sawU ? U : F;
    }
    case 'ip': {
      const a = parseIp(r);
      if (!a) return U;
      for (const v of c.values) {
        if (v.k === 'ip') {
          // An IPv6 caller is never inside an IPv4 range (and vice versa).
          if (v.r[0].kind() === a.kind() && a.match(v.r as never)) return T;
        } else sawU = true;
      }
      return sawU ? U : F;
    }
    case 'null':
      return U;
  }
}

/** Splits resolved pieces into six ARN component globs (wildcards never span components). */
function splitPiecesOnColons(pieces: GlobPiece[]): Glob[] | 'any' | null {
  if (pieces.length === 1 && pieces[0]!.t === 'star') return 'any';
  const comps: GlobPiece[][] = [[]];
  for (const p of pieces) {
    if (p.t !== 'lit' || comps.length === 6) {
      comps[comps.length - 1]!.push(p);
      continue;
    }
    let s = p.s;
    let c = s.indexOf(':');
    while (c >= 0 && comps.length < 6) {
      if (c > 0) comps[comps.length - 1]!.push({ t: 'lit', s: s.slice(0, c) });
      comps.push([]);
      s = s.slice(c + 1);
      c = s.indexOf(':');
    }
    if (s) comps[comps.length - 1]!.push({ t: 'lit', s });
  }
  if (comps.length !== 6) return null;
  return comps.map((c) => compileGlob(c));
}

function not(t: Tri): Tri {
  return t === T ? F : t === F ? T : U;
}

/** One request value against the condition: OR of matches, or NOR for negated operators. */
function single(c: CompiledCondition, info: OpInfo, r: string, env: CondEnv): Tri {
  const m = matchOne(c, info, r, env);
  return info.negated ? not(m) : m;
}

/** Evaluates one condition (one operator, one key) against the request context. */
export function evalCondition(c: CompiledCondition, env: CondEnv): Tri {
  if (c.error || !c.parsed) return U;
  const { info, ifExists, set } = c.parsed;
  const v = env.lookup(c.key, c.keyLower);
  if (info.type === 'null') {
    // Null: "true" = the key doesn't exist (it is null), "false" = the key exists and its value is
    // not null. A key whose value is empty ([] or "") counts as null: the docs offer `Null: false`
    // as the guard that keeps "missing context keys or context keys with empty values" from
    // making ForAllValues true.
    if (v === undefined) env.missing(c.key);
    const isNull = v === undefined || v.length === 0;
    for (const pv of c.values) if (pv.k === 'bool' && pv.b === isNull) return T;
    return F;
  }
  if (set !== 0) {
    if (v === undefined) {
      env.missing(c.key);
      // Absent key: ForAllValues is (vacuously) true, ForAnyValue false — unless IfExists.
      return set === 1 || ifExists ? T : F;
    }
    // "…or if the context key value resolves to a null dataset, such as an empty string":
    // an empty set and an empty string are both the null dataset.
    const vals = typeof v === 'string' ? (v === '' ? [] : [v]) : v;
    if (vals.length === 0) return set === 1 ? T : F;
    let sawU = false;
    if (set === 1) {
      for (const r of vals) {
        const t = single(c, info, r, env);
        if (t === F) return F;
        if (t === U) sawU = true;
      }
      return sawU ? U : T;
    }
    for (const r of vals) {
      const t = single(c, info, r, env);
      if (t === T) return T;
      if (t === U) sawU = true;
    }
    return sawU ? U : F;
  }
  if (v === undefined || (typeof v !== 'string' && v.length === 0)) {
    if (v === undefined) env.missing(c.key);
    // Absent key: false, except IfExists (true) and negated operators ("not matched" holds).
    if (ifExists) return T;
    return info.negated ? T : F;
  }
  if (typeof v === 'string') return single(c, info, v, env);
  if (v.length === 1) return single(c, info, v[0]!, env);
  // A plain operator on a key with several values: "Multivalued context keys require a condition
  // set operator" (Single-valued vs. multivalued context keys) and no page says what a plain one
  // means, so the condition cannot be evaluated: an Allow does not apply, a Deny does.
  return U;
}

/** Why evalCondition answered U for a plain operator on a multivalued request value. */
export function multivaluedWithoutSetOperator(c: CompiledCondition, env: CondEnv): boolean {
  if (!c.parsed || c.parsed.set !== 0 || c.parsed.info.type === 'null') return false;
  const v = env.lookup(c.key, c.keyLower);
  return Array.isArray(v) && v.length > 1;
}
