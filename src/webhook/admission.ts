// Owns answering an AdmissionReview (admission.k8s.io/v1) for iamlocal's pod identity webhook:
// - Pod CREATE: the JSON Patch of src/webhook/pod-mutation.ts (patchType JSONPatch), or allowed without
//   a patch when the pod's service account has no role / association or the pod already has everything.
// - ServiceAccount CREATE/UPDATE/DELETE: records the SA's eks.amazonaws.com/* annotations (the API server
//   never sends them with a pod, so this is how iamlocal learns them; upstream reads SAs with an informer
//   instead) and always allows. Dry runs record nothing (sideEffects: NoneOnDryRun).
// - Anything unparseable: a well-formed denial (allowed: false with a status message, as upstream's "bad
//   content" answer), never an HTTP error, so the API server applies the failurePolicy it was given.
// https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#webhook-request-and-response
import { ANNOTATION_DOMAIN, podPatch, type PodIdentities, type WebhookFlags } from './pod-mutation';

export interface AdmissionDeps {
  /** The webhook flags of the cluster the request is for, or null for an unknown cluster. */
  flags: WebhookFlags | null;
  /** What is known about a service account of the cluster. */
  identities(namespace: string, serviceAccount: string): PodIdentities;
  /** Records (annotations) or forgets (null) a service account seen in an admission review. */
  recordServiceAccount(namespace: string, name: string, annotations: Record<string, string> | null): void;
  /** An integer in [0, n). */
  randomInt(n: number): number;
  log?(msg: string, fields: Record<string, unknown>): void;
}

export interface AdmissionReviewResponse {
  apiVersion: string;
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    patchType?: 'JSONPatch';
    patch?: string;
    status?: { code?: number; message: string };
    warnings?: string[];
  };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function review(apiVersion: unknown, uid: string, response: Omit<AdmissionReviewResponse['response'], 'uid'>): AdmissionReviewResponse {
  return { apiVersion: apiVersion === 'admission.k8s.io/v1beta1' ? 'admission.k8s.io/v1beta1' : 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, ...response } };
}

const deny = (apiVersion: unknown, uid: string, message: string) => review(apiVersion, uid, { allowed: false, status: { code: 400, message } });

/** The eks.amazonaws.com/* annotations of an object's metadata. */
function eksAnnotations(o: Json | null): Record<string, string> {
  const a = obj(obj(o?.metadata)?.annotations) ?? {};
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => k.startsWith(`${ANNOTATION_DOMAIN}/`) && typeof v === 'string')) as Record<string, string>;
}

/** Answers one AdmissionReview body (already read as text). */
export function answerAdmissionReview(body: string, deps: AdmissionDeps): AdmissionReviewResponse {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    return deny(undefined, '', `cannot decode AdmissionReview: ${(e as Error).message}`);
  }
  const ar = obj(doc);
  const req = obj(ar?.request);
  if (!ar || ar.kind !== 'AdmissionReview' || !req) return deny(ar?.apiVersion, str(req?.uid) ?? '', 'bad content: not an AdmissionReview with a request');
  const uid = str(req.uid) ?? '';
  if (uid === '') return deny(ar.apiVersion, '', 'bad content: request.uid is missing');
  const kind = str(obj(req.kind)?.kind) ?? '';
  const operation = str(req.operation) ?? '';

  if (kind === 'ServiceAccount') {
    const object = obj(req.object);
    const name = str(req.name) || str(obj(object?.metadata)?.name) || str(obj(obj(req.oldObject)?.metadata)?.name) || '';
    const namespace = str(req.namespace) || str(obj(object?.metadata)?.namespace) || '';
    if (req.dryRun !== true && name !== '' && namespace !== '' && deps.flags) {
      const annotations = operation === 'DELETE' ? null : eksAnnotations(object);
      deps.recordServiceAccount(namespace, name, annotations && Object.keys(annotations).length > 0 ? annotations : null);
      deps.log?.('webhook service account', { namespace, name, operation, annotations });
    }
    return review(ar.apiVersion, uid, { allowed: true });
  }

  if (kind !== 'Pod') return review(ar.apiVersion, uid, { allowed: true });
  if (!deps.flags) {
    return review(ar.apiVersion, uid, { allowed: true, warnings: ['iamlocal pod identity webhook: this webhook path names no cluster iamlocal knows; the pod was not mutated (re-run `iamlocal kind`)'] });
  }
  const pod = obj(req.object);
  if (!pod || (pod.kind !== undefined && pod.kind !== 'Pod') || !obj(pod.spec)) return deny(ar.apiVersion, uid, 'bad content: request.object is not a Pod');
  const namespace = str(req.namespace) || str(obj(pod.metadata)?.namespace) || 'default';
  // The API server fills in spec.serviceAccountName ("default") before mutating admission runs.
  const serviceAccount = str(obj(pod.spec)?.serviceAccountName) || str(obj(pod.spec)?.serviceAccount) || 'default';
  const result = podPatch(pod, deps.identities(namespace, serviceAccount), deps.flags, deps.randomInt);
  deps.log?.('webhook pod', { namespace, serviceAccount, pod: str(obj(pod.metadata)?.name) ?? str(obj(pod.metadata)?.generateName), mode: result?.mode ?? null, changed: result?.changed ?? false });
  if (!result || !result.changed) return review(ar.apiVersion, uid, { allowed: true });
  return review(ar.apiVersion, uid, { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(result.patch)).toString('base64') });
}
