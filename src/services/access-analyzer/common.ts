// Owns what IAM Access Analyzer handlers share: decoding restJson1 input against the model's
// constraints (ValidationException with `reason` and `fieldList`, botocore accessanalyzer/2019-11-01),
// the service's ARNs (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementaccessanalyzer.html#awsidentityandaccessmanagementaccessanalyzer-resources-for-iam-policies),
// analyzer lookups with ResourceNotFoundException, timestamps (this model's timestamps are
// `timestampFormat: iso8601`, so bodies carry ISO strings, not the epoch seconds of restJson1's default)
// and nextToken paging.
import { PARTITION } from '../../aws/arn';
import { awsError, type AwsError } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { Analyzer } from '../../store/repos/access-analyzer';
import type { Call, Params } from '../types';

export const ANALYZER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export const RULE_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
export const ANALYZER_ARN = /^[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:analyzer\/.{1,255}$/;
export const RESOURCE_ARN = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:.*$/;
export const PRINCIPAL_ARN = /^arn:[^:]*:iam::[^:]*:(role|user)\/.{1,576}$/;

export type ValidationReason = 'unknownOperation' | 'cannotParse' | 'fieldValidationFailed' | 'other' | 'notSupported';

export const aaErrors = {
  /** One violated member constraint, as Access Analyzer reports it: reason + fieldList. */
  field: (name: string, message: string): AwsError =>
    awsError('ValidationException', `1 validation error detected: ${message}`, {
      fields: { reason: 'fieldValidationFailed', fieldList: [{ name, message }] },
    }),
  validation: (message: string, reason: ValidationReason = 'other'): AwsError => awsError('ValidationException', message, { fields: { reason } }),
  cannotParse: (message: string): AwsError => awsError('ValidationException', message, { fields: { reason: 'cannotParse' } }),
  // ⚠ Texts below are not captured from AWS; the shapes (resourceId, resourceType) are the model's.
  notFound: (resourceType: string, resourceId: string, what = resourceType): AwsError =>
    awsError('ResourceNotFoundException', `${what} not found: ${resourceId}`, { fields: { resourceId, resourceType } }),
  conflict: (resourceType: string, resourceId: string, message: string): AwsError =>
    awsError('ConflictException', message, { fields: { resourceId, resourceType } }),
  quota: (resourceType: string, resourceId: string, message: string): AwsError =>
    awsError('ServiceQuotaExceededException', message, { fields: { resourceId, resourceType } }),
};

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  enum?: readonly string[];
}

function describe(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Reads one request's members; the first violated constraint is thrown. */
export class AaInput {
  constructor(private readonly params: Params) {}

  raw(name: string): unknown {
    return this.params[name];
  }

  has(name: string): boolean {
    return this.params[name] !== undefined && this.params[name] !== null;
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const v = this.params[name];
    if (v === undefined || v === null) {
      if (rule.required) throw aaErrors.field(name, `Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof v !== 'string') throw aaErrors.cannotParse(`Invalid value for ${name}: expected a string`);
    const len = [...v].length;
    if (rule.min !== undefined && len < rule.min)
      throw aaErrors.field(name, `Value '${v}' at '${name}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && len > rule.max)
      throw aaErrors.field(name, `Value '${v}' at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`);
    if (rule.pattern && !rule.pattern.test(v)) {
      const src = rule.pattern.source.replace(/^\^/, '').replace(/\$$/, '');
      throw aaErrors.field(name, `Value '${v}' at '${name}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${src}`);
    }
    if (rule.enum && !rule.enum.includes(v))
      throw aaErrors.field(name, `Value '${v}' at '${name}' failed to satisfy constraint: Member must satisfy enum value set: [${rule.enum.join(', ')}]`);
    return v;
  }

  /** Integers arrive as JSON numbers in bodies and as strings in the query string. */
  int(name: string, rule: { min?: number; max?: number } = {}): number | undefined {
    const v = this.params[name];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && /^-?\d{1,10}$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw aaErrors.cannotParse(`Invalid value for ${name}: ${describe(v)} is not an integer`);
    if (rule.min !== undefined && n < rule.min)
      throw aaErrors.field(name, `Value '${n}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && n > rule.max)
      throw aaErrors.field(name, `Value '${n}' at '${name}' failed to satisfy constraint: Member must have value less than or equal to ${rule.max}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.params[name];
    if (v === undefined || v === null) return undefined;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw aaErrors.cannotParse(`Invalid value for ${name}: ${describe(v)} is not a boolean`);
  }

  object(name: string, required = false): Params | undefined {
    const v = this.params[name];
    if (v === undefined || v === null) {
      if (required) throw aaErrors.field(name, `Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw aaErrors.cannotParse(`Invalid value for ${name}: expected an object`);
    return v as Params;
  }

  list(name: string, required = false): unknown[] | undefined {
    const v = this.params[name];
    if (v === undefined || v === null) {
      if (required) throw aaErrors.field(name, `Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (!Array.isArray(v)) throw aaErrors.cannotParse(`Invalid value for ${name}: expected a list`);
    return v;
  }

  stringList(name: string, required = false): string[] | undefined {
    const l = this.list(name, required);
    if (l === undefined) return undefined;
    for (const x of l) if (typeof x !== 'string') throw aaErrors.cannotParse(`Invalid value for ${name}: expected a list of strings`);
    return l as string[];
  }

  /** TagsMap: String → String. */
  tags(name = 'tags', required = false): Record<string, string> | undefined {
    const o = this.object(name, required);
    if (o === undefined) return undefined;
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== 'string') throw aaErrors.cannotParse(`Invalid value for ${name}.${k}: expected a string`);
    }
    return o as Record<string, string>;
  }

  /** A timestamp member (iso8601 in this model; epoch seconds are accepted too). */
  timestamp(name: string, required = false): Date | undefined {
    const v = this.params[name];
    if (v === undefined || v === null) {
      if (required) throw aaErrors.field(name, `Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    const d = typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(v) : new Date(NaN);
    if (Number.isNaN(d.getTime())) throw aaErrors.cannotParse(`Invalid value for ${name}: ${describe(v)} is not a timestamp`);
    return d;
  }

  /** nextToken + maxResults (the offset is inside the token). */
  paging(defaultSize = 100, max = 1000): PagingInput {
    const token = this.string('nextToken');
    const maxResults = this.int('maxResults', { min: 1, max }) ?? defaultSize;
    return { offset: decodeToken(token), maxResults };
  }
}

export interface PagingInput {
  offset: number;
  maxResults: number;
}

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const m = /^aa:(\d{1,9})$/.exec(text);
  if (!m) throw aaErrors.validation('Invalid pagination token', 'other');
  return Number(m[1]);
}

/** One page of a full list; nextToken only when more remain. */
export function page<T>(all: T[], p: PagingInput): { items: T[]; nextToken?: string } {
  const items = all.slice(p.offset, p.offset + p.maxResults);
  const end = p.offset + items.length;
  return end < all.length ? { items, nextToken: Buffer.from(`aa:${end}`, 'utf8').toString('base64url') } : { items };
}

/** ISO-8601 as the model's timestamps are written. */
export function iso(t: string | Date): string {
  return (typeof t === 'string' ? new Date(t) : t).toISOString();
}

// ------------------------------------------------------------------ ARNs and lookups

export function callerAccount(call: Call): string {
  return call.principal.accountId ?? call.config.defaultAccountId;
}

export const aaArns = {
  analyzer: (region: string, account: string, name: string) => `arn:${PARTITION}:access-analyzer:${region}:${account}:analyzer/${name}`,
  archiveRule: (region: string, account: string, analyzer: string, rule: string) =>
    `arn:${PARTITION}:access-analyzer:${region}:${account}:analyzer/${analyzer}/archive-rule/${rule}`,
};

/** The caller's analyzer by name (ResourceNotFoundException otherwise). */
export function analyzerByName(call: Call, name: string): Analyzer {
  const a = call.store.accessAnalyzer.analyzer(callerAccount(call), call.region, name);
  if (!a) throw aaErrors.notFound('AWS::AccessAnalyzer::Analyzer', name, 'Analyzer');
  return a;
}

/** The analyzer an `analyzerArn` names, in the caller's account and region (ResourceNotFoundException otherwise). */
export function analyzerByArn(call: Call, arn: string): Analyzer {
  const a = call.store.accessAnalyzer.analyzerByArn(arn);
  if (!a || a.accountId !== callerAccount(call) || a.region !== call.region) throw aaErrors.notFound('AWS::AccessAnalyzer::Analyzer', arn, 'Analyzer');
  return a;
}

/** aws:ResourceTag/… of an existing analyzer, for the condition keys of operations on it. */
export function analyzerTagKeys(a: Analyzer | null | undefined): RequestContext {
  const out: RequestContext = {};
  for (const [k, v] of Object.entries(a?.tags ?? {})) out[`aws:ResourceTag/${k}`] = v;
  return out;
}

/** aws:RequestTag/… and aws:TagKeys of a request that carries tags. */
export function requestTagKeys(tags: Record<string, string> | undefined): RequestContext {
  if (!tags) return {};
  const out: RequestContext = { 'aws:TagKeys': Object.keys(tags) };
  for (const [k, v] of Object.entries(tags)) out[`aws:RequestTag/${k}`] = v;
  return out;
}
