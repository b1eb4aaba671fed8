// Owns EKS CreateCluster, DescribeCluster, ListClusters and DeleteCluster over iamlocal's mock
// clusters: every cluster is an OIDC issuer with its own signing key (the ones seeds and the admin
// endpoint make show up here too). A created cluster is ACTIVE at once; nothing runs behind its endpoint.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (and Describe/List/Delete).
import { parseRoleArn } from '../../aws/arn';
import { awsError } from '../../aws/errors';
import { generateClusterKey, type ClusterKey } from '../../oidc/index';
import { createCluster } from '../../store/eks-cluster-create';
import type { Tag } from '../../store/repos/tags';
import { defineOperation, type Call } from '../types';
import {
  callerAccount,
  CLUSTER_NAME,
  clusterArn,
  clusterShape,
  eksArns,
  invalidParameter,
  page,
  paging,
  requestTagKeys,
  requireCluster,
  resourceTagKeys,
  str,
  tagMap,
} from './common';

interface CreateClusterInput {
  name: string;
  roleArn: string;
  version?: string;
  vpcConfig: Record<string, unknown>;
  clientRequestToken?: string;
  tags?: Tag[];
}

const clusterResource = (name: string, call: Call) => eksArns.cluster(call.region, callerAccount(call), name);

export const createClusterOp = defineOperation({
  name: 'CreateCluster',
  service: 'eks',
  http: { method: 'POST', path: '/clusters' },
  action: 'eks:CreateCluster',
  mutating: true,
  input(params): CreateClusterInput {
    const name = str(params, 'name', { required: true, min: 1, max: 100, pattern: CLUSTER_NAME })!;
    const roleArn = str(params, 'roleArn', { required: true })!;
    if (!parseRoleArn(roleArn)) throw invalidParameter(`Role ARN ${roleArn} is not a valid IAM role ARN.`, name); // ⚠
    const version = str(params, 'version');
    if (version !== undefined && !/^1\.\d{1,2}$/.test(version)) throw invalidParameter(`unsupported Kubernetes version ${version}`, name); // ⚠
    const vpc = params.resourcesVpcConfig;
    // The model requires resourcesVpcConfig (the CLI and botocore enforce it); iamlocal has no VPCs, so
    // an SDK call without one is accepted and the config is echoed as given.
    if (vpc !== undefined && (typeof vpc !== 'object' || vpc === null || Array.isArray(vpc))) throw invalidParameter('resourcesVpcConfig must be an object.', name);
    return { name, roleArn, version, vpcConfig: (vpc as Record<string, unknown> | undefined) ?? {}, clientRequestToken: str(params, 'clientRequestToken'), tags: tagMap(params) };
  },
  /** The cluster's service-account signing key (RSA-2048) is made before the transaction. */
  prepare: (): Promise<ClusterKey> => generateClusterKey(),
  resource: (input, call) => clusterResource(input.name, call),
  conditionKeys: (input) => requestTagKeys(input.tags),
  extraChecks: (input) => [
    // "iam:PassRole" is a dependent action of eks:CreateCluster (Service Authorization Reference).
    { action: 'iam:PassRole', resource: input.roleArn, resourceAccount: parseRoleArn(input.roleArn)!.account, context: { 'iam:PassedToService': 'eks.amazonaws.com' } },
  ],
  handler(input, call) {
    const account = callerAccount(call);
    if (call.store.eksClusters.get(account, call.region, input.name)) {
      // Observed EKS text.
      throw awsError('ResourceInUseException', `Cluster already exists with name: ${input.name}`, { fields: { clusterName: input.name } });
    }
    const cl = createCluster(
      call.store,
      {
        accountId: account,
        region: call.region,
        name: input.name,
        key: call.prepared as ClusterKey,
        // EKS does not create the IAM OIDC provider; `eksctl utils associate-iam-oidc-provider` or
        // `aws iam create-open-id-connect-provider` does (https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html).
        oidcProviderClientIds: null,
        roleArn: input.roleArn,
        version: input.version ?? null,
        clientRequestToken: input.clientRequestToken ?? null,
        vpcConfig: JSON.stringify(input.vpcConfig),
      },
      call.ids,
      call.now,
    );
    if (input.tags) call.store.tags.put('eks-cluster', clusterArn(cl), input.tags, false);
    return { cluster: clusterShape(call.store, cl) };
  },
});

const nameOnly = (params: Record<string, unknown>) => ({ name: str(params, 'name', { required: true })! });

/** Operations on the cluster the path names: its ARN is the resource, its tags aws:ResourceTag/*. */
const namedCluster = {
  input: nameOnly,
  resource: (input: { name: string }, call: Call) => clusterResource(input.name, call),
  conditionKeys: (input: { name: string }, call: Call) => resourceTagKeys(call.store, 'eks-cluster', clusterResource(input.name, call)),
};

export const describeClusterOp = defineOperation({
  name: 'DescribeCluster',
  service: 'eks',
  http: { method: 'GET', path: '/clusters/{name}' },
  action: 'eks:DescribeCluster',
  mutating: false,
  ...namedCluster,
  handler: (input, call) => ({ cluster: clusterShape(call.store, requireCluster(call, input.name)) }),
});

export const listClustersOp = defineOperation({
  name: 'ListClusters',
  service: 'eks',
  http: { method: 'GET', path: '/clusters', query: { maxResults: 'maxResults', nextToken: 'nextToken', include: 'include' }, queryLists: ['include'] },
  action: 'eks:ListClusters',
  mutating: false,
  input: (params) => paging(params),
  resource: () => '*',
  handler(input, call) {
    const names = call.store.eksClusters.listIn(callerAccount(call), call.region).map((c) => c.name);
    const p = page(names, (n) => n, input.maxResults, input.nextToken);
    return { clusters: p.items, nextToken: p.nextToken };
  },
});

export const deleteClusterOp = defineOperation({
  name: 'DeleteCluster',
  service: 'eks',
  http: { method: 'DELETE', path: '/clusters/{name}' },
  action: 'eks:DeleteCluster',
  mutating: true,
  ...namedCluster,
  handler(input, call) {
    const cl = requireCluster(call, input.name);
    // EKS answers with the cluster in DELETING; iamlocal removes it at once, with its associations
    // (ON DELETE CASCADE) and tags. The IAM OIDC provider stays, as in AWS.
    const shape = clusterShape(call.store, cl, 'DELETING');
    for (const a of call.store.podIdentity.list(cl.accountId, cl.region, cl.name)) call.store.tags.removeAll('eks-pod-identity-association', a.arn);
    call.store.tags.removeAll('eks-cluster', clusterArn(cl));
    call.store.eksClusters.delete(cl.id);
    return { cluster: shape };
  },
});
