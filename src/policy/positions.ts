// Owns locating each statement in the policy text (line/column), for SimulatePrincipalPolicy's
// StartPosition/EndPosition. A tiny JSON scanner; returns null on anything unexpected.

import type { StatementPosition } from './types';

function ws(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else break;
  }
  return i;
}

function skipString(s: string, i: number): number {
  // s[i] === '"'
  i++;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return -1;
}

/** Index just after the JSON value starting at i (after whitespace), or -1. */
function skipValue(s: string, i: number): number {
  i = ws(s, i);
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    i++;
    i = ws(s, i);
    if (s[i] === close) return i + 1;
    for (;;) {
      if (c === '{') {
        i = ws(s, i);
        if (s[i] !== '"') return -1;
        i = skipString(s, i);
        if (i < 0) return -1;
        i = ws(s, i);
        if (s[i] !== ':') return -1;
        i++;
      }
      i = skipValue(s, i);
      if (i < 0) return -1;
      i = ws(s, i);
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === close) return i + 1;
      return -1;
    }
  }
  // literal: number, true, false, null
  let j = i;
  while (j < s.length && !',}] \t\r\n'.includes(s[j]!)) j++;
  return j > i ? j : -1;
}

function toPos(s: string, offset: number): StatementPosition {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset; i++) {
    if (s.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

export function statementPositions(text: string): { start: StatementPosition; end: StatementPosition }[] | null {
  try {
    let i = ws(text, 0);
    if (text[i] !== '{') return null;
    i++;
    for (;;) {
      i = ws(text, i);
      if (text[i] === '}') return null;
      if (text[i] !== '"') return null;
      const keyEnd = skipString(text, i);
      if (keyEnd < 0) return null;
      const key = JSON.parse(text.slice(i, keyEnd)) as string;
      i = ws(text, keyEnd);
      if (text[i] !== ':') return null;
      i = ws(text, i + 1);
      if (key === 'Statement') {
        const spans: [number, number][] = [];
        if (text[i] === '[') {
          let j = ws(text, i + 1);
          if (text[j] !== ']') {
            for (;;) {
              j = ws(text, j);
              const end = skipValue(text, j);
              if (end < 0) return null;
              spans.push([j, end]);
              j = ws(text, end);
              if (text[j] === ',') {
                j++;
                continue;
              }
              break;
            }
          }
        } else {
          const end = skipValue(text, i);
          if (end < 0) return null;
          // A lone statement object (no array) starts one column later in AWS's answer: the AWS CLI
          // reference's simulate-custom-policy example ('{"Version":"2012-10-17","Statement":{…}}',
          // brace in column 37) reports StartPosition Column 38, EndPosition Column 167 as for arrays.
          spans.push([i + 1, end]);
        }
        // Both positions point at characters: the opening and the closing brace.
        return spans.map(([a, b]) => ({ start: toPos(text, a), end: toPos(text, b - 1) }));
      }
      i = skipValue(text, i);
      if (i < 0) return null;
      i = ws(text, i);
      if (text[i] === ',') {
        i++;
        continue;
      }
      return null;
    }
  } catch {
    return null;
  }
}

/**
 * Does any JSON object in the text repeat a key? (JSON.parse silently keeps the last one; IAM
 * rejects a policy whose statement names an element twice.) Assumes the text already parsed.
 */
export function hasDuplicateKeys(text: string): boolean {
  let dup = false;
  const value = (i: number): number => {
    i = ws(text, i);
    const c = text[i];
    if (c === '{') {
      const seen = new Set<string>();
      i = ws(text, i + 1);
      if (text[i] === '}') return i + 1;
      for (;;) {
        i = ws(text, i);
        const end = skipString(text, i);
        if (end < 0) return -1;
        const key = JSON.parse(text.slice(i, end)) as string;
        if (seen.has(key)) dup = true;
        seen.add(key);
        i = ws(text, end);
        if (text[i] !== ':') return -1;
        i = value(i + 1);
        if (i < 0) return -1;
        i = ws(text, i);
        if (text[i] === ',') {
          i++;
          continue;
        }
        return text[i] === '}' ? i + 1 : -1;
      }
    }
    if (c === '[') {
      i = ws(text, i + 1);
      if (text[i] === ']') return i + 1;
      for (;;) {
        i = value(i);
        if (i < 0) return -1;
        i = ws(text, i);
        if (text[i] === ',') {
          i++;
          continue;
        }
        return text[i] === ']' ? i + 1 : -1;
      }
    }
    return skipValue(text, i);
  };
  try {
    value(0);
  } catch {
    return false;
  }
  return dup;
}
