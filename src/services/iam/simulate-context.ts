// Owns turning the policy simulator's ContextEntries ({ContextKeyName, ContextKeyValues, ContextKeyType})
// into the evaluator's request context: typed values checked, list types as arrays.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ContextEntry.html
import ipaddr from 'ipaddr.js';
import { awsErrors } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { Validator } from '../validate';

export const CONTEXT_KEY_TYPES = [
  'string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList',
  'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList',
] as const;
export type ContextKeyType = (typeof CONTEXT_KEY_TYPES)[number];

export interface ContextEntry {
  name: string;
  values: string[];
  type: ContextKeyType;
}

/** Decodes `ContextEntries.member.N.*` with the model's constraints (name 5–256, type enum). */
export function readContextEntries(v: Validator): ContextEntry[] {
  const items = v.structList('ContextEntries') ?? [];
  const out: ContextEntry[] = [];
  items.forEach((e, i) => {
    const at = `contextEntries.${i + 1}.member`;
    const name = e.ContextKeyName === undefined ? undefined : String(e.ContextKeyName);
    if (name !== undefined) {
      if ([...name].length < 5) v.addClause(`Value at '${at}.contextKeyName' failed to satisfy constraint: Member must have length greater than or equal to 5`);
      if ([...name].length > 256) v.addClause(`Value at '${at}.contextKeyName' failed to satisfy constraint: Member must have length less than or equal to 256`);
    }
    const type = e.ContextKeyType === undefined ? undefined : String(e.ContextKeyType);
    if (type !== undefined && !(CONTEXT_KEY_TYPES as readonly string[]).includes(type)) {
      v.addClause(`Value at '${at}.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [${CONTEXT_KEY_TYPES.join(', ')}]`);
    }
    const raw = e.ContextKeyValues;
    const values = raw === undefined || raw === '' ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
    // ⚠ not captured from AWS: entries without a name or a type cannot be simulated.
    if (name === undefined) throw awsErrors.invalidInput(`Context entry ${i + 1} has no ContextKeyName.`);
    if (type === undefined) throw awsErrors.invalidInput(`Context key ${name} has no ContextKeyType.`);
    out.push({ name, values, type: type as ContextKeyType });
  });
  return out;
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validIp(s: string): boolean {
  try {
    if (s.includes('/')) ipaddr.parseCIDR(s);
    else ipaddr.parse(s);
    return true;
  } catch {
    return false;
  }
}

function validValue(base: string, s: string): boolean {
  switch (base) {
    case 'string':
      return true;
    case 'numeric':
      return NUMERIC.test(s);
    case 'boolean':
      return /^(true|false)$/i.test(s);
    case 'ip':
      return validIp(s);
    case 'binary':
      return BASE64.test(s);
    case 'date':
      return /^\d+$/.test(s) || !Number.isNaN(Date.parse(s));
    default:
      return false;
  }
}

/**
 * The request context the entries describe. A value that does not parse as its declared type is
 * InvalidInput (⚠ message not captured from AWS); single-valued types take exactly one value.
 * A later entry for the same key (case-insensitively) replaces an earlier one.
 */
export function contextFromEntries(entries: ContextEntry[]): RequestContext {
  const ctx: RequestContext = {};
  const spelled = new Map<string, string>();
  for (const e of entries) {
    const list = e.type.endsWith('List');
    const base = list ? e.type.slice(0, -4) : e.type;
    if (!list && e.values.length !== 1) {
      throw awsErrors.invalidInput(`Context key ${e.name} of type ${e.type} must have exactly one value.`);
    }
    for (const s of e.values) {
      if (!validValue(base, s)) throw awsErrors.invalidInput(`Invalid value ${s} for context key ${e.name} of type ${e.type}.`);
    }
    const values = base === 'boolean' ? e.values.map((s) => s.toLowerCase()) : e.values;
    const lower = e.name.toLowerCase();
    const previous = spelled.get(lower);
    if (previous !== undefined) delete ctx[previous];
    spelled.set(lower, e.name);
    ctx[e.name] = list ? values : values[0]!;
  }
  return ctx;
}
