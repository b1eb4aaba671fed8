// Owns keeping a mock EKS cluster's identity (OIDC id and signing key) across POST /_iamlocal/reset:
// a kind cluster configured once with that issuer and key must keep working, so creation records the
// key in the vault (cluster_keys, migration 007, not wiped), creation of the same (account, region,
// name) again reuses it, and a reset re-creates the vaulted clusters the seeds did not (with the IAM
// OIDC provider they had). DELETE /_iamlocal/clusters/NAME is the one way to forget a key.
import type { JWK } from 'jose';
import { arns } from '../aws/arn';
import { eksIssuerUrl, jwks, providerUrlFromIssuer, type ClusterKey } from '../oidc/index';
import type { EksCluster } from './repos/eks-clusters';
import type { Store } from './store';

/** The vaulted key and OIDC id of a cluster, if any (and, when `id` is given, only if it is that id). */
export function vaultedClusterKey(store: Store, accountId: string, region: string, name: string, id?: string): { key: ClusterKey; id: string; createdAt: string } | null {
  const rec = store.clusterKeys.get(accountId, region, name);
  if (!rec || (id !== undefined && rec.id !== id)) return null;
  return { id: rec.id, createdAt: rec.createdAt, key: { privateJwk: JSON.parse(rec.privateJwk) as JWK, publicJwk: JSON.parse(rec.publicJwk) as JWK, kid: rec.kid } };
}

/** Records a cluster's key (and whether it had an IAM OIDC provider) in the vault. */
export function recordClusterKey(store: Store, cluster: EksCluster, oidcClientIds: string[] | null): void {
  for (const other of store.clusterKeys.list()) {
    if (other.id === cluster.id && (other.accountId !== cluster.accountId || other.region !== cluster.region || other.name !== cluster.name)) {
      store.clusterKeys.delete(other.accountId, other.region, other.name);
    }
  }
  store.clusterKeys.put({
    accountId: cluster.accountId,
    region: cluster.region,
    name: cluster.name,
    id: cluster.id,
    privateJwk: cluster.privateJwk,
    publicJwk: cluster.publicJwk,
    kid: cluster.kid,
    oidcClientIds,
    createdAt: cluster.createdAt,
  });
}

/** Creates (or re-pins) the IAM OIDC provider for a cluster's issuer, trusting exactly the cluster's public key. */
export function ensureClusterOidcProvider(store: Store, cluster: EksCluster, clientIds: string[], at: string): void {
  const url = providerUrlFromIssuer(cluster.issuer);
  const pinned = JSON.stringify(jwks([JSON.parse(cluster.publicJwk) as JWK]));
  const existing = store.oidcProviders.findByUrl(cluster.accountId, url);
  if (existing) store.oidcProviders.update(existing.arn, { clientIds, jwks: pinned });
  else {
    store.oidcProviders.create({
      arn: arns.oidcProvider(cluster.accountId, url),
      accountId: cluster.accountId,
      url,
      clientIds,
      thumbprints: [],
      jwks: pinned,
      allowNetworkFetch: false,
      createdAt: at,
    });
  }
}

/**
 * After a reset: re-creates each vaulted cluster that is missing (its account exists, its name and OIDC
 * id are free), with its IAM OIDC provider when it had one. Returns how many were restored.
 */
export function restoreVaultedClusters(store: Store, now: Date): number {
  let restored = 0;
  store.transaction(() => {
    for (const rec of store.clusterKeys.list()) {
      if (!store.accounts.get(rec.accountId)) continue;
      if (store.eksClusters.get(rec.accountId, rec.region, rec.name) || store.eksClusters.getById(rec.id)) continue;
      const cluster = store.eksClusters.create({
        accountId: rec.accountId,
        region: rec.region,
        name: rec.name,
        id: rec.id,
        issuer: eksIssuerUrl(rec.region, rec.id),
        privateJwk: rec.privateJwk,
        publicJwk: rec.publicJwk,
        kid: rec.kid,
        createdAt: rec.createdAt,
      });
      if (rec.oidcClientIds) ensureClusterOidcProvider(store, cluster, rec.oidcClientIds, now.toISOString());
      restored++;
    }
  });
  return restored;
}
