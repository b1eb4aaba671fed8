// Owns where the webhook's knowledge of a cluster comes from: its per-cluster flags (admin
// PUT /_iamlocal/clusters/NAME/webhook, written by `iamlocal kind`) and the Pod Identity association
// lookup. Associations belong to the EKS API (CreatePodIdentityAssociation); the webhook only asks this
// interface, so it works with whatever store the EKS service keeps them in.
import type { EksCluster } from '../store/repos/eks-clusters';
import type { Store } from '../store/store';
import { DEFAULT_WEBHOOK_FLAGS, type WebhookFlags } from './pod-mutation';

/** Finds the EKS Pod Identity association of a service account (cluster, namespace, name), if any. */
export interface PodIdentityAssociations {
  find(cluster: EksCluster, namespace: string, serviceAccount: string): { roleArn: string } | null;
}

export const noPodIdentityAssociations: PodIdentityAssociations = { find: () => null };

/**
 * The EKS Pod Identity associations iamlocal holds (eks:CreatePodIdentityAssociation, seeds): what the
 * webhook consults by default, so a pod whose service account has an association gets the Pod Identity
 * Agent's variables, as the EKS-managed webhook does. The association's region is the cluster's.
 */
export function storedPodIdentityAssociations(store: Store): PodIdentityAssociations {
  return {
    find: (cluster, namespace, serviceAccount) => {
      const a = store.podIdentity.findAssociation(cluster.accountId, cluster.name, namespace, serviceAccount, cluster.region);
      return a ? { roleArn: a.roleArn } : null;
    },
  };
}

/** The per-cluster settings iamlocal stores (all optional; defaults below). */
export type WebhookSettings = Partial<WebhookFlags>;

/**
 * A cluster's webhook flags: upstream's defaults, except that the region defaults to the cluster's (the
 * EKS-managed webhook injects AWS_REGION / AWS_DEFAULT_REGION), then the stored settings.
 */
export function webhookFlagsFor(store: Store, cluster: EksCluster): WebhookFlags {
  return { ...DEFAULT_WEBHOOK_FLAGS, region: cluster.region, ...(store.webhook.settings<WebhookSettings>(cluster.id) ?? {}) };
}
