// Owns tagging of every taggable IAM entity: Tag/Untag/List…Tags for roles, users, customer managed
// policies, OIDC and SAML providers, instance profiles and MFA devices, with IAM's tagging rules.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html ; aws-protocol §6.3, §6.7, §6.8.
//
// Rules: ≤ 50 tags per entity; key 1–128 / value 0–256 from the model's character set; `aws:` is
// reserved; role and user tag keys are case-insensitive but case-preserving (a later TagRole whose key
// differs only in case replaces the tag, taking the new spelling), keys of every other IAM resource
// are case-sensitive ("Case sensitivity for tag keys differs depending on the type of IAM resource").
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { Tag, TagResourceKind } from '../../store/repos/tags';
import { defineOperation, type Call, type Operation } from '../types';
import { patterns, readTags, Validator, type StringRule } from '../validate';
import { accountOf, pageFields, readPaging, requireRole, roleNameRule, roleResource } from './common';
import { tagContext } from './roles';
import { existingUserNameRule, requireUser, userResource } from './user-common';

export const MAX_TAGS = 50;

/** One kind of taggable entity: how its target parameter is read, authorized and found. */
interface Taggable {
  /** The operation-name stem: Tag{noun}, Untag{noun}, List{noun}Tags. */
  noun: string;
  kind: TagResourceKind;
  caseInsensitive: boolean;
  /** The request member naming the entity, and its model constraint. */
  param: string;
  rule: StringRule & { required: true };
  /** The ARN the action is authorized against. */
  resource(call: Call, target: string): string;
  /** The stored entity's tag id (unique id or ARN); NoSuchEntity with IAM's text when missing. */
  find(call: Call, target: string): string;
}

const arnRule = { required: true, min: 20, max: 2048 } as const;

function customerPolicy(call: Call, arn: string): string {
  const p = call.store.managedPolicies.get(arn);
  if (!p || p.accountId !== accountOf(call)) throw awsErrors.noSuchEntity(`Policy ${arn} was not found.`);
  return p.arn;
}

function oidcProvider(call: Call, arn: string): string {
  const p = call.store.oidcProviders.get(arn);
  if (!p || p.accountId !== accountOf(call)) throw awsErrors.noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
  return p.arn;
}

/** ⚠ Same text as GetSAMLProvider's (saml-providers.ts), kept here so tags.ts imports no operation module. */
function samlProvider(call: Call, arn: string): string {
  const p = call.store.samlProviders.get(arn);
  if (!p || p.accountId !== accountOf(call)) throw awsErrors.noSuchEntity(`Manifest not found for arn ${arn}`);
  return p.arn;
}

export const TAGGABLES: Taggable[] = [
  {
    noun: 'ServerCertificate',
    kind: 'server-certificate',
    caseInsensitive: false,
    param: 'ServerCertificateName',
    rule: { required: true, min: 1, max: 128, pattern: patterns.name },
    resource: (call, name) => call.store.serverCertificates.getByName(accountOf(call), name)?.arn ?? arns.serverCertificate(accountOf(call), '/', name),
    find: (call, name) => {
      const c = call.store.serverCertificates.getByName(accountOf(call), name);
      if (!c) throw awsErrors.noSuchEntity(`The Server Certificate with name ${name} cannot be found.`);
      return c.arn;
    },
  },
  {
    noun: 'Role',
    kind: 'role',
    caseInsensitive: true,
    param: 'RoleName',
    rule: roleNameRule,
    resource: roleResource,
    find: (call, name) => requireRole(call.store, accountOf(call), name).id,
  },
  {
    noun: 'User',
    kind: 'user',
    caseInsensitive: true,
    param: 'UserName',
    rule: existingUserNameRule,
    resource: userResource,
    find: (call, name) => requireUser(call.store, accountOf(call), name).id,
  },
  {
    noun: 'Policy',
    kind: 'policy',
    caseInsensitive: false,
    param: 'PolicyArn',
    rule: arnRule,
    resource: (_call, arn) => arn,
    find: customerPolicy,
  },
  {
    noun: 'OpenIDConnectProvider',
    kind: 'oidc-provider',
    caseInsensitive: false,
    param: 'OpenIDConnectProviderArn',
    rule: arnRule,
    resource: (_call, arn) => arn,
    find: oidcProvider,
  },
  {
    noun: 'SAMLProvider',
    kind: 'saml-provider',
    caseInsensitive: false,
    param: 'SAMLProviderArn',
    rule: arnRule,
    resource: (_call, arn) => arn,
    find: samlProvider,
  },
  {
    noun: 'InstanceProfile',
    kind: 'instance-profile',
    caseInsensitive: false,
    param: 'InstanceProfileName',
    rule: { required: true, min: 1, max: 128, pattern: patterns.name },
    resource: (call, name) => call.store.instanceProfiles.getByName(accountOf(call), name)?.arn ?? arns.instanceProfile(accountOf(call), '/', name),
    find: (call, name) => {
      const p = call.store.instanceProfiles.getByName(accountOf(call), name);
      if (!p) throw awsErrors.noSuchEntity(`Instance Profile ${name} cannot be found.`);
      return p.id;
    },
  },
  {
    noun: 'MFADevice',
    kind: 'mfa',
    caseInsensitive: false,
    param: 'SerialNumber',
    rule: { required: true, min: 9, max: 256, pattern: { text: '[\\w+=/:,.@-]+', re: /^[\w+=/:,.@-]+$/ } },
    resource: (_call, serial) => serial,
    find: (call, serial) => {
      const d = call.store.mfaDevices.get(serial);
      if (!d || d.accountId !== accountOf(call)) throw awsErrors.noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
      return d.serial;
    },
  },
];

/** Keys checked against IAM's rules: `aws:` reserved, duplicates refused (⚠ reserved-prefix text not captured). */
export function checkTagKeys(tags: Tag[], caseInsensitive: boolean): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.Key.toLowerCase().startsWith('aws:')) throw awsErrors.invalidInput(`Tag keys starting with 'aws:' are reserved for internal use.`);
    const k = caseInsensitive ? t.Key.toLowerCase() : t.Key;
    if (seen.has(k)) {
      throw awsErrors.invalidInput(caseInsensitive ? 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' : 'Duplicate tag keys found.');
    }
    seen.add(k);
  }
}

/** The entity's tags after adding `tags` must stay within 50. */
export function checkTagCount(existing: Tag[], tags: Tag[], caseInsensitive: boolean): void {
  const norm = (k: string) => (caseInsensitive ? k.toLowerCase() : k);
  const keys = new Set(existing.map((t) => norm(t.Key)));
  for (const t of tags) keys.add(norm(t.Key));
  if (keys.size > MAX_TAGS) throw awsErrors.limitExceeded('The number of tags has reached the maximum limit.');
}

/** `TagKeys.member.N` with the model's constraints (≤ 50 keys, each 1–128 of the tag-key pattern). */
function readTagKeys(v: Validator): string[] {
  const keys = v.stringList('TagKeys');
  if (keys === undefined) {
    v.addClause(`Value null at 'tagKeys' failed to satisfy constraint: Member must not be null`);
    return [];
  }
  if (keys.length > MAX_TAGS) v.addClause(`Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`);
  keys.forEach((k, i) => {
    const at = `tagKeys.${i + 1}.member`;
    if ([...k].length > 128) v.addClause(`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to 128`);
    if (k.length < 1) v.addClause(`Value at '${at}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    else if (!patterns.tagKey.re.test(k)) v.addClause(`Value at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.tagKey.text}`);
  });
  return keys;
}

function tagOperation(t: Taggable): Operation<{ target: string; tags: Tag[] }, undefined> {
  return defineOperation({
    name: `Tag${t.noun}`,
    service: 'iam',
    action: `iam:Tag${t.noun}`,
    mutating: true,
    input(params) {
      const v = new Validator(params, 'iam');
      const target = v.string(t.param, t.rule);
      const tags = readTags(v);
      if (tags === undefined) v.addClause(`Value null at 'tags' failed to satisfy constraint: Member must not be null`);
      v.done();
      return { target, tags: tags ?? [] };
    },
    resource: (input, call) => t.resource(call, input.target),
    conditionKeys: (input): RequestContext => tagContext(input.tags),
    handler(input, call) {
      const id = t.find(call, input.target);
      checkTagKeys(input.tags, t.caseInsensitive);
      checkTagCount(call.store.tags.list(t.kind, id), input.tags, t.caseInsensitive);
      call.store.tags.put(t.kind, id, input.tags, t.caseInsensitive);
      return undefined;
    },
  });
}

function untagOperation(t: Taggable): Operation<{ target: string; keys: string[] }, undefined> {
  return defineOperation({
    name: `Untag${t.noun}`,
    service: 'iam',
    action: `iam:Untag${t.noun}`,
    mutating: true,
    input(params) {
      const v = new Validator(params, 'iam');
      const target = v.string(t.param, t.rule);
      const keys = readTagKeys(v);
      v.done();
      return { target, keys };
    },
    resource: (input, call) => t.resource(call, input.target),
    conditionKeys: (input): RequestContext => ({ 'aws:TagKeys': input.keys }),
    handler(input, call) {
      const id = t.find(call, input.target);
      // Keys the entity does not carry are ignored, as AWS does.
      call.store.tags.remove(t.kind, id, input.keys, t.caseInsensitive);
      return undefined;
    },
  });
}

function listOperation(t: Taggable): Operation<{ target: string; marker?: string; maxItems: number }, Record<string, unknown>> {
  return defineOperation({
    name: `List${t.noun}Tags`,
    service: 'iam',
    action: `iam:List${t.noun}Tags`,
    mutating: false,
    input(params) {
      const v = new Validator(params, 'iam');
      const target = v.string(t.param, t.rule);
      const paging = readPaging(v);
      v.done();
      return { target, ...paging };
    },
    resource: (input, call) => t.resource(call, input.target),
    handler(input, call) {
      const id = t.find(call, input.target);
      const tags = call.store.tags.list(t.kind, id);
      const start = input.marker === undefined ? 0 : markerIndex(input.marker, tags.length);
      const page = tags.slice(start, start + input.maxItems);
      const next = start + page.length;
      return { Tags: page, ...pageFields(next < tags.length ? { isTruncated: true, marker: indexMarker(next) } : { isTruncated: false }) };
    },
  });
}

function indexMarker(i: number): string {
  return Buffer.from(`tags:${i}`, 'utf8').toString('base64url');
}

function markerIndex(marker: string, length: number): number {
  const m = /^tags:(\d+)$/.exec(/^[A-Za-z0-9_-]+$/.test(marker) ? Buffer.from(marker, 'base64url').toString('utf8') : '');
  const i = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(i) || i > length) throw awsErrors.validation('Invalid Marker.');
  return i;
}

/** Tag/Untag/List…Tags for every taggable entity, in TAGGABLES order. */
export const tagOperations: Operation<any, any>[] = TAGGABLES.flatMap((t) => [tagOperation(t), untagOperation(t), listOperation(t)]);

