// Owns the EKS Pod Identity association operations: Create, Describe, List, Update, Delete.
// One association per (cluster, namespace, service account); the caller needs iam:PassRole on the
// role (and on the target role) it names. https://docs.aws.amazon.com/eks/latest/APIReference/API_CreatePodIdentityAssociation.html ;
// https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
import { parseRoleArn } from '../../aws/arn';
import { awsError } from '../../aws/errors';
import { newPodIdentityAssociationId } from '../../aws/ids';
import type { PodIdentityAssociation } from '../../store/repos/pod-identity';
import type { Tag } from '../../store/repos/tags';
import { checkPolicyDocument } from '../../store/policy-documents';
import { findRole } from '../sts/assume-role';
import { defineOperation, type AuthzCheck, type Call, type Params } from '../types';
import { bool, callerAccount, eksArns, invalidParameter, page, paging, requestTagKeys, requireCluster, resourceTagKeys, str, tagMap, tagsObject } from './common';

/** The service that receives the role (iam:PassedToService), as in the pod-id-role trust policy. */
export const PODS_SERVICE_PRINCIPAL = 'pods.eks.amazonaws.com';


// Kubernetes names: a namespace is a DNS-1123 label, a service account a DNS-1123 subdomain.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function associationShape(call: Call, a: PodIdentityAssociation) {
  return {
    clusterName: a.clusterName,
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    roleArn: a.roleArn,
    associationArn: a.arn,
    associationId: a.id,
    tags: tagsObject(call.store.tags.list('eks-pod-identity-association', a.arn)),
    createdAt: new Date(a.createdAt),
    modifiedAt: new Date(a.modifiedAt),
    ownerArn: a.ownerArn ?? undefined,
    disableSessionTags: a.disableSessionTags,
    targetRoleArn: a.targetRoleArn ?? undefined,
    externalId: a.externalId ?? undefined,
    policy: a.policy ?? undefined,
  };
}

function roleArnMember(params: Params, name: string, cluster: string, required: boolean): string | undefined {
  const v = str(params, name, { required });
  if (v === undefined) return undefined;
  if (v === '' && name === 'targetRoleArn') return '';
  if (!parseRoleArn(v)) throw invalidParameter(`${name} ${v} is not a valid IAM role ARN.`, cluster); // ⚠
  return v;
}

function policyMember(params: Params): string | undefined {
  const policy = str(params, 'policy', { max: 2048 });
  if (policy !== undefined && policy !== '') checkPolicyDocument(policy, 'session');
  return policy;
}

/** iam:PassRole on each role the call hands to EKS Pod Identity. */
function passRoleChecks(...roleArns: (string | undefined)[]): AuthzCheck[] {
  return roleArns
    .filter((r): r is string => !!r)
    .map((r) => ({ action: 'iam:PassRole', resource: r, resourceAccount: parseRoleArn(r)!.account, context: { 'iam:PassedToService': PODS_SERVICE_PRINCIPAL } }));
}

/** The roles must exist in IAM (⚠ EKS's text for a missing role is not recorded). */
function requireRoleExists(call: Call, roleArn: string, cluster: string): void {
  if (!findRole(call, roleArn)) throw invalidParameter(`Role ${roleArn} does not exist.`, cluster);
}

const clusterResource = (cluster: string, call: Call) => eksArns.cluster(call.region, callerAccount(call), cluster);
const associationResource = (cluster: string, id: string, call: Call) => eksArns.podIdentityAssociation(call.region, callerAccount(call), cluster, id);

/** ⚠ AWS's text is not recorded. */
const associationNotFound = (id: string, cluster: string) =>
  awsError('ResourceNotFoundException', `No Pod Identity Association found with id ${id} in cluster ${cluster}.`, { fields: { clusterName: cluster } });

function requireAssociation(call: Call, cluster: string, id: string): PodIdentityAssociation {
  const cl = requireCluster(call, cluster);
  const a = call.store.podIdentity.get(cl.accountId, cl.region, cl.name, id);
  if (!a) throw associationNotFound(id, cluster);
  return a;
}

interface CreateInput {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  targetRoleArn?: string;
  disableSessionTags: boolean;
  policy?: string;
  clientRequestToken?: string;
  tags?: Tag[];
}

export const createPodIdentityAssociationOp = defineOperation({
  name: 'CreatePodIdentityAssociation',
  service: 'eks',
  http: { method: 'POST', path: '/clusters/{name}/pod-identity-associations' },
  action: 'eks:CreatePodIdentityAssociation',
  mutating: true,
  input(params): CreateInput {
    const clusterName = str(params, 'name', { required: true })!;
    const namespace = str(params, 'namespace', { required: true })!;
    const serviceAccount = str(params, 'serviceAccount', { required: true })!;
    if (namespace.length > 63 || !NAMESPACE.test(namespace)) throw invalidParameter(`Namespace ${namespace} is not a valid Kubernetes namespace name.`, clusterName); // ⚠
    if (serviceAccount.length > 253 || !SERVICE_ACCOUNT.test(serviceAccount)) throw invalidParameter(`Service account ${serviceAccount} is not a valid Kubernetes service account name.`, clusterName); // ⚠
    const roleArn = roleArnMember(params, 'roleArn', clusterName, true)!;
    const targetRoleArn = roleArnMember(params, 'targetRoleArn', clusterName, false) || undefined;
    if (targetRoleArn === roleArn) throw invalidParameter('targetRoleArn must be different from roleArn.', clusterName); // ⚠
    return {
      clusterName,
      namespace,
      serviceAccount,
      roleArn,
      targetRoleArn,
      disableSessionTags: bool(params, 'disableSessionTags') ?? false,
      policy: policyMember(params) || undefined,
      clientRequestToken: str(params, 'clientRequestToken'),
      tags: tagMap(params),
    };
  },
  resource: (input, call) => clusterResource(input.clusterName, call),
  conditionKeys: (input, call) => ({ ...resourceTagKeys(call.store, 'eks-cluster', clusterResource(input.clusterName, call)), ...requestTagKeys(input.tags) }),
  extraChecks: (input) => passRoleChecks(input.roleArn, input.targetRoleArn),
  handler(input, call) {
    const cl = requireCluster(call, input.clusterName);
    const repo = call.store.podIdentity;
    const existing = repo.findAssociation(cl.accountId, cl.name, input.namespace, input.serviceAccount, cl.region);
    if (existing) {
      // The same idempotency token with the same request returns the association it made.
      if (input.clientRequestToken !== undefined && existing.clientRequestToken === input.clientRequestToken && existing.roleArn === input.roleArn) {
        return { association: associationShape(call, existing) };
      }
      throw awsError('ResourceInUseException', `Association already exists: ${existing.id}`, { fields: { clusterName: cl.name } }); // ⚠
    }
    if (repo.list(cl.accountId, cl.region, cl.name).length >= 5000) {
      throw awsError('ResourceLimitExceededException', 'You have reached the maximum number of Pod Identity associations for this cluster (5000).', { fields: { clusterName: cl.name } }); // ⚠
    }
    requireRoleExists(call, input.roleArn, cl.name);
    if (input.targetRoleArn) requireRoleExists(call, input.targetRoleArn, cl.name);
    const id = newPodIdentityAssociationId(call.ids);
    const at = call.now.toISOString();
    const a = repo.create({
      id,
      arn: eksArns.podIdentityAssociation(cl.region, cl.accountId, cl.name, id),
      accountId: cl.accountId,
      region: cl.region,
      clusterName: cl.name,
      namespace: input.namespace,
      serviceAccount: input.serviceAccount,
      roleArn: input.roleArn,
      targetRoleArn: input.targetRoleArn ?? null,
      // EKS generates the external id the chained AssumeRole into the target role carries.
      externalId: input.targetRoleArn ? call.ids.requestId() : null,
      disableSessionTags: input.disableSessionTags,
      policy: input.policy ?? null,
      ownerArn: null,
      clientRequestToken: input.clientRequestToken ?? null,
      createdAt: at,
      modifiedAt: at,
    });
    if (input.tags) call.store.tags.put('eks-pod-identity-association', a.arn, input.tags, false);
    return { association: associationShape(call, a) };
  },
});

/** Operations on the association the path names: its ARN is the resource, its tags aws:ResourceTag/*. */
function namedAssociation<I extends { clusterName: string; associationId: string }>() {
  return {
    resource: (input: I, call: Call) => associationResource(input.clusterName, input.associationId, call),
    conditionKeys: (input: I, call: Call) => resourceTagKeys(call.store, 'eks-pod-identity-association', associationResource(input.clusterName, input.associationId, call)),
  };
}

const idInput = (params: Params) => ({ clusterName: str(params, 'name', { required: true })!, associationId: str(params, 'associationId', { required: true })! });

export const describePodIdentityAssociationOp = defineOperation({
  name: 'DescribePodIdentityAssociation',
  service: 'eks',
  http: { method: 'GET', path: '/clusters/{name}/pod-identity-associations/{associationId}' },
  action: 'eks:DescribePodIdentityAssociation',
  mutating: false,
  input: idInput,
  ...namedAssociation<ReturnType<typeof idInput>>(),
  handler: (input, call) => ({ association: associationShape(call, requireAssociation(call, input.clusterName, input.associationId)) }),
});

export const listPodIdentityAssociationsOp = defineOperation({
  name: 'ListPodIdentityAssociations',
  service: 'eks',
  http: {
    method: 'GET',
    path: '/clusters/{name}/pod-identity-associations',
    query: { namespace: 'namespace', serviceAccount: 'serviceAccount', maxResults: 'maxResults', nextToken: 'nextToken' },
  },
  action: 'eks:ListPodIdentityAssociations',
  mutating: false,
  input: (params) => ({ clusterName: str(params, 'name', { required: true })!, namespace: str(params, 'namespace'), serviceAccount: str(params, 'serviceAccount'), ...paging(params) }),
  resource: (input, call) => clusterResource(input.clusterName, call),
  conditionKeys: (input, call) => resourceTagKeys(call.store, 'eks-cluster', clusterResource(input.clusterName, call)),
  handler(input, call) {
    const cl = requireCluster(call, input.clusterName);
    const all = call.store.podIdentity.list(cl.accountId, cl.region, cl.name, { namespace: input.namespace, serviceAccount: input.serviceAccount });
    const p = page(all, (a) => a.id, input.maxResults, input.nextToken);
    return {
      associations: p.items.map((a) => ({
        clusterName: a.clusterName,
        namespace: a.namespace,
        serviceAccount: a.serviceAccount,
        associationArn: a.arn,
        associationId: a.id,
        ownerArn: a.ownerArn ?? undefined,
      })),
      nextToken: p.nextToken,
    };
  },
});

interface UpdateInput {
  clusterName: string;
  associationId: string;
  roleArn?: string;
  /** '' removes the target role. */
  targetRoleArn?: string;
  disableSessionTags?: boolean;
  policy?: string;
}

export const updatePodIdentityAssociationOp = defineOperation({
  name: 'UpdatePodIdentityAssociation',
  service: 'eks',
  http: { method: 'POST', path: '/clusters/{name}/pod-identity-associations/{associationId}' },
  action: 'eks:UpdatePodIdentityAssociation',
  mutating: true,
  input(params): UpdateInput {
    const { clusterName, associationId } = idInput(params);
    return {
      clusterName,
      associationId,
      roleArn: roleArnMember(params, 'roleArn', clusterName, false),
      targetRoleArn: roleArnMember(params, 'targetRoleArn', clusterName, false),
      disableSessionTags: bool(params, 'disableSessionTags'),
      policy: policyMember(params),
    };
  },
  ...namedAssociation<UpdateInput>(),
  extraChecks: (input) => passRoleChecks(input.roleArn, input.targetRoleArn || undefined),
  handler(input, call) {
    const a = requireAssociation(call, input.clusterName, input.associationId);
    if (input.roleArn) requireRoleExists(call, input.roleArn, a.clusterName);
    if (input.targetRoleArn) requireRoleExists(call, input.targetRoleArn, a.clusterName);
    const roleArn = input.roleArn ?? a.roleArn;
    const target = input.targetRoleArn === undefined ? a.targetRoleArn : input.targetRoleArn || null;
    if (target !== null && target === roleArn) throw invalidParameter('targetRoleArn must be different from roleArn.', a.clusterName); // ⚠
    call.store.podIdentity.update(a.id, {
      modifiedAt: call.now.toISOString(),
      ...(input.roleArn !== undefined ? { roleArn: input.roleArn } : {}),
      ...(input.targetRoleArn !== undefined
        ? { targetRoleArn: target, externalId: target === null ? null : target === a.targetRoleArn ? a.externalId : call.ids.requestId() }
        : {}),
      ...(input.disableSessionTags !== undefined ? { disableSessionTags: input.disableSessionTags } : {}),
      ...(input.policy !== undefined ? { policy: input.policy || null } : {}),
    });
    return { association: associationShape(call, requireAssociation(call, input.clusterName, input.associationId)) };
  },
});

export const deletePodIdentityAssociationOp = defineOperation({
  name: 'DeletePodIdentityAssociation',
  service: 'eks',
  http: { method: 'DELETE', path: '/clusters/{name}/pod-identity-associations/{associationId}' },
  action: 'eks:DeletePodIdentityAssociation',
  mutating: true,
  input: idInput,
  ...namedAssociation<ReturnType<typeof idInput>>(),
  handler(input, call) {
    const a = requireAssociation(call, input.clusterName, input.associationId);
    const shape = associationShape(call, a);
    call.store.tags.removeAll('eks-pod-identity-association', a.arn);
    call.store.podIdentity.delete(a.id);
    return { association: shape };
  },
});
