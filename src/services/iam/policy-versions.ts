// Owns managed policy versions: CreatePolicyVersion (at most 5), GetPolicyVersion (percent-encoded
// document), ListPolicyVersions (newest first), DeletePolicyVersion (never the default), SetDefaultPolicyVersion.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html ; aws-protocol §6.2, §6.7.
import { awsErrors } from '../../aws/errors';
import { encodePolicyDocument } from '../../aws/policy-encoding';
import { pageOf, decodeMarker } from '../../store/paging';
import type { ManagedPolicy, PolicyVersion } from '../../store/repos/managed-policies';
import { defineOperation, type Call } from '../types';
import { Validator } from '../validate';
import { pageFields, policyDocumentRule, readPaging } from './common';
import { checkManagedPolicyDocument, policyLabel, policyReadAccount, policyWriteAccount, readPolicyArn, requirePolicy } from './managed-policies';

export const VERSIONS_PER_POLICY = 5;

const versionIdRule = { required: true, pattern: { text: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?', re: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/ } } as const;

function readArnAndVersion(params: Record<string, unknown>): { policyArn: string; versionId: string } {
  const v = new Validator(params, 'iam');
  const versionId = v.string('VersionId', versionIdRule);
  const policyArn = readPolicyArn(v);
  return { policyArn, versionId };
}

function requireVersion(p: ManagedPolicy, versionId: string, call: Call): PolicyVersion {
  const version = call.store.managedPolicies.getVersion(p.arn, versionId);
  if (!version) throw awsErrors.noSuchEntity(`Policy ${p.arn} version ${versionId} does not exist or is not attachable.`);
  return version;
}

/** Refuses changes to AWS-managed policies should authorization ever let one through (it does not: they are the `aws` account's). */
function requireCustomerPolicy(p: ManagedPolicy, call: Call, action: string): void {
  if (p.awsManaged) throw awsErrors.accessDenied(`User: ${call.principal.arn} is not authorized to perform: ${action} on resource: ${p.arn}`);
}

/** PolicyVersion as Create/ListPolicyVersions return it (no Document) and GetPolicyVersion (with it). */
function versionShape(p: ManagedPolicy, v: PolicyVersion, withDocument: boolean): Record<string, unknown> {
  return {
    Document: withDocument ? encodePolicyDocument(v.document) : undefined,
    VersionId: v.versionId,
    IsDefaultVersion: v.versionId === p.defaultVersionId,
    CreateDate: new Date(v.createdAt),
  };
}

// ------------------------------------------------------------------ CreatePolicyVersion

export const createPolicyVersion = defineOperation({
  name: 'CreatePolicyVersion',
  service: 'iam',
  action: 'iam:CreatePolicyVersion',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const policyDocument = v.string('PolicyDocument', policyDocumentRule);
    const setAsDefault = v.bool('SetAsDefault') ?? false;
    const policyArn = readPolicyArn(v);
    return { policyArn, policyDocument, setAsDefault };
  },
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyWriteAccount(input.policyArn, call),
  handler(input, call) {
    const { store } = call;
    const p = requirePolicy(call, input.policyArn);
    requireCustomerPolicy(p, call, 'iam:CreatePolicyVersion');
    checkManagedPolicyDocument(input.policyDocument);
    if (store.managedPolicies.versions(p.arn).length >= VERSIONS_PER_POLICY) {
      throw awsErrors.limitExceeded('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
    }
    const versionId = store.managedPolicies.addVersion(p.arn, input.policyDocument, call.now.toISOString(), input.setAsDefault);
    const updated = store.managedPolicies.get(p.arn)!;
    return { PolicyVersion: versionShape(updated, store.managedPolicies.getVersion(p.arn, versionId)!, false) };
  },
});

// ------------------------------------------------------------------ GetPolicyVersion

export const getPolicyVersion = defineOperation({
  name: 'GetPolicyVersion',
  service: 'iam',
  action: 'iam:GetPolicyVersion',
  mutating: false,
  input: (params) => readArnAndVersion(params),
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyReadAccount(input.policyArn, call),
  handler(input, call) {
    const p = requirePolicy(call, input.policyArn);
    return { PolicyVersion: versionShape(p, requireVersion(p, input.versionId, call), true) };
  },
});

// ------------------------------------------------------------------ ListPolicyVersions

export const listPolicyVersions = defineOperation({
  name: 'ListPolicyVersions',
  service: 'iam',
  action: 'iam:ListPolicyVersions',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const paging = readPaging(v);
    const policyArn = readPolicyArn(v);
    return { policyArn, ...paging };
  },
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyReadAccount(input.policyArn, call),
  handler(input, call) {
    const p = requirePolicy(call, input.policyArn);
    const all = call.store.managedPolicies.versions(p.arn);
    // Newest first; the marker is the last version id returned.
    const after = decodeMarker(input.marker);
    const start = after === null ? 0 : all.findIndex((v) => v.versionId === after) + 1;
    const page = pageOf(all.slice(start, start + input.maxItems + 1), input.maxItems, (v) => v.versionId);
    return { Versions: page.items.map((v) => versionShape(p, v, false)), ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ DeletePolicyVersion

export const deletePolicyVersion = defineOperation({
  name: 'DeletePolicyVersion',
  service: 'iam',
  action: 'iam:DeletePolicyVersion',
  mutating: true,
  input: (params) => readArnAndVersion(params),
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyWriteAccount(input.policyArn, call),
  handler(input, call) {
    const p = requirePolicy(call, input.policyArn);
    requireCustomerPolicy(p, call, 'iam:DeletePolicyVersion');
    const version = requireVersion(p, input.versionId, call);
    if (version.versionId === p.defaultVersionId) throw awsErrors.deleteConflict('Cannot delete the default version of a policy.');
    call.store.managedPolicies.deleteVersion(p.arn, version.versionId);
    return undefined;
  },
});

// ------------------------------------------------------------------ SetDefaultPolicyVersion

export const setDefaultPolicyVersion = defineOperation({
  name: 'SetDefaultPolicyVersion',
  service: 'iam',
  action: 'iam:SetDefaultPolicyVersion',
  mutating: true,
  input: (params) => readArnAndVersion(params),
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyWriteAccount(input.policyArn, call),
  handler(input, call) {
    const p = requirePolicy(call, input.policyArn);
    requireCustomerPolicy(p, call, 'iam:SetDefaultPolicyVersion');
    const version = requireVersion(p, input.versionId, call);
    // UpdateDate is when the newest version was created, not when the default changed
    // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html).
    call.store.managedPolicies.setDefaultVersion(p.arn, version.versionId, p.updatedAt);
    return undefined;
  },
});
