// Owns `*`/`?` glob matching for actions, resources and String/Arn…Like conditions — no RegExp.
// AWS: `*` matches any run of characters (including none), `?` exactly one; matching is anchored.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html

/** One piece of a pattern before compilation: literal text, or a wildcard. */
export type GlobPiece =
  | { t: 'lit'; s: string }
  /** `noColon`: this wildcard may not match `:` (mid-segment wildcards in an ARN's first five segments). */
  | { t: 'star'; noColon?: boolean }
  | { t: 'q'; noColon?: boolean };

/** A fixed-length run between two stars; `q[i]` = 1 (any char) or 2 (any char but `:`) at wildcard positions. */
interface Chunk {
  s: string;
  q: Uint8Array | null;
}

export interface Glob {
  /** Fast paths: 'any' = `*`, 'exact' = no wildcard, 'prefix' = literal + trailing `*`. */
  kind: 'any' | 'exact' | 'prefix' | 'general';
  lit: string;
  /** general: chunks separated by stars; stars[i] sits between chunks[i] and chunks[i+1]. */
  chunks: Chunk[];
  starNoColon: boolean[];
  /** Some star may not span `:` (then a greedy miss is confirmed exhaustively). */
  mixed?: boolean;
}

/** Parses a raw pattern where every `*` and `?` is a wildcard (no policy variables). */
export function piecesFromPattern(pattern: string, noColonAt?: (index: number) => boolean): GlobPiece[] {
  const out: GlobPiece[] = [];
  let lit = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' || c === '?') {
      if (lit) {
        out.push({ t: 'lit', s: lit });
        lit = '';
      }
      const noColon = noColonAt ? noColonAt(i) : false;
      out.push(c === '*' ? { t: 'star', noColon } : { t: 'q', noColon });
    } else lit += c;
  }
  if (lit) out.push({ t: 'lit', s: lit });
  return out;
}

export function compileGlob(pieces: GlobPiece[], lowerCase = false): Glob {
  const chunks: Chunk[] = [];
  const starNoColon: boolean[] = [];
  let cur = '';
  let q: number[] | null = null;
  const flush = () => {
    let mask: Uint8Array | null = null;
    if (q) {
      mask = new Uint8Array(cur.length);
      for (const p of q) mask[p] = 1;
    }
    chunks.push({ s: cur, q: mask });
    cur = '';
    q = null;
  };
  for (const p of pieces) {
    if (p.t === 'lit') cur += lowerCase ? p.s.toLowerCase() : p.s;
    else if (p.t === 'q') {
      (q ??= []).push(cur.length);
      cur += p.noColon ? '\u0002' : '\u0001';
    } else {
      flush();
      starNoColon.push(!!p.noColon);
    }
  }
  flush();
  // Fix the masks: mark which wildcard positions are colon-restricted.
  for (const ch of chunks) {
    if (!ch.q) continue;
    for (let i = 0; i < ch.s.length; i++) if (ch.q[i]) ch.q[i] = ch.s.charCodeAt(i) === 2 ? 2 : 1;
  }
  const onlyLit = chunks.every((c) => !c.q);
  if (chunks.length === 1 && onlyLit) return { kind: 'exact', lit: chunks[0]!.s, chunks, starNoColon };
  if (chunks.length === 2 && onlyLit && chunks[1]!.s === '' && !starNoColon[0]) {
    if (chunks[0]!.s === '') return { kind: 'any', lit: '', chunks, starNoColon };
    return { kind: 'prefix', lit: chunks[0]!.s, chunks, starNoColon };
  }
  return { kind: 'general', lit: '', chunks, starNoColon, mixed: starNoColon.includes(true) };
}

/** Compiles a pattern string where `*`/`?` are wildcards. */
export function globFromString(pattern: string, lowerCase = false): Glob {
  return compileGlob(piecesFromPattern(pattern), lowerCase);
}

function chunkAt(str: string, pos: number, ch: Chunk): boolean {
  const s = ch.s;
  if (pos + s.length > str.length) return false;
  if (!ch.q) return str.startsWith(s, pos);
  for (let i = 0; i < s.length; i++) {
    const m = ch.q[i]!;
    if (m === 0) {
      if (str.charCodeAt(pos + i) !== s.charCodeAt(i)) return false;
    } else if (m === 2 && str.charCodeAt(pos + i) === 58 /* : */) return false;
  }
  return true;
}

/** Leftmost position >= from where the chunk matches, not beyond `limit` (start positions). */
function findChunk(str: string, from: number, limit: number, ch: Chunk): number {
  if (!ch.q) {
    const i = str.indexOf(ch.s, from);
    return i === -1 || i > limit ? -1 : i;
  }
  for (let p = from; p <= limit && p + ch.s.length <= str.length; p++) if (chunkAt(str, p, ch)) return p;
  return -1;
}

/**
 * Anchored glob match. Greedy leftmost placement of each middle chunk is optimal for `*`-separated
 * fixed-length chunks, also with colon-restricted stars (a shorter span never hurts).
 */
export function matchGlob(g: Glob, str: string): boolean {
  switch (g.kind) {
    case 'any':
      return true;
    case 'exact':
      return str === g.lit;
    case 'prefix':
      return str.startsWith(g.lit);
  }
  const chunks = g.chunks;
  const n = chunks.length;
  const first = chunks[0]!;
  if (!chunkAt(str, 0, first)) return false;
  if (n === 1) return str.length === first.s.length;
  let pos = first.s.length;
  for (let i = 1; i < n - 1; i++) {
    const ch = chunks[i]!;
    const noColon = g.starNoColon[i - 1]!;
    let limit = str.length - ch.s.length;
    if (noColon) {
      const c = str.indexOf(':', pos);
      if (c !== -1 && c < limit) limit = c;
    }
    const at = findChunk(str, pos, limit, ch);
    if (at < 0) return g.mixed ? matchExhaustive(g, str) : false;
    pos = at + ch.s.length;
  }
  const last = chunks[n - 1]!;
  const end = str.length - last.s.length;
  let ok = end >= pos;
  if (ok && g.starNoColon[n - 2]) {
    const c = str.indexOf(':', pos);
    if (c !== -1 && c < end) ok = false;
  }
  if (ok) ok = chunkAt(str, end, last);
  // Greedy leftmost placement is exact when every star may span anything. When a colon-restricted
  // star follows an unrestricted one, a later placement of the chunk between them can be the only
  // match (the unrestricted star must swallow a colon first): confirm a miss exhaustively.
  if (!ok && g.mixed) return matchExhaustive(g, str);
  return ok;
}

/** Exact anchored match by trying every placement of the chunks (memoised). Used only to confirm a miss. */
function matchExhaustive(g: Glob, str: string): boolean {
  const chunks = g.chunks;
  const n = chunks.length;
  if (!chunkAt(str, 0, chunks[0]!)) return false;
  const seen = new Set<number>();
  // Chunk i placed at `start` (chunk 0 at 0): can the rest match?
  const place = (i: number, start: number): boolean => {
    const end = start + chunks[i]!.s.length;
    if (i === n - 1) return end === str.length;
    const key = i * (str.length + 1) + start;
    if (seen.has(key)) return false;
    seen.add(key);
    const next = chunks[i + 1]!;
    const noColon = g.starNoColon[i]!;
    for (let s2 = end; s2 + next.s.length <= str.length; s2++) {
      if (noColon && s2 > end && str.charCodeAt(s2 - 1) === 58 /* : */) break;
      if (chunkAt(str, s2, next) && place(i + 1, s2)) return true;
    }
    return false;
  };
  return place(0, 0);
}

/** Simple, obviously-correct reference matcher (exponential worst case) — used by property tests. */
export function referenceGlobMatch(pattern: string, str: string): boolean {
  const rec = (pi: number, si: number): boolean => {
    if (pi === pattern.length) return si === str.length;
    const c = pattern[pi];
    if (c === '*') {
      for (let k = si; k <= str.length; k++) if (rec(pi + 1, k)) return true;
      return false;
    }
    if (si >= str.length) return false;
    if (c === '?' || c === str[si]) return rec(pi + 1, si + 1);
    return false;
  };
  return rec(0, 0);
}
