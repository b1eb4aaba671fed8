// Owns managed policies themselves: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies (customer and
// AWS-managed interleaved), plus what the version and attachment operations share (PolicyArn input,
// lookups with AWS's NoSuchEntity texts, the Policy shape).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html ; aws-protocol §6.2–6.3, §6.7, §6.9.
import { arns, parseArn } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { newUniqueId } from '../../aws/ids';
import { policySize } from '../../aws/policy-encoding';
import {
  catalogSummaries,
  cmp,
  ensureAwsManagedPolicy,
  parseAwsManagedArn,
  sortKey,
  type CatalogSummary,
} from '../../store/aws-managed-policies';
import { decodeMarker, encodeMarker } from '../../store/paging';
import type { ManagedPolicy } from '../../store/repos/managed-policies';
import type { Tag } from '../../store/repos/tags';
import { checkPolicyDocument } from '../../store/policy-documents';
import { defineOperation, type Call } from '../types';
import { readTags, Validator } from '../validate';
import { accountOf, pageFields, policyDocumentRule, policyNameRule, readPaging } from './common';
import { tagContext } from './roles';

/** Managed policy documents count whitespace-free characters against this quota (aws-protocol §6.9). */
export const POLICY_SIZE_MAX = 6144;
export const CUSTOMER_POLICIES_PER_ACCOUNT = 1500;

/** PolicyPath as the model writes it (CreatePolicy.Path, ListPolicies/ListAttached*.PathPrefix). */
export const policyPathRule = { min: 1, max: 512, pattern: { text: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/', re: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/ } } as const;
export const arnRule = { required: true, min: 20, max: 2048 } as const;

/** A model enum member: `Member must satisfy enum value set: [A, B]` (aws-protocol §6.8). */
export function readEnum<T extends string>(v: Validator, name: string, values: readonly T[]): T | undefined {
  const s = v.string(name);
  if (s === undefined) return undefined;
  if (!(values as readonly string[]).includes(s)) {
    const path = name[0].toLowerCase() + name.slice(1);
    v.addClause(`Value at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);
    return undefined;
  }
  return s as T;
}

/** Reads a PolicyArn-like member; a value that is no ARN at all is `ARN {v} is not valid.` (aws-protocol §6.7). */
export function readPolicyArn(v: Validator, name = 'PolicyArn', opts: { attach?: boolean } = {}): string {
  const arn = v.string(name, arnRule);
  v.done();
  if (!parseArn(arn)) {
    // Attach/Detach*Policy answer a non-ARN with this text, two spaces included (recorded
    // responses); the code is InvalidInput as for IAM's other ARN checks ⚠.
    if (opts.attach) throw awsErrors.invalidInput('Invalid ARN:  Could not be parsed!');
    throw awsErrors.validation(`ARN ${arn} is not valid.`);
  }
  return arn;
}

/**
 * IAM's AccessDenied names policies as `policy {ARN}` (CreatePolicy: `policy {name}`), e.g. "… is not
 * authorized to perform: iam:GetPolicy on resource: policy arn:aws:iam::aws:policy/X because …".
 */
export function policyLabel(input: { policyArn: string }): string {
  return `policy ${input.policyArn}`;
}

/** True for `arn:aws:iam::aws:policy/…`. */
export function isAwsManagedArn(arn: string): boolean {
  return parseAwsManagedArn(arn) !== null;
}

/**
 * The account that owns the policy an ARN names, for authorization. AWS-managed policies belong to the
 * `aws` account: reading and attaching them is authorized in the caller's account (resource-level
 * permissions on `arn:aws:iam::aws:policy/…`), but changing one is a cross-account write no resource
 * policy allows, so even an administrator gets AccessDenied ⚠ (AWS refuses these; exact text not captured).
 */
export function policyWriteAccount(arn: string, call: Call): string {
  const p = parseArn(arn);
  if (p && p.account === 'aws') return 'aws';
  if (p && /^\d{12}$/.test(p.account)) return p.account;
  return accountOf(call);
}

export function policyReadAccount(arn: string, call: Call): string {
  const p = parseArn(arn);
  return p && /^\d{12}$/.test(p.account) ? p.account : accountOf(call);
}

/** The managed policy an ARN names, as visible to the caller's account (AWS-managed imported on first use). */
export function lookupPolicy(call: Call, arn: string): ManagedPolicy | null {
  // Importing from the catalogue writes, so it runs in a transaction even under a read operation.
  if (isAwsManagedArn(arn)) return call.store.transaction(() => ensureAwsManagedPolicy(call.store, call.ids, arn));
  const p = call.store.managedPolicies.get(arn);
  return p && p.accountId === accountOf(call) ? p : null;
}

/** GetPolicy, versions, Detach…: `Policy {arn} was not found.` */
export function requirePolicy(call: Call, arn: string): ManagedPolicy {
  const p = lookupPolicy(call, arn);
  if (!p) throw awsErrors.noSuchEntity(`Policy ${arn} was not found.`);
  return p;
}

/** The Policy shape. CreatePolicy: no Description; Tags only if given. GetPolicy: + Description, Tags always. ListPolicies: neither. */
export function policyShape(
  call: Call,
  p: ManagedPolicy | CatalogSummary,
  usage: { attachments: number; boundaries: number },
  opts: { description?: boolean; tags?: 'always' | 'if-any' } = {},
): Record<string, unknown> {
  const description = 'description' in p ? p.description : null;
  const tags = opts.tags && 'accountId' in p && p.accountId ? call.store.tags.list('policy', p.arn) : [];
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: usage.attachments,
    PermissionsBoundaryUsageCount: usage.boundaries,
    IsAttachable: p.isAttachable,
    Description: opts.description && description ? description : undefined,
    CreateDate: new Date(p.createdAt),
    UpdateDate: new Date(p.updatedAt),
    Tags: opts.tags === 'always' ? tags : opts.tags === 'if-any' && tags.length > 0 ? tags : undefined,
  };
}

/** Policy tag keys are case-sensitive (`a` and `A` coexist), but exact duplicates are refused (aws-protocol §6.7). */
function checkPolicyTags(tags: Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.Key)) throw awsErrors.invalidInput('Duplicate tag keys found.');
    seen.add(t.Key);
  }
}

/** A managed policy document: identity grammar, then the 6144-character quota (whitespace not counted). */
export function checkManagedPolicyDocument(doc: string): void {
  checkPolicyDocument(doc, 'identity');
  if (policySize(doc) > POLICY_SIZE_MAX) throw awsErrors.limitExceeded(`Cannot exceed quota for PolicySize: ${POLICY_SIZE_MAX}`);
}

// ------------------------------------------------------------------ CreatePolicy

export const createPolicy = defineOperation({
  name: 'CreatePolicy',
  service: 'iam',
  action: 'iam:CreatePolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const policyName = v.string('PolicyName', policyNameRule);
    const path = v.string('Path', policyPathRule) ?? '/';
    const policyDocument = v.string('PolicyDocument', policyDocumentRule);
    const description = v.string('Description', { max: 1000 });
    const tags = readTags(v);
    v.done();
    return { policyName, path, policyDocument, description, tags };
  },
  resource: (input, call) => arns.policy(accountOf(call), input.path, input.policyName),
  resourceLabel: (input) => `policy ${input.policyName}`,
  conditionKeys: (input) => tagContext(input.tags),
  // Tag-on-create also needs iam:TagPolicy (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_customer-managed-policies.html).
  extraChecks: (input, call) => (input.tags?.length ? [{ action: 'iam:TagPolicy', resource: arns.policy(accountOf(call), input.path, input.policyName) }] : []),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    checkManagedPolicyDocument(input.policyDocument);
    if (store.managedPolicies.getByNameInsensitive(account, input.policyName)) {
      throw awsErrors.entityAlreadyExists(`A policy called ${input.policyName} already exists. Duplicate names are not allowed.`);
    }
    if (input.tags) checkPolicyTags(input.tags);
    if (store.managedPolicies.countLocal(account) >= CUSTOMER_POLICIES_PER_ACCOUNT) {
      // ⚠ quota name not captured from AWS.
      throw awsErrors.limitExceeded(`Cannot exceed quota for PoliciesPerAccount: ${CUSTOMER_POLICIES_PER_ACCOUNT}`);
    }
    const arn = arns.policy(account, input.path, input.policyName);
    const policy = store.managedPolicies.create({
      arn,
      id: newUniqueId(call.ids, 'ANPA'),
      accountId: account,
      name: input.policyName,
      path: input.path,
      description: input.description ?? null,
      document: input.policyDocument,
      createdAt: call.now.toISOString(),
    });
    if (input.tags?.length) store.tags.put('policy', arn, input.tags, false);
    return { Policy: policyShape(call, policy, { attachments: 0, boundaries: 0 }, { tags: 'if-any' }) };
  },
});

// ------------------------------------------------------------------ GetPolicy

export const getPolicy = defineOperation({
  name: 'GetPolicy',
  service: 'iam',
  action: 'iam:GetPolicy',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    return { policyArn: readPolicyArn(v) };
  },
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyReadAccount(input.policyArn, call),
  handler(input, call) {
    const p = requirePolicy(call, input.policyArn);
    const usage = call.store.managedPolicies.usageOf(p.arn, accountOf(call));
    return { Policy: policyShape(call, p, usage, { description: true, tags: 'always' }) };
  },
});

// ------------------------------------------------------------------ DeletePolicy

export const deletePolicy = defineOperation({
  name: 'DeletePolicy',
  service: 'iam',
  action: 'iam:DeletePolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    return { policyArn: readPolicyArn(v) };
  },
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyWriteAccount(input.policyArn, call),
  handler(input, call) {
    const { store } = call;
    const p = requirePolicy(call, input.policyArn);
    if (p.awsManaged) throw awsErrors.accessDenied(`User: ${call.principal.arn} is not authorized to perform: iam:DeletePolicy on resource: ${p.arn}`);
    // A policy in use as a permissions boundary counts as attached (the console and API both refuse).
    if (store.managedPolicies.attachmentCount(p.arn) > 0 || store.managedPolicies.boundaryUsageCount(p.arn) > 0) {
      throw awsErrors.deleteConflict('Cannot delete a policy attached to entities.');
    }
    if (store.managedPolicies.versions(p.arn).length > 1) {
      throw awsErrors.deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    store.managedPolicies.delete(p.arn);
    return undefined;
  },
});

// ------------------------------------------------------------------ ListPolicies

const SCOPES = ['All', 'AWS', 'Local'] as const;
export const USAGES = ['PermissionsPolicy', 'PermissionsBoundary'] as const;

export const listPolicies = defineOperation({
  name: 'ListPolicies',
  service: 'iam',
  action: 'iam:ListPolicies',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const scope = readEnum(v, 'Scope', SCOPES) ?? 'All';
    const onlyAttached = v.bool('OnlyAttached') ?? false;
    const pathPrefix = v.string('PathPrefix', policyPathRule) ?? '/';
    const usage = readEnum(v, 'PolicyUsageFilter', USAGES);
    const paging = readPaging(v);
    v.done();
    return { scope, onlyAttached, pathPrefix, usage, ...paging };
  },
  // iam:ListPolicies has no resource-level permissions; AccessDenied names `policy path {PathPrefix}`.
  resource: () => '*',
  resourceLabel: (input) => `policy path ${input.pathPrefix}`,
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    // The marker carries only the last ARN (markers are at most 320 characters); the name is its last segment.
    const lastArn = decodeMarker(input.marker);
    const after = lastArn === null ? '' : sortKey({ name: lastArn.slice(lastArn.lastIndexOf('/') + 1), arn: lastArn });
    const usage = store.managedPolicies.usageIn(account);
    const zero = { attachments: 0, boundaries: 0 };
    // OnlyAttached keeps policies in use; PolicyUsageFilter then says which use counts (ListPolicies docs).
    const inUse = (arn: string): boolean => {
      const u = usage.get(arn) ?? zero;
      if (input.usage === 'PermissionsPolicy') return u.attachments > 0;
      if (input.usage === 'PermissionsBoundary') return u.boundaries > 0;
      return u.attachments + u.boundaries > 0;
    };
    const want = input.maxItems + 1;
    const picked: (ManagedPolicy | CatalogSummary)[] = [];

    if (input.scope !== 'AWS') {
      // Customer policies come sorted from SQL; OnlyAttached filters after, so read in chunks until enough.
      let cursor = after;
      for (;;) {
        const chunk = store.managedPolicies.listLocalAfter(account, { pathPrefix: input.pathPrefix, after: cursor, limit: want });
        for (const p of chunk) if (!input.onlyAttached || inUse(p.arn)) picked.push(p);
        if (chunk.length < want || picked.length >= want) break;
        cursor = sortKey(chunk[chunk.length - 1]);
      }
    }
    if (input.scope !== 'Local') {
      let n = 0;
      for (const s of catalogSummaries()) {
        if (n >= want) break;
        if (cmp(sortKey(s), after) <= 0 || !s.path.startsWith(input.pathPrefix)) continue;
        if (input.onlyAttached && !inUse(s.arn)) continue;
        picked.push(s);
        n++;
      }
    }
    picked.sort((a, b) => cmp(sortKey(a), sortKey(b)));
    const items = picked.slice(0, input.maxItems);
    const truncated = picked.length > input.maxItems;
    return {
      Policies: items.map((p) => policyShape(call, p, usage.get(p.arn) ?? zero)),
      ...pageFields({ isTruncated: truncated, marker: truncated ? encodeMarker(items[items.length - 1].arn) : undefined }),
    };
  },
});
