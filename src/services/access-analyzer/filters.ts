// Owns Access Analyzer's filter criteria (FilterCriteriaMap: attribute → Criterion), shared by
// ListFindings/ListFindingsV2 filters and archive rules. Semantics
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html and
// https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_Criterion.html):
// every attribute's criterion must hold (AND); `eq` — the attribute equals one of the values,
// `neq` — it equals none of them, `contains` — it contains one of them, `exists` — it is (not)
// present. A list attribute (action) matches when one of its elements does.
import type { Criterion, FilterCriteria } from '../../store/repos/access-analyzer';
import { aaErrors, AaInput } from './common';
import type { Params } from '../types';

/** The attributes a finding is filtered on, as plain values (a list for `action`). */
export type FindingAttributes = Record<string, string | string[] | undefined>;

/** Filter keys for external access findings (the filter-keys page); principal.* and condition.* are prefixes. */
const FIXED_KEYS = new Set(['id', 'status', 'resource', 'resourceType', 'resourceOwnerAccount', 'isPublic', 'action', 'error', 'findingType', 'resourceControlPolicyRestriction']);
const PREFIX_KEYS = ['principal.', 'condition.'];

export function isFilterKey(k: string): boolean {
  return FIXED_KEYS.has(k) || PREFIX_KEYS.some((p) => k.startsWith(p) && k.length > p.length);
}

/** Decodes a FilterCriteriaMap (ValidationException for an unknown key or an empty/overfull criterion). */
export function readFilter(params: Params, name: string, required: boolean): FilterCriteria | undefined {
  const raw = new AaInput(params).object(name, required);
  if (raw === undefined) return undefined;
  const out: FilterCriteria = {};
  for (const [key, v] of Object.entries(raw)) {
    // ⚠ Text not captured from AWS.
    if (!isFilterKey(key)) throw aaErrors.validation(`Invalid filter key: ${key}`, 'fieldValidationFailed');
    const c = new AaInput((v ?? {}) as Params);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw aaErrors.cannotParse(`Invalid value for ${name}.${key}: expected a Criterion`);
    const crit: Criterion = {};
    for (const op of ['eq', 'neq', 'contains'] as const) {
      const l = c.stringList(op);
      if (l === undefined) continue;
      if (l.length < 1 || l.length > 20) throw aaErrors.field(`${name}.${key}.${op}`, `Value at '${name}.${key}.${op}' failed to satisfy constraint: Member must have length between 1 and 20`);
      crit[op] = l;
    }
    const exists = c.bool('exists');
    if (exists !== undefined) crit.exists = exists;
    if (Object.keys(crit).length === 0) throw aaErrors.validation(`Filter criterion for ${key} must have at least one of eq, neq, contains, exists`, 'fieldValidationFailed');
    out[key] = crit;
  }
  return out;
}

function matchesCriterion(value: string | string[] | undefined, c: Criterion): boolean {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (c.exists !== undefined && (values.length > 0) !== c.exists) return false;
  if (c.eq && !values.some((v) => c.eq!.includes(v))) return false;
  if (c.neq && values.some((v) => c.neq!.includes(v))) return false;
  if (c.contains && !values.some((v) => c.contains!.some((s) => v.includes(s)))) return false;
  return true;
}

export function matchesFilter(attrs: FindingAttributes, filter: FilterCriteria | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, c]) => matchesCriterion(attrs[k], c));
}
