// Owns creating a mock EKS cluster in the store: its issuer (from the OIDC id), its signing key and,
// when asked, the IAM OIDC provider that trusts that key. Shared by the admin endpoint, the EKS
// CreateCluster operation and the seeds. Synchronous: run it inside a transaction.
import { awsErrors } from '../aws/errors';
import { eksIssuerUrl, newClusterOidcId, type ClusterKey } from '../oidc/index';
import type { IdSource } from '../runtime';
import { ensureClusterOidcProvider, recordClusterKey } from './cluster-vault';
import type { EksCluster } from './repos/eks-clusters';
import type { Store } from './store';

export interface NewClusterSpec {
  accountId: string;
  region: string;
  name: string;
  id?: string;
  key: ClusterKey;
  /** Creation time to keep (a cluster re-created from its kept key). */
  createdAt?: string;
  /** Client ids of the IAM OIDC provider to create for the issuer; null = create none. */
  oidcProviderClientIds: string[] | null;
  /** EKS CreateCluster members kept for DescribeCluster. */
  roleArn?: string | null;
  version?: string | null;
  clientRequestToken?: string | null;
  vpcConfig?: string | null;
}

/** Stores a cluster (and, if asked, the IAM OIDC provider that trusts its key). Synchronous: run in a transaction. */
export function createCluster(store: Store, spec: NewClusterSpec, ids: IdSource, now: Date): EksCluster {
  const at = now.toISOString();
  if (!store.accounts.get(spec.accountId)) throw awsErrors.noSuchEntity(`Account ${spec.accountId} does not exist.`);
  if (store.eksClusters.get(spec.accountId, spec.region, spec.name)) {
    throw awsErrors.entityAlreadyExists(`Cluster ${spec.name} already exists in ${spec.accountId}/${spec.region}.`);
  }
  const id = spec.id ?? newClusterOidcId(ids);
  if (store.eksClusters.getById(id)) throw awsErrors.entityAlreadyExists(`Cluster OIDC id ${id} is already used by another cluster.`);
  const cluster = store.eksClusters.create({
    accountId: spec.accountId,
    region: spec.region,
    name: spec.name,
    id,
    issuer: eksIssuerUrl(spec.region, id),
    privateJwk: JSON.stringify(spec.key.privateJwk),
    publicJwk: JSON.stringify(spec.key.publicJwk),
    kid: spec.key.kid,
    createdAt: spec.createdAt ?? at,
    roleArn: spec.roleArn ?? null,
    version: spec.version ?? null,
    clientRequestToken: spec.clientRequestToken ?? null,
    vpcConfig: spec.vpcConfig ?? null,
  });
  if (spec.oidcProviderClientIds) ensureClusterOidcProvider(store, cluster, spec.oidcProviderClientIds, at);
  // The key goes into the vault that survives reset (a kind cluster set up once keeps working).
  recordClusterKey(store, cluster, spec.oidcProviderClientIds);
  return cluster;
}
