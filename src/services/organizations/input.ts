// Owns decoding Organizations' JSON input against the model's constraints. Organizations reports a
// violated constraint as InvalidInputException with a Reason (INPUT_REQUIRED, INVALID_PATTERN,
// MAX_LENGTH_EXCEEDED, …), not as the ValidationError of the Query services; a member of the wrong
// JSON type is the protocol's SerializationException. Model: botocore organizations/2016-11-28.
import { AwsError, awsError } from '../../aws/errors';
import type { Params } from '../types';
import { orgErrors, type InputReason } from './errors';

export const POLICY_TYPES = [
  'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2', 'SECURITYHUB_POLICY', 'INSPECTOR_POLICY', 'UPGRADE_ROLLOUT_POLICY', 'BEDROCK_POLICY', 'S3_POLICY',
  'NETWORK_SECURITY_DIRECTOR_POLICY',
] as const;
export type AnyPolicyType = (typeof POLICY_TYPES)[number];

/** The model's id patterns (anchored as the service applies them). */
export const idPatterns = {
  accountId: /^\d{12}$/,
  parentId: /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
  rootId: /^r-[0-9a-z]{4,32}$/,
  ouId: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  childId: /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
  policyId: /^p-[0-9a-zA-Z_]{8,128}$/,
  targetId: /^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
} as const;

/** ParentId, SourceParentId, DestinationParentId: a root or OU id. */
export const parentIdRule = { required: true, max: 100, pattern: idPatterns.parentId } as const;

/** TagKey / TagValue: the model's `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (Unicode classes, hence the `u` flag). */
const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Reason for a pattern mismatch (INVALID_PATTERN unless said otherwise). */
  patternReason?: InputReason;
}

function serialization(): AwsError {
  // ⚠ Text not captured from AWS.
  return awsError('SerializationException', 'Start of structure or map found where not expected.');
}

/** Reads one request's members; the first violated constraint is thrown, as Organizations reports one reason. */
export class OrgInput {
  constructor(private readonly params: Params) {}

  private raw(name: string): unknown {
    return this.params[name];
  }

  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) {
      if (rule.required) throw orgErrors.invalidInput('INPUT_REQUIRED');
      return undefined;
    }
    if (typeof v !== 'string') throw serialization();
    const len = [...v].length;
    if (rule.min !== undefined && len < rule.min) throw orgErrors.invalidInput('MIN_LENGTH_EXCEEDED');
    if (rule.max !== undefined && len > rule.max) throw orgErrors.invalidInput('MAX_LENGTH_EXCEEDED');
    if (rule.pattern && !rule.pattern.test(v)) throw orgErrors.invalidInput(rule.patternReason ?? 'INVALID_PATTERN');
    return v;
  }

  int(name: string, rule: { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization();
    if (rule.min !== undefined && v < rule.min) throw orgErrors.invalidInput('MIN_VALUE_EXCEEDED');
    if (rule.max !== undefined && v > rule.max) throw orgErrors.invalidInput('MAX_VALUE_EXCEEDED');
    return v;
  }

  policyType(name: string, required: true): AnyPolicyType;
  policyType(name: string, required?: boolean): AnyPolicyType | undefined;
  policyType(name: string, required = false): AnyPolicyType | undefined {
    const v = this.string(name, { required });
    if (v === undefined) return undefined;
    if (!(POLICY_TYPES as readonly string[]).includes(v)) throw orgErrors.invalidInput('INVALID_ENUM_POLICY_TYPE');
    return v as AnyPolicyType;
  }

  enumOf<T extends string>(name: string, values: readonly T[], required: true): T;
  enumOf<T extends string>(name: string, values: readonly T[], required?: boolean): T | undefined;
  enumOf<T extends string>(name: string, values: readonly T[], required = false): T | undefined {
    const v = this.string(name, { required });
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v)) throw orgErrors.invalidInput('INVALID_ENUM');
    return v as T;
  }

  /** Tags: [{Key, Value}] — key 1–128, value 0–256, both `TAG_PATTERN`, at most 50, keys unique (DUPLICATE_TAG_KEY). */
  tags(name = 'Tags'): { Key: string; Value: string }[] | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw serialization();
    const out: { Key: string; Value: string }[] = [];
    const seen = new Set<string>();
    for (const t of v) {
      if (typeof t !== 'object' || t === null || Array.isArray(t)) throw serialization();
      const tag = new OrgInput(t as Params);
      const Key = tag.string('Key', { required: true, min: 1, max: 128, pattern: TAG_PATTERN });
      const Value = tag.string('Value', { required: true, min: 0, max: 256, pattern: TAG_PATTERN });
      if (seen.has(Key)) throw orgErrors.invalidInput('DUPLICATE_TAG_KEY');
      seen.add(Key);
      out.push({ Key, Value });
    }
    if (out.length > 50) throw orgErrors.constraintViolation('MAX_TAG_LIMIT_EXCEEDED');
    return out;
  }

  /** NextToken/MaxResults (MaxResults 1–20). */
  paging(): PagingInput {
    const nextToken = this.string('NextToken', { max: 100000 });
    const maxResults = this.int('MaxResults', { min: 1, max: 20 });
    return { offset: decodeNextToken(nextToken), maxResults: maxResults ?? DEFAULT_PAGE_SIZE };
  }
}

export interface PagingInput {
  offset: number;
  maxResults: number;
}

/** ⚠ The page size AWS uses when MaxResults is absent is not documented; 20 is the model's maximum. */
export const DEFAULT_PAGE_SIZE = 20;

function decodeNextToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^([A-Za-z0-9_-]+)$/.exec(token);
  const text = m ? Buffer.from(m[1], 'base64url').toString('utf8') : '';
  const n = /^o:(\d{1,9})$/.exec(text);
  if (!n) throw orgErrors.invalidInput('INVALID_NEXT_TOKEN');
  return Number(n[1]);
}

/** One page of a full list; NextToken only when more remain (paginators stop on its absence). */
export function page<T>(all: T[], p: PagingInput): { items: T[]; nextToken?: string } {
  const items = all.slice(p.offset, p.offset + p.maxResults);
  const end = p.offset + items.length;
  return end < all.length ? { items, nextToken: Buffer.from(`o:${end}`, 'utf8').toString('base64url') } : { items };
}
