// Owns what the pod identity webhook does to a pod: the amazon-eks-pod-identity-webhook contract
// (aws/amazon-eks-pod-identity-webhook, pkg/handler/handler.go and pkg/cache/cache.go), re-implemented
// on plain JSON so no field of the user's pod is lost, plus iamlocal's endpoint variables.
//
// For a service account annotated eks.amazonaws.com/role-arn (IRSA), every container and init container
// not named in the pod's eks.amazonaws.com/skip-containers gets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE
// (unless either is already set), AWS_STS_REGIONAL_ENDPOINTS=regional (when enabled and unset),
// AWS_DEFAULT_REGION + AWS_REGION (when the webhook has a region and neither is set) and a read-only mount of
// the projected volume aws-iam-token at /var/run/secrets/eks.amazonaws.com/serviceaccount (unless a mount of
// that name exists); the pod gets the volume (unless one of that name exists) with a service-account token
// for the audience (annotation eks.amazonaws.com/audience, default sts.amazonaws.com) and expiry (pod, then
// service account annotation eks.amazonaws.com/token-expiration, default 86400 s, at least 600 s).
// A container that already has the credential variables, a region and AWS_STS_REGIONAL_ENDPOINTS is left
// alone entirely (upstream's idempotence rule). On a Windows node (nodeSelector kubernetes.io/os or
// beta.kubernetes.io/os = windows) the token file path is C:\var\run\...\token; the mount path stays.
//
// For a service account with an EKS Pod Identity association (which takes precedence, as upstream's
// container-credentials config does): AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE instead, the volume eks-pod-identity-token (audience
// pods.eks.amazonaws.com) at /var/run/secrets/pods.eks.amazonaws.com/serviceaccount, the pod label
// eks.amazonaws.com/pod-identity=enabled, and the default 86400 s expiry jittered into [79200, 86400].
//
// iamlocal's addition: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM pointing at iamlocal, into the same
// containers, unless the container sets that variable or the global AWS_ENDPOINT_URL itself.

export const ANNOTATION_DOMAIN = 'eks.amazonaws.com';
export const ROLE_ARN_ANNOTATION = `${ANNOTATION_DOMAIN}/role-arn`;
export const AUDIENCE_ANNOTATION = `${ANNOTATION_DOMAIN}/audience`;
export const REGIONAL_STS_ANNOTATION = `${ANNOTATION_DOMAIN}/sts-regional-endpoints`;
export const TOKEN_EXPIRATION_ANNOTATION = `${ANNOTATION_DOMAIN}/token-expiration`;
export const SKIP_CONTAINERS_ANNOTATION = `${ANNOTATION_DOMAIN}/skip-containers`;
export const POD_IDENTITY_LABEL = `${ANNOTATION_DOMAIN}/pod-identity`;

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_TOKEN_EXPIRATION = 86400;
/** Lower end of the jitter applied to the default expiry in Pod Identity mode (upstream DefaultMinTokenExpiration). */
export const DEFAULT_MIN_TOKEN_EXPIRATION = 79200;
/** kube-apiserver's minimum projected token lifetime (upstream MinTokenExpiration). */
export const MIN_TOKEN_EXPIRATION = 600;

export const IRSA_VOLUME = { volumeName: 'aws-iam-token', mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount', tokenPath: 'token' } as const;
export const POD_IDENTITY_VOLUME = {
  volumeName: 'eks-pod-identity-token',
  mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount',
  tokenPath: 'eks-pod-identity-token',
  audience: 'pods.eks.amazonaws.com',
} as const;
/** Where the EKS Pod Identity Agent listens on every node (upstream --container-credentials-full-uri default). */
export const DEFAULT_CONTAINER_CREDENTIALS_FULL_URI = 'http://169.254.170.23/v1/credentials';

/** The webhook's own flags (upstream main.go), per cluster in iamlocal. */
export interface WebhookFlags {
  /** --aws-default-region: set AWS_DEFAULT_REGION and AWS_REGION; '' for none. */
  region: string;
  /** --sts-regional-endpoint: inject AWS_STS_REGIONAL_ENDPOINTS=regional unless the SA annotation says otherwise. */
  regionalSts: boolean;
  /** --token-audience. */
  audience: string;
  /** --token-expiration. */
  tokenExpiration: number;
  /** --container-credentials-full-uri. */
  containerCredentialsFullUri: string;
  /** iamlocal: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM to inject; null for none. */
  stsEndpointUrl: string | null;
  iamEndpointUrl: string | null;
}

export const DEFAULT_WEBHOOK_FLAGS: WebhookFlags = {
  region: '',
  regionalSts: false,
  audience: DEFAULT_AUDIENCE,
  tokenExpiration: DEFAULT_TOKEN_EXPIRATION,
  containerCredentialsFullUri: DEFAULT_CONTAINER_CREDENTIALS_FULL_URI,
  stsEndpointUrl: null,
  iamEndpointUrl: null,
};

export interface JsonPatchOp {
  op: 'add';
  path: string;
  value: unknown;
}

type Json = Record<string, unknown>;
interface EnvVar extends Json {
  name: string;
}
interface Container extends Json {
  name?: string;
  env?: EnvVar[];
  volumeMounts?: Json[];
}

export interface PodPatchResult {
  mode: 'web-identity' | 'container-credentials';
  patch: JsonPatchOp[];
  /** False when the pod already had everything (the patch then changes nothing). */
  changed: boolean;
}

/** Go's strconv.ParseBool. */
function parseGoBool(v: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return null;
}

/** Go's strconv.ParseInt(v, 10, 64); null when it would fail. */
function parseGoInt64(v: string): number | null {
  if (!/^[+-]?\d+$/.test(v)) return null;
  const n = BigInt(v);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return null;
  return Number(n);
}

const atLeastMin = (n: number) => (n < MIN_TOKEN_EXPIRATION ? MIN_TOKEN_EXPIRATION : n);

/** The first record of a CSV value like Go's encoding/csv Reader.Read (strict quotes); null on a parse error. */
export function parseCsvRecord(value: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  if (value.length === 0) return null; // io.EOF
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i++;
      for (;;) {
        if (i >= value.length) return null; // extraneous or missing " in quoted-field
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += value[i++];
      }
      if (i < value.length && value[i] !== ',' && value[i] !== '\n' && value[i] !== '\r') return null;
    } else {
      while (i < value.length && value[i] !== ',' && value[i] !== '\n' && value[i] !== '\r') {
        if (value[i] === '"') return null; // bare " in non-quoted-field
        field += value[i++];
      }
    }
    fields.push(field);
    if (i < value.length && value[i] === ',') {
      i++;
      continue;
    }
    return fields;
  }
}

/** What the service account cache holds for an SA (upstream cache.addSA), or null without a role. */
export interface ServiceAccountEntry {
  roleArn: string;
  audience: string;
  useRegionalSts: boolean;
  tokenExpiration: number;
}

/** Reads an SA's annotations the way upstream's cache does; flags give the defaults. */
export function serviceAccountEntry(annotations: Record<string, string> | null, flags: WebhookFlags): { roleArn: string; audience: string; useRegionalSts: boolean; tokenExpiration: number } {
  const a = annotations ?? {};
  const regional = a[REGIONAL_STS_ANNOTATION] === undefined ? null : parseGoBool(a[REGIONAL_STS_ANNOTATION]);
  const exp = a[TOKEN_EXPIRATION_ANNOTATION] === undefined ? null : parseGoInt64(a[TOKEN_EXPIRATION_ANNOTATION]);
  return {
    roleArn: a[ROLE_ARN_ANNOTATION] ?? '',
    audience: a[AUDIENCE_ANNOTATION] ?? flags.audience,
    useRegionalSts: regional ?? flags.regionalSts,
    tokenExpiration: exp === null ? flags.tokenExpiration : atLeastMin(exp),
  };
}

interface PatchConfig {
  skip: Set<string>;
  tokenExpiration: number;
  useRegionalSts: boolean;
  audience: string;
  mountPath: string;
  volumeName: string;
  tokenPath: string;
  webIdentity: { roleArn: string } | null;
  containerCredentials: { fullUri: string } | null;
}

function asObject(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function podAnnotations(pod: Json): Record<string, string> {
  const a = asObject(asObject(pod.metadata).annotations);
  return Object.fromEntries(Object.entries(a).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** Pod-level overrides: eks.amazonaws.com/token-expiration and skip-containers (upstream parsePodAnnotations). */
function podOverrides(pod: Json, saExpiration: number): { tokenExpiration: number; skip: Set<string> } {
  const a = podAnnotations(pod);
  let tokenExpiration = saExpiration;
  if (a[TOKEN_EXPIRATION_ANNOTATION] !== undefined) {
    const n = parseGoInt64(a[TOKEN_EXPIRATION_ANNOTATION]);
    if (n !== null) tokenExpiration = atLeastMin(n);
  }
  const skip = new Set<string>();
  if (a[SKIP_CONTAINERS_ANNOTATION] !== undefined) for (const n of parseCsvRecord(a[SKIP_CONTAINERS_ANNOTATION]) ?? []) skip.add(n);
  return { tokenExpiration, skip };
}

export interface PodIdentities {
  /** The SA's annotations (null: unknown service account). */
  serviceAccount: Record<string, string> | null;
  /** The SA's EKS Pod Identity association, if any. */
  podIdentity: { roleArn: string } | null;
}

function patchConfig(pod: Json, ids: PodIdentities, flags: WebhookFlags, randomInt: (n: number) => number): PatchConfig | null {
  const sa = serviceAccountEntry(ids.serviceAccount, flags);
  if (ids.podIdentity) {
    // upstream GetCommonConfigurations: regional STS and expiry from the SA when known, else defaults.
    const common = ids.serviceAccount ? sa : { useRegionalSts: false, tokenExpiration: DEFAULT_TOKEN_EXPIRATION };
    const { tokenExpiration, skip } = podOverrides(pod, common.tokenExpiration);
    return {
      skip,
      tokenExpiration: tokenExpiration === DEFAULT_TOKEN_EXPIRATION ? DEFAULT_MIN_TOKEN_EXPIRATION + randomInt(DEFAULT_TOKEN_EXPIRATION - DEFAULT_MIN_TOKEN_EXPIRATION + 1) : tokenExpiration,
      useRegionalSts: common.useRegionalSts,
      audience: POD_IDENTITY_VOLUME.audience,
      mountPath: POD_IDENTITY_VOLUME.mountPath,
      volumeName: POD_IDENTITY_VOLUME.volumeName,
      tokenPath: POD_IDENTITY_VOLUME.tokenPath,
      webIdentity: null,
      containerCredentials: { fullUri: flags.containerCredentialsFullUri },
    };
  }
  if (sa.roleArn === '') return null;
  const { tokenExpiration, skip } = podOverrides(pod, sa.tokenExpiration);
  return {
    skip,
    tokenExpiration,
    useRegionalSts: sa.useRegionalSts,
    audience: sa.audience,
    mountPath: IRSA_VOLUME.mountPath,
    volumeName: IRSA_VOLUME.volumeName,
    tokenPath: IRSA_VOLUME.tokenPath,
    webIdentity: { roleArn: sa.roleArn },
    containerCredentials: null,
  };
}

const env = (name: string, value: string): EnvVar => ({ name, value });

/** upstream addEnvToContainer, on a copy; returns whether anything was added. */
function mutateContainer(c: Container, tokenFile: string, cfg: PatchConfig, flags: WebhookFlags): boolean {
  const names = new Set((Array.isArray(c.env) ? c.env : []).map((e) => (e && typeof e.name === 'string' ? e.name : '')));
  const webIdentityDefined = names.has('AWS_ROLE_ARN') || names.has('AWS_WEB_IDENTITY_TOKEN_FILE');
  const containerCredsDefined = names.has('AWS_CONTAINER_CREDENTIALS_FULL_URI') || names.has('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE');
  const regionDefined = names.has('AWS_REGION') || names.has('AWS_DEFAULT_REGION');
  const regionalStsDefined = names.has('AWS_STS_REGIONAL_ENDPOINTS');
  const added: EnvVar[] = [];
  let changed = false;
  const credsDefined = cfg.containerCredentials ? containerCredsDefined : webIdentityDefined;
  // Everything present: upstream leaves the container (mount included) as it is.
  const complete = credsDefined && regionDefined && regionalStsDefined;
  if (!complete) {
    if (!regionalStsDefined && cfg.useRegionalSts) added.push(env('AWS_STS_REGIONAL_ENDPOINTS', 'regional'));
    if (!regionDefined && flags.region !== '') added.push(env('AWS_DEFAULT_REGION', flags.region), env('AWS_REGION', flags.region));
    if (cfg.containerCredentials) {
      if (!containerCredsDefined) added.push(env('AWS_CONTAINER_CREDENTIALS_FULL_URI', cfg.containerCredentials.fullUri), env('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', tokenFile));
    } else if (cfg.webIdentity && !webIdentityDefined) {
      added.push(env('AWS_ROLE_ARN', cfg.webIdentity.roleArn), env('AWS_WEB_IDENTITY_TOKEN_FILE', tokenFile));
    }
  }
  // iamlocal: send the SDKs' STS (and IAM) calls to iamlocal, never overriding the user's own endpoint.
  if (!names.has('AWS_ENDPOINT_URL')) {
    if (flags.stsEndpointUrl && !names.has('AWS_ENDPOINT_URL_STS')) added.push(env('AWS_ENDPOINT_URL_STS', flags.stsEndpointUrl));
    if (flags.iamEndpointUrl && !names.has('AWS_ENDPOINT_URL_IAM')) added.push(env('AWS_ENDPOINT_URL_IAM', flags.iamEndpointUrl));
  }
  if (added.length > 0) {
    c.env = [...(Array.isArray(c.env) ? c.env : []), ...added];
    changed = true;
  }
  if (!complete) {
    const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
    if (!mounts.some((m) => asObject(m).name === cfg.volumeName)) {
      c.volumeMounts = [...mounts, { name: cfg.volumeName, readOnly: true, mountPath: cfg.mountPath }];
      changed = true;
    }
  }
  return changed;
}

function isWindows(pod: Json): boolean {
  const sel = asObject(asObject(pod.spec).nodeSelector);
  return sel['kubernetes.io/os'] === 'windows' || sel['beta.kubernetes.io/os'] === 'windows';
}

/** Joins like Go's filepath.Join on Linux: cleaned, one slash between. */
function joinPath(a: string, b: string): string {
  const parts: string[] = [];
  for (const seg of `${a}/${b}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return (a.startsWith('/') ? '/' : '') + parts.join('/');
}

/**
 * The JSON Patch for a pod, or null when the pod's service account has neither a role nor a Pod Identity
 * association (no mutation). `randomInt(n)` returns an integer in [0, n) (the Pod Identity expiry jitter).
 */
export function podPatch(pod: Json, ids: PodIdentities, flags: WebhookFlags, randomInt: (n: number) => number): PodPatchResult | null {
  const cfg = patchConfig(pod, ids, flags, randomInt);
  if (!cfg) return null;
  const spec = asObject(pod.spec);
  let tokenFile = joinPath(cfg.mountPath, cfg.tokenPath);
  if (isWindows(pod)) tokenFile = 'C:' + tokenFile.replace(/\//g, '\\');

  let changed = false;
  const mutateAll = (list: unknown): Container[] =>
    (Array.isArray(list) ? list : []).map((raw) => {
      const c = structuredClone(asObject(raw)) as Container;
      if (typeof c.name === 'string' && cfg.skip.has(c.name)) return c;
      if (mutateContainer(c, tokenFile, cfg, flags)) changed = true;
      return c;
    });
  const initContainers = mutateAll(spec.initContainers);
  const containers = mutateAll(spec.containers);

  const patch: JsonPatchOp[] = [];
  if (cfg.containerCredentials) {
    const labels = asObject(pod.metadata).labels;
    if (labels === undefined || labels === null) patch.push({ op: 'add', path: '/metadata/labels', value: { [POD_IDENTITY_LABEL]: 'enabled' } });
    else patch.push({ op: 'add', path: `/metadata/labels/${POD_IDENTITY_LABEL.replace(/~/g, '~0').replace(/\//g, '~1')}`, value: 'enabled' });
    if (asObject(labels)[POD_IDENTITY_LABEL] !== 'enabled') changed = true;
  }
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : null;
  if (!volumes?.some((v) => asObject(v).name === cfg.volumeName)) {
    const volume = {
      name: cfg.volumeName,
      projected: { sources: [{ serviceAccountToken: { audience: cfg.audience, expirationSeconds: cfg.tokenExpiration, path: cfg.tokenPath } }] },
    };
    patch.push(volumes ? { op: 'add', path: '/spec/volumes/0', value: volume } : { op: 'add', path: '/spec/volumes', value: [volume] });
    changed = true;
  }
  patch.push({ op: 'add', path: '/spec/containers', value: containers });
  if (initContainers.length > 0) patch.push({ op: 'add', path: '/spec/initContainers', value: initContainers });
  return { mode: cfg.containerCredentials ? 'container-credentials' : 'web-identity', patch, changed };
}
