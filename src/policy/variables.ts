// Owns policy variables: `${key}`, `${key, 'default'}`, and the escapes `${*}` `${?}` `${$}`.
// Only with Version 2012-10-17; otherwise the text is literal.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

import type { GlobPiece } from './wildcard';

export type TemplatePart =
  | GlobPiece
  | { t: 'var'; key: string; keyLower: string; def: string | undefined };

export interface TemplateOptions {
  /** Resolve `${…}` (Version 2012-10-17). */
  variables: boolean;
  /** Raw `*`/`?` are wildcards (Like operators, Resource, Action). */
  wildcards: boolean;
  /** For wildcards at raw index i: may not match `:`. */
  noColonAt?: (index: number) => boolean;
  /** Raw indexes before this are literal with respect to variables (Resource: before the 5th colon). */
  variablesFrom?: number;
}

/** Parses `${…}` at index i; returns the part and the index after `}`, or null when not a variable. */
function parseVar(s: string, i: number): { part: TemplatePart; end: number } | null {
  const close = s.indexOf('}', i + 2);
  if (close < 0) return null;
  const inner = s.slice(i + 2, close);
  if (inner === '*' || inner === '?' || inner === '$') return { part: { t: 'lit', s: inner }, end: close + 1 };
  let key = inner;
  let def: string | undefined;
  const comma = inner.indexOf(',');
  if (comma >= 0) {
    key = inner.slice(0, comma).trim();
    const rest = inner.slice(comma + 1).trim();
    if (rest.length < 2 || rest[0] !== "'" || rest[rest.length - 1] !== "'") return null;
    def = rest.slice(1, -1);
  } else key = key.trim();
  if (!key || /[\s${]/.test(key)) return null;
  return { part: { t: 'var', key, keyLower: key.toLowerCase(), def }, end: close + 1 };
}

export function parseTemplate(s: string, o: TemplateOptions): TemplatePart[] {
  const out: TemplatePart[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (o.variables && c === '$' && s[i + 1] === '{' && i >= (o.variablesFrom ?? 0)) {
      const v = parseVar(s, i);
      if (v) {
        if (v.part.t === 'lit') lit += v.part.s;
        else {
          flush();
          out.push(v.part);
        }
        i = v.end - 1;
        continue;
      }
    }
    if (o.wildcards && (c === '*' || c === '?')) {
      flush();
      const noColon = o.noColonAt ? o.noColonAt(i) : false;
      out.push(c === '*' ? { t: 'star', noColon } : { t: 'q', noColon });
      continue;
    }
    lit += c;
  }
  flush();
  return out;
}

export function hasVariables(parts: TemplatePart[]): boolean {
  for (const p of parts) if (p.t === 'var') return true;
  return false;
}

/** The request context as the matchers see it. Keys are looked up case-insensitively. */
export interface ContextLookup {
  /** `key` as written in the policy, `keyLower` its lower-cased form; undefined when absent. */
  lookup(key: string, keyLower: string): string | string[] | undefined;
  /** Records a key the policy referred to that the request did not carry. */
  missing(key: string): void;
}

/**
 * Substitutes variables (their values are literal text, never wildcards). Returns null when a
 * variable has no value (absent, empty or multivalued) and no default — such an entry matches nothing. Multivalued keys cannot be
 * variables. Absent keys are reported to `ctx.missing`.
 */
export function resolveTemplate(parts: TemplatePart[], ctx: ContextLookup): GlobPiece[] | null {
  const out: GlobPiece[] = [];
  let ok = true;
  for (const p of parts) {
    if (p.t !== 'var') {
      out.push(p);
      continue;
    }
    const v = ctx.lookup(p.key, p.keyLower);
    // "When policy variables reference a condition context key that has no value or is not present
    // … the value is effectively null": an empty value resolves like an absent key.
    if (typeof v === 'string' && v !== '') out.push({ t: 'lit', s: v });
    else if (p.def !== undefined) out.push({ t: 'lit', s: p.def });
    else {
      if (v === undefined) ctx.missing(p.key);
      ok = false;
    }
  }
  return ok ? out : null;
}

/** Joins pieces with no wildcards into a string (Equals operators). */
export function piecesToString(pieces: GlobPiece[]): string {
  let s = '';
  for (const p of pieces) s += p.t === 'lit' ? p.s : p.t === 'star' ? '*' : '?';
  return s;
}

export function templateVariableKeys(parts: TemplatePart[]): string[] {
  const out: string[] = [];
  for (const p of parts) if (p.t === 'var') out.push(p.key);
  return out;
}
