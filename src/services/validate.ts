// Owns input decoding and model-constraint validation with AWS's ValidationError grammar
// (aws-protocol §6.8): "{N} validation error{s} detected: Value '{v}' at '{path}' failed to satisfy
// constraint: …; …". STS echoes the value; current IAM omits it ("Value at 'roleName'").
import { awsErrors } from '../aws/errors';
import type { Params, ServiceName } from './types';

export interface StringRule {
  required?: boolean;
  min?: number;
  max?: number;
  /** The model's pattern as AWS prints it, and the JS RegExp that implements it (anchored). */
  pattern?: { text: string; re: RegExp };
  /**
   * IAM's own message for a pattern failure of a value within the model's length limits, answered
   * alone (Path / PathPrefix: "The specified value for path is invalid. …").
   */
  patternMessage?: string;
}

export interface IntRule {
  required?: boolean;
  min?: number;
  max?: number;
}

/** Collects constraint violations for one request, then throws them as one ValidationError. */
export class Validator {
  private readonly clauses: string[] = [];
  constructor(
    private readonly params: Params,
    private readonly service: ServiceName,
  ) {}

  private value(v: string | null): string {
    if (v === null) return 'Value null';
    return this.service === 'sts' ? `Value '${v}'` : 'Value';
  }

  private fail(v: string | null, path: string, constraint: string): void {
    this.clauses.push(`${this.value(v)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private raw(name: string): unknown {
    return this.params[name];
  }

  /** A string member; `path` is the lowerCamelCase member name AWS prints. */
  string(name: string, rule: StringRule & { required: true }): string;
  string(name: string, rule?: StringRule): string | undefined;
  string(name: string, rule: StringRule = {}): string | undefined {
    const path = name[0].toLowerCase() + name.slice(1);
    const v = this.raw(name);
    if (v === undefined || v === null) {
      if (rule.required) this.fail(null, path, 'Member must not be null');
      return undefined;
    }
    const s = typeof v === 'string' ? v : String(v);
    const len = [...s].length;
    // IAM's own pattern text (Path/PathPrefix) answers alone, once the model's length limits hold.
    const lengthOk = (rule.min === undefined || len >= rule.min) && (rule.max === undefined || len <= rule.max);
    if (rule.pattern && rule.patternMessage && lengthOk && !rule.pattern.re.test(s)) throw awsErrors.validation(rule.patternMessage);
    if (rule.pattern && !rule.pattern.re.test(s)) this.fail(s, path, `Member must satisfy regular expression pattern: ${rule.pattern.text}`);
    if (rule.min !== undefined && len < rule.min) this.fail(s, path, `Member must have length greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && len > rule.max) this.fail(s, path, `Member must have length less than or equal to ${rule.max}`);
    return s;
  }

  /** An integer member (DurationSeconds, MaxItems, MaxSessionDuration). */
  int(name: string, rule: IntRule = {}): number | undefined {
    const path = name[0].toLowerCase() + name.slice(1);
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') {
      if (rule.required) this.fail(null, path, 'Member must not be null');
      return undefined;
    }
    const s = String(v).trim();
    if (!/^-?\d+$/.test(s)) {
      // ⚠ not captured from AWS: the Query front end rejects non-numeric integers before the model check.
      this.fail(s, path, 'Member must be a valid integer');
      return undefined;
    }
    const n = Number(s);
    if (rule.min !== undefined && n < rule.min) this.fail(s, path, `Member must have value greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && n > rule.max) this.fail(s, path, `Member must have value less than or equal to ${rule.max}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null || v === '') return undefined;
    return String(v).toLowerCase() === 'true';
  }

  /** A list of strings (`X.member.N`); an empty `X=` is an empty list. */
  stringList(name: string, rule: { max?: number; item?: StringRule } = {}): string[] | undefined {
    const path = name[0].toLowerCase() + name.slice(1);
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    const list = listOf(v).map((x) => String(x));
    if (rule.max !== undefined && list.length > rule.max) this.fail(list.join(', '), path, `Member must have length less than or equal to ${rule.max}`);
    return list;
  }

  /** A list of structures (`Tags.member.N.Key`). */
  structList(name: string): Record<string, unknown>[] | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    return listOf(v).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
  }

  /** Adds a clause computed by the caller (list-element constraints and the like). */
  addClause(clause: string): void {
    this.clauses.push(clause);
  }

  get failed(): boolean {
    return this.clauses.length > 0;
  }

  /** Throws the collected violations, if any. */
  done(): void {
    if (this.clauses.length === 0) return;
    const n = this.clauses.length;
    throw awsErrors.validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${this.clauses.join('; ')}`);
  }
}

function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === '') return [];
  return [v];
}

// Model patterns (Java regex text as AWS prints it) with equivalent JS expressions.
export const patterns = {
  /** RoleName, UserName, PolicyName, GroupName, InstanceProfileName. */
  name: { text: '[\\w+=,.@-]+', re: /^[\w+=,.@-]+$/ },
  /** RoleSessionName, SourceIdentity (STS: `*` — length is checked separately). */
  sessionName: { text: '[\\w+=,.@-]*', re: /^[\w+=,.@-]*$/ },
  externalId: { text: '[\\w+=,.@:\\/-]*', re: /^[\w+=,.@:/-]*$/ },
  path: { text: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)', re: /^(\/|\/[\u0021-\u007E]+\/)$/ },
  pathPrefix: { text: '\\u002F[\\u0021-\\u007F]*', re: /^\/[\u0021-\u007F]*$/ },
  policyDocument: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ },
  description: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*', re: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/ },
  marker: { text: '[\\u0020-\\u00FF]+', re: /^[\u0020-\u00FF]+$/ },
  /** STS arnType (RoleArn, PolicyArns[].arn, ProvidedContexts[].ProviderArn); IAM's arnType has no pattern. */
  stsArn: {
    text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
    re: /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u,
  },
  tagKey: { text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+', re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u },
  tagValue: { text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u },
} as const;

/**
 * Path and PathPrefix of users, groups, roles and instance profiles: IAM answers a pattern failure
 * with its own text (moto and recorded AWS responses agree); a length violation keeps the model's text
 * (recorded: a 513-character path gets "Member must have length less than or equal to 512").
 */
export const pathRules = {
  path: {
    min: 1,
    max: 512,
    pattern: patterns.path,
    patternMessage: 'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
  },
  pathPrefix: {
    min: 1,
    max: 512,
    pattern: patterns.pathPrefix,
    patternMessage: 'The specified value for pathPrefix is invalid. It must begin with the / character and contain only alphanumeric characters and/or / characters.',
  },
} as const;

/** Tags.member.N.{Key,Value} → [{Key, Value}] with per-element constraint clauses. */
export function readTags(v: Validator, name = 'Tags'): { Key: string; Value: string }[] | undefined {
  const items = v.structList(name);
  if (!items) return undefined;
  const path = name[0].toLowerCase() + name.slice(1);
  const tags = items.map((t) => ({ Key: t.Key === undefined ? '' : String(t.Key), Value: t.Value === undefined ? '' : String(t.Value) }));
  if (tags.length > 50) v.addClause(`Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to 50`);
  tags.forEach((t, i) => {
    const at = `${path}.${i + 1}.member`;
    if (!items[i].Key && items[i].Key !== '') v.addClause(`Value null at '${at}.key' failed to satisfy constraint: Member must not be null`);
    else {
      if ([...t.Key].length > 128) v.addClause(`Value at '${at}.key' failed to satisfy constraint: Member must have length less than or equal to 128`);
      if (t.Key.length < 1) v.addClause(`Value at '${at}.key' failed to satisfy constraint: Member must have length greater than or equal to 1`);
      else if (!patterns.tagKey.re.test(t.Key)) v.addClause(`Value at '${at}.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.tagKey.text}`);
    }
    // Tag.Value is required in both models: an empty value is sent as `Tags.member.N.Value=` (§2.1), so an absent one is null.
    if (items[i].Value === undefined || items[i].Value === null) v.addClause(`Value null at '${at}.value' failed to satisfy constraint: Member must not be null`);
    if ([...t.Value].length > 256) v.addClause(`Value at '${at}.value' failed to satisfy constraint: Member must have length less than or equal to 256`);
    if (!patterns.tagValue.re.test(t.Value)) v.addClause(`Value at '${at}.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.tagValue.text}`);
  });
  return tags;
}

export const DEFAULT_MAX_ITEMS = 100;
