// Owns reading a policy document as JSON with the position of every value, so ValidatePolicy can say
// where a finding is the way AWS does: `locations[].path` (keys and array indexes from the document
// root) and `span` (start/end of the value's JSON token, quotes included). AWS counts `line` from 1,
// `column` and `offset` from 0 (a recorded answer: a string at line 83 column 8 offset 2550 ends at
// column 32 offset 2574 — 22 characters plus its two quotes).

export interface Pos {
  line: number;
  column: number;
  offset: number;
}

export type JNode =
  | { kind: 'object'; start: Pos; end: Pos; entries: { key: string; keyStart: Pos; keyEnd: Pos; value: JNode }[] }
  | { kind: 'array'; start: Pos; end: Pos; items: JNode[] }
  | { kind: 'string'; start: Pos; end: Pos; value: string }
  | { kind: 'number'; start: Pos; end: Pos; value: number }
  | { kind: 'boolean'; start: Pos; end: Pos; value: boolean }
  | { kind: 'null'; start: Pos; end: Pos };

export class JsonSyntaxError extends Error {
  constructor(readonly at: Pos) {
    super(`JSON syntax error at ${at.offset}`);
  }
}

/** Parses `text` (strict JSON) into positioned nodes; JsonSyntaxError at the first bad character. */
export function parseWithPositions(text: string): JNode {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (): Pos => ({ line, column: i - lineStart, offset: i });
  const fail = (): never => {
    throw new JsonSyntaxError(pos());
  };
  const ws = () => {
    for (;;) {
      const c = text[i];
      if (c === '\n') {
        i++;
        line++;
        lineStart = i;
      } else if (c === ' ' || c === '\t' || c === '\r') i++;
      else break;
    }
  };
  const str = (): string => {
    if (text[i] !== '"') fail();
    const from = i;
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') fail();
      if (c === '\\') {
        i += text[i + 1] === 'u' ? 6 : 2;
        continue;
      }
      i++;
      if (c === '"') break;
    }
    try {
      return JSON.parse(text.slice(from, i)) as string;
    } catch {
      i = from;
      return fail();
    }
  };
  const value = (): JNode => {
    ws();
    const start = pos();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: string; keyStart: Pos; keyEnd: Pos; value: JNode }[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', start, end: pos(), entries };
      }
      for (;;) {
        ws();
        const keyStart = pos();
        const key = str();
        const keyEnd = pos();
        ws();
        if (text[i] !== ':') fail();
        i++;
        entries.push({ key, keyStart, keyEnd, value: value() });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', start, end: pos(), entries };
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', start, end: pos(), items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', start, end: pos(), items };
        }
        fail();
      }
    }
    if (c === '"') {
      const v = str();
      return { kind: 'string', start, end: pos(), value: v };
    }
    const lit = /^(true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!lit) return fail();
    i += lit[1].length;
    const end = pos();
    if (lit[1] === 'true' || lit[1] === 'false') return { kind: 'boolean', start, end, value: lit[1] === 'true' };
    if (lit[1] === 'null') return { kind: 'null', start, end };
    return { kind: 'number', start, end, value: Number(lit[1]) };
  };
  const root = value();
  ws();
  if (i < text.length) fail();
  return root;
}

/** The last entry named `key` (JSON.parse semantics for duplicates). */
export function member(node: JNode | undefined, key: string): JNode | undefined {
  if (!node || node.kind !== 'object') return undefined;
  for (let k = node.entries.length - 1; k >= 0; k--) if (node.entries[k].key === key) return node.entries[k].value;
  return undefined;
}

/** A value node or each item of an array node. */
export function items(node: JNode): { node: JNode; index?: number }[] {
  return node.kind === 'array' ? node.items.map((n, index) => ({ node: n, index })) : [{ node }];
}
