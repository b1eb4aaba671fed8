// Owns what `iamlocal kind` writes (pure: values in, objects out):
// - the kind cluster config (kind.x-k8s.io/v1alpha4): the cluster's key pair mounted over kubeadm's
//   /etc/kubernetes/pki/sa.key / sa.pub on every control-plane node, and one kubeadm ClusterConfiguration patch
//   setting kube-apiserver's --service-account-issuer (the EKS-shaped issuer), --service-account-key-file,
//   --service-account-signing-key-file and --api-audiences. The patch has no apiVersion and map-style
//   extraArgs: kind applies such a patch to whichever kubeadm API it generates (v1beta3, or v1beta4 for
//   Kubernetes ≥ 1.36, converting the map to v1beta4's name/value list; kind pkg/internal/patch/kubeadm_merge.go).
//   --api-audiences stays the stock kind value (https://kubernetes.default.svc.cluster.local), so in-cluster
//   tokens keep working and no default token ever carries sts.amazonaws.com.
// - the manifest: Namespace iamlocal; Service iamlocal (no selector) + an EndpointSlice to the address kind
//   nodes reach iamlocal at, so pods and the API server reach it as iamlocal.iamlocal.svc; and the
//   MutatingWebhookConfiguration with iamlocal's caBundle: one webhook for pods (CREATE) and one for
//   ServiceAccounts (CREATE/UPDATE/DELETE: how iamlocal learns the eks.amazonaws.com annotations).
// https://kind.sigs.k8s.io/docs/user/configuration/
// https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/
import { isIPv6 } from 'node:net';

export const KIND_API_VERSION = 'kind.x-k8s.io/v1alpha4';
export const STOCK_KIND_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const IAMLOCAL_NAMESPACE = 'iamlocal';
export const IAMLOCAL_SERVICE = 'iamlocal';
/** The in-cluster name pods reach iamlocal by. */
export const IAMLOCAL_SERVICE_HOST = `${IAMLOCAL_SERVICE}.${IAMLOCAL_NAMESPACE}.svc.cluster.local`;
export const PKI = { key: '/etc/kubernetes/pki/sa.key', pub: '/etc/kubernetes/pki/sa.pub' } as const;

export interface KindConfigInput {
  clusterName: string;
  issuer: string;
  /** Absolute host paths of the written key files. */
  keyPath: string;
  pubPath: string;
  /** Extra worker nodes (the key is only needed on control-plane nodes). */
  workers: number;
}

export function kindClusterConfig(i: KindConfigInput): Record<string, unknown> {
  const patch = [
    'kind: ClusterConfiguration',
    'apiServer:',
    '  extraArgs:',
    `    service-account-issuer: ${i.issuer}`,
    `    service-account-key-file: ${PKI.pub}`,
    `    service-account-signing-key-file: ${PKI.key}`,
    `    api-audiences: ${STOCK_KIND_ISSUER}`,
    '',
  ].join('\n');
  return {
    kind: 'Cluster',
    apiVersion: KIND_API_VERSION,
    name: i.clusterName,
    nodes: [
      {
        role: 'control-plane',
        extraMounts: [
          { hostPath: i.keyPath, containerPath: PKI.key, readOnly: true },
          { hostPath: i.pubPath, containerPath: PKI.pub, readOnly: true },
        ],
      },
      ...Array.from({ length: i.workers }, () => ({ role: 'worker' })),
    ],
    kubeadmConfigPatches: [patch],
  };
}

export interface ManifestInput {
  clusterId: string;
  /** Address kind nodes reach iamlocal's host (or container) at: an IP. */
  hostAddress: string;
  /** iamlocal's HTTP port at that address. */
  apiPort: number;
  /** The webhook's HTTPS port at that address. */
  webhookPort: number;
  /** base64 of iamlocal's webhook CA PEM. */
  caBundle: string;
  failurePolicy: 'Ignore' | 'Fail';
}

export function webhookPath(clusterId: string): string {
  return `/clusters/${clusterId}/mutate`;
}

export function manifestObjects(m: ManifestInput): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': 'iamlocal', 'app.kubernetes.io/managed-by': 'iamlocal-kind' };
  const service = { namespace: IAMLOCAL_NAMESPACE, name: IAMLOCAL_SERVICE, path: webhookPath(m.clusterId), port: 443 };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: IAMLOCAL_NAMESPACE, labels } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: IAMLOCAL_SERVICE, namespace: IAMLOCAL_NAMESPACE, labels },
      // No selector: the EndpointSlice below points the Service at iamlocal outside the cluster.
      spec: {
        type: 'ClusterIP',
        ports: [
          { name: 'http', protocol: 'TCP', port: m.apiPort, targetPort: m.apiPort },
          { name: 'webhook', protocol: 'TCP', port: 443, targetPort: m.webhookPort },
        ],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${IAMLOCAL_SERVICE}-host`,
        namespace: IAMLOCAL_NAMESPACE,
        // kubernetes.io/service-name ties it to the Service; a managed-by other than the controller's keeps
        // the EndpointSlice controller from touching it.
        labels: { ...labels, 'kubernetes.io/service-name': IAMLOCAL_SERVICE, 'endpointslice.kubernetes.io/managed-by': 'iamlocal-kind' },
      },
      addressType: isIPv6(m.hostAddress) ? 'IPv6' : 'IPv4',
      endpoints: [{ addresses: [m.hostAddress], conditions: { ready: true } }],
      ports: [
        { name: 'http', protocol: 'TCP', port: m.apiPort },
        { name: 'webhook', protocol: 'TCP', port: m.webhookPort },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'iamlocal-pod-identity-webhook', labels },
      webhooks: [
        {
          name: 'pods.pod-identity-webhook.iamlocal.dev',
          admissionReviewVersions: ['v1'],
          clientConfig: { service, caBundle: m.caBundle },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
          // As the EKS webhook's deployment: a pod is admitted unmutated when iamlocal is unreachable.
          failurePolicy: m.failurePolicy,
          sideEffects: 'None',
          timeoutSeconds: 10,
          reinvocationPolicy: 'IfNeeded',
          objectSelector: { matchExpressions: [{ key: 'eks.amazonaws.com/skip-pod-identity-webhook', operator: 'DoesNotExist' }] },
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [IAMLOCAL_NAMESPACE] }] },
        },
        {
          name: 'serviceaccounts.pod-identity-webhook.iamlocal.dev',
          admissionReviewVersions: ['v1'],
          clientConfig: { service, caBundle: m.caBundle },
          rules: [{ operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['serviceaccounts'], scope: 'Namespaced' }],
          // Never block a service account change on iamlocal; it records and always allows.
          failurePolicy: 'Ignore',
          // Records what it sees, except in dry runs.
          sideEffects: 'NoneOnDryRun',
          timeoutSeconds: 5,
        },
      ],
    },
  ];
}
