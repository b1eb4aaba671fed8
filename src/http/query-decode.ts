// Owns the awsQuery request decoding: form-urlencoded bytes → ordered params → nested shapes (schema-less).
//
// Wire format: aws-protocol.md §2.1–2.2. STS and IAM speak awsQuery only
// (https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf, "Making Query Requests").

/**
 * Decode an `application/x-www-form-urlencoded` body (or a raw query string) into name → values,
 * keeping every occurrence of a name in order.
 *
 * Rules (the WHATWG form decoder, which is also what botocore/SDK v3 encoders target):
 * - `+` and `%20` are both a space (botocore sends `+`, SDK v3 sends `%20`, aws-protocol.md §2.1);
 * - a malformed escape (`%`, `%4`, `%ZZ`) is kept literally — it never throws, so a bad byte becomes
 *   a validation error downstream (a 400 with the member name), never a 500;
 * - invalid UTF-8 after unescaping becomes U+FFFD (and then fails the member's pattern check);
 * - `a` (no `=`) is `a=""`, empty segments (`&&`) are skipped, an empty name is kept as "".
 */
export function decodeForm(body: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (body.length === 0) return out;
  // Each pair split and decoded here (URLSearchParams' own parser was ~1 % of a request's instructions);
  // anything decodeURIComponent refuses (a stray %, bytes that are not UTF-8) goes to URLSearchParams,
  // which implements exactly the application/x-www-form-urlencoded parser of the URL spec. Where
  // decodeURIComponent accepts, both decode the same bytes the same way (test/http/query-decode.test.ts).
  let at = 0;
  while (at <= body.length) {
    let end = body.indexOf('&', at);
    if (end < 0) end = body.length;
    if (end > at) {
      const eq = body.indexOf('=', at);
      const split = eq >= 0 && eq < end;
      const name = decodeFormComponent(body.slice(at, split ? eq : end));
      const value = split ? decodeFormComponent(body.slice(eq + 1, end)) : '';
      if (name === null || value === null) return decodeFormStrict(body);
      const list = out.get(name);
      if (list) list.push(value);
      else out.set(name, [value]);
    }
    at = end + 1;
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `+` is a space, then percent-decoding; null where decodeURIComponent refuses the text. */
function decodeFormComponent(s: string): string | null {
  // A lone surrogate (never in text decoded from bytes, but possible in a string handed in) is U+FFFD
  // to URLSearchParams: left to it.
  if (LONE_SURROGATE.test(s)) return null;
  if (s.indexOf('+') >= 0) s = s.replaceAll('+', ' ');
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function decodeFormStrict(body: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** Marker key prefix check: `member` and `entry` are the awsQuery list/map element names. */
const MEMBER = 'member';
const ENTRY = 'entry';

type Node = { kind: 'leaf'; value: string } | { kind: 'branch'; children: Map<string, Node>; scalar?: string };

/** True when `s` is a 1-based list index as the SDKs write it (`1`, `2`, … no sign, no leading zero). */
function isIndex(s: string): boolean {
  if (s.length === 0 || s.length > 9) return false;
  if (s.charCodeAt(0) === 48 /* 0 */) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Expand flat awsQuery names into nested values without a schema.
 *
 * - `A=v` → `{A: 'v'}`; `Action` and `Version` are ordinary keys.
 * - `A.member.N=v` → `{A: [v…]}` ordered by N ascending; gaps are compacted (1,3 → two elements).
 * - `A.member.N.F=v` → `{A: [{F: v}…]}`; nesting recurses (`ContextEntries.member.1.ContextKeyValues.member.1`).
 * - `A.F=v` (structure, e.g. AssumeRoot `TaskPolicyArn.arn`) → `{A: {F: v}}`.
 * - `A.entry.N.key=k&A.entry.N.value=v` (map) → `{A: [{key: k, value: v}…]}`; the service layer
 *   turns it into a record, since only it knows the value shape.
 * - A bare `A=` next to `A.member.N` (or `A.F`) entries is dropped: both SDKs send `A=` only for an
 *   *empty* list (`TransitiveTagKeys=`, aws-protocol.md §2.1), so with members present they win.
 *   A lone `A=` stays the empty string; the operation layer reads "" as [] where its schema says list.
 * - Duplicate names: the **first** occurrence wins. AWS does not document this; the SDKs never send
 *   duplicates, and the Java servlet `getParameter` semantics AWS's query frontends are built on, moto
 *   (`querystring[key][0]`) and LocalStack (werkzeug `MultiDict.get`) all take the first ⚠.
 *   The signature covers the whole body, so a duplicate cannot be smuggled past SigV4.
 * - A name with a malformed list index (`A.member.0`, `A.member.x`), an empty path segment
 *   (`A..B`, `A.`), a `__proto__` segment or more than MAX_NAME_SEGMENTS segments is ignored like
 *   any unknown parameter (aws-protocol.md §2.1 "Unknown params"). The deepest name any STS/IAM/
 *   Organizations input has is 6 segments (`ContextEntries.member.1.ContextKeyValues.member.1`);
 *   the cap keeps the (recursive) expansion shallow, so a 20,000-level name cannot overflow the
 *   stack before the signature is even looked at.
 */
export function expandParams(flat: Map<string, string[]> | Record<string, string>): Record<string, unknown> {
  const root: Node = { kind: 'branch', children: new Map() };
  const entries: Iterable<[string, string]> =
    flat instanceof Map ? firstValues(flat) : Object.entries(flat);
  for (const [name, value] of entries) insert(root, name, value);
  return materializeObject(root);
}

function* firstValues(flat: Map<string, string[]>): Iterable<[string, string]> {
  for (const [name, values] of flat) if (values.length > 0) yield [name, values[0]];
}

/** No awsQuery input nests deeper than 6 segments; anything past this is not a parameter of ours. */
export const MAX_NAME_SEGMENTS = 32;

function insert(root: Node & { kind: 'branch' }, name: string, value: string): void {
  // Most names (Action, RoleArn, …) have one segment: no split for them.
  const parts = name.indexOf('.') < 0 ? [name] : name.split('.', MAX_NAME_SEGMENTS + 1);
  if (parts.length > MAX_NAME_SEGMENTS) return;
  // Malformed path, or a prototype-polluting segment → ignored like any unknown parameter.
  for (const p of parts) if (p.length === 0 || p === '__proto__') return;
  // Validate list/map indices before touching the tree so a bad name leaves no trace.
  for (let i = 0; i < parts.length; i++) {
    if ((parts[i] === MEMBER || parts[i] === ENTRY) && i > 0) {
      if (i + 1 >= parts.length || !isIndex(parts[i + 1])) return;
      i++;
    }
  }
  let node: Node & { kind: 'branch' } = root;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const key = parts[i];
    const existing = node.children.get(key);
    if (last) {
      if (existing === undefined) node.children.set(key, { kind: 'leaf', value });
      else if (existing.kind === 'branch' && existing.scalar === undefined) existing.scalar = value;
      // else: duplicate → first wins
      return;
    }
    if (existing === undefined) {
      const b: Node & { kind: 'branch' } = { kind: 'branch', children: new Map() };
      node.children.set(key, b);
      node = b;
    } else if (existing.kind === 'leaf') {
      const b: Node & { kind: 'branch' } = { kind: 'branch', children: new Map(), scalar: existing.value };
      node.children.set(key, b);
      node = b;
    } else {
      node = existing;
    }
  }
}

function materialize(node: Node): unknown {
  if (node.kind === 'leaf') return node.value;
  const { children } = node;
  // A branch whose only children are `member` or `entry` is a list or a map.
  if (children.size === 1) {
    const [only] = children.keys();
    if (only === MEMBER || only === ENTRY) {
      const holder = children.get(only)!;
      if (holder.kind === 'branch') return indexed(holder);
    }
  }
  return materializeObject(node);
}

function materializeObject(node: Node & { kind: 'branch' }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, child] of node.children) {
    if ((k === MEMBER || k === ENTRY) && child.kind === 'branch') {
      // Mixed `A.member.N` and `A.Field`: keep both views, the list under its own key.
      out[k] = indexed(child);
    } else {
      out[k] = materialize(child);
    }
  }
  return out;
}

/** Children keyed by 1-based index → array ordered by index, gaps compacted. */
function indexed(holder: Node & { kind: 'branch' }): unknown[] {
  const keys = [...holder.children.keys()].sort((a, b) => Number(a) - Number(b));
  return keys.map((k) => materialize(holder.children.get(k)!));
}
