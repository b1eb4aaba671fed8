// Owns the S3 operations the authorizing proxy knows: ONE table naming, for each operation, how it is
// recognised on the wire (method, service/bucket/object target, query subresource, headers) and what
// IAM decides it by (action, resource ARN, condition keys, extra checks). Nothing else in the proxy
// says which action an S3 call needs; a request no entry matches fails closed.
// Wire shapes: the S3 API model (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html);
// actions and keys: the Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html) and
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html.
import type { RequestContext } from '../../policy/types';

/** One S3 request as the proxy sees it: addressing resolved, headers lower-case. */
export interface S3Request {
  method: string;
  bucket: string | null;
  /** The object key, decoded; null for service and bucket requests. */
  key: string | null;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

export interface S3Check {
  action: string;
  resource: string;
  context?: RequestContext;
  /** Owner of that resource when it is another bucket (CopyObject's source). */
  bucket?: string;
}

export interface S3Operation {
  /** The S3 API operation name (GetObject, ListObjectsV2, …). */
  name: string;
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  target: 'service' | 'bucket' | 'object';
  /** The query subresource that names the operation (`?policy`, `?tagging`, `?uploads`, …). */
  subresource?: string;
  /** A further discriminator (a header or query value) when method + subresource are shared. */
  when?: (r: S3Request) => boolean;
  /** The IAM action, possibly depending on the request (`versionId` selects the …Version actions). */
  action: (r: S3Request) => string;
  /** Operation-specific condition keys (the s3:* keys the Service Authorization Reference lists for it). */
  conditionKeys?: (r: S3Request) => RequestContext;
  /** The action supports s3:ExistingObjectTag/<key>: the object's current tags are read first. */
  existingObjectTags?: boolean;
  /** Further authorizations the operation needs (CopyObject: s3:GetObject on the source). */
  extraChecks?: (r: S3Request) => S3Check[];
  /** What the operation does to the proxy's bucket-policy cache. */
  bucketPolicy?: 'get' | 'put' | 'delete';
  /** The upstream records a new bucket (its owner is the caller's account). */
  createsBucket?: boolean;
  deletesBucket?: boolean;
}

const fixed = (action: string) => () => action;
const versioned = (plain: string, version: string) => (r: S3Request) => (r.query.has('versionId') ? version : plain);

function header(r: S3Request, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Request headers that are S3 condition keys of the same name (s3:x-amz-acl, …). */
const HEADER_KEYS = [
  'x-amz-acl',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-storage-class',
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
  'x-amz-metadata-directive',
  'x-amz-object-lock-mode',
  'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold',
  'x-amz-website-redirect-location',
];

function headerKeys(r: S3Request, names: readonly string[]): RequestContext {
  const ctx: RequestContext = {};
  for (const n of names) {
    const v = header(r, n);
    if (v === undefined) continue;
    // The SSE-KMS key id is s3:x-amz-server-side-encryption-aws-kms-key-id; the lock keys drop the x-amz- prefix.
    const key = n.startsWith('x-amz-object-lock-') ? `s3:${n.slice(6)}` : `s3:${n}`;
    ctx[key] = v;
  }
  return ctx;
}

/** s3:RequestObjectTag/<k> and s3:RequestObjectTagKeys from the x-amz-tagging header (URL-query encoded). */
function requestTags(r: S3Request): RequestContext {
  const t = header(r, 'x-amz-tagging');
  if (t === undefined) return {};
  const ctx: RequestContext = {};
  const keys: string[] = [];
  for (const [k, v] of new URLSearchParams(t)) {
    ctx[`s3:RequestObjectTag/${k}`] = v;
    keys.push(k);
  }
  ctx['s3:RequestObjectTagKeys'] = keys;
  return ctx;
}

/** s3:prefix, s3:delimiter, s3:max-keys of the List… calls (absent parameters are absent keys). */
function listKeys(r: S3Request): RequestContext {
  const ctx: RequestContext = {};
  const prefix = r.query.get('prefix');
  const delimiter = r.query.get('delimiter');
  const maxKeys = r.query.get('max-keys');
  if (prefix !== null) ctx['s3:prefix'] = prefix;
  if (delimiter !== null) ctx['s3:delimiter'] = delimiter;
  if (maxKeys !== null) ctx['s3:max-keys'] = maxKeys;
  return ctx;
}

function versionKey(r: S3Request): RequestContext {
  const v = r.query.get('versionId');
  return v === null ? {} : { 's3:versionid': v };
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** `x-amz-copy-source`: `bucket/key[?versionId=…]`, URL-encoded, with or without a leading slash. */
export function parseCopySource(v: string): { bucket: string; key: string; versionId: string | null } | null {
  const [pathPart, query] = v.split('?', 2) as [string, string | undefined];
  let path: string;
  try {
    path = decodeURIComponent(pathPart.startsWith('/') ? pathPart.slice(1) : pathPart);
  } catch {
    return null;
  }
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return null;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1), versionId: query ? new URLSearchParams(query).get('versionId') : null };
}

/** CopyObject / UploadPartCopy read the source: s3:GetObject (or …Version) on it. */
function copySourceCheck(r: S3Request): S3Check[] {
  const src = parseCopySource(header(r, 'x-amz-copy-source') ?? '');
  if (!src) return [];
  return [{ action: src.versionId ? 's3:GetObjectVersion' : 's3:GetObject', resource: objectArn(src.bucket, src.key), bucket: src.bucket }];
}

const hasCopySource = (r: S3Request) => header(r, 'x-amz-copy-source') !== undefined;
const putObjectKeys = (r: S3Request): RequestContext => ({
  ...headerKeys(r, HEADER_KEYS),
  ...requestTags(r),
  ...(header(r, 'x-amz-copy-source') !== undefined ? { 's3:x-amz-copy-source': header(r, 'x-amz-copy-source')! } : {}),
});

export const S3_OPERATIONS: readonly S3Operation[] = [
  // ---- service
  { name: 'ListBuckets', method: 'GET', target: 'service', action: fixed('s3:ListAllMyBuckets') },

  // ---- bucket
  { name: 'CreateBucket', method: 'PUT', target: 'bucket', action: fixed('s3:CreateBucket'), createsBucket: true,
    conditionKeys: (r) => headerKeys(r, ['x-amz-acl', 'x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control', 'x-amz-object-ownership']) },
  { name: 'DeleteBucket', method: 'DELETE', target: 'bucket', action: fixed('s3:DeleteBucket'), deletesBucket: true },
  { name: 'HeadBucket', method: 'HEAD', target: 'bucket', action: fixed('s3:ListBucket') },
  { name: 'ListObjectsV2', method: 'GET', target: 'bucket', when: (r) => r.query.get('list-type') === '2', action: fixed('s3:ListBucket'), conditionKeys: listKeys },
  { name: 'ListObjects', method: 'GET', target: 'bucket', action: fixed('s3:ListBucket'), conditionKeys: listKeys },
  { name: 'ListObjectVersions', method: 'GET', target: 'bucket', subresource: 'versions', action: fixed('s3:ListBucketVersions'), conditionKeys: listKeys },
  { name: 'ListMultipartUploads', method: 'GET', target: 'bucket', subresource: 'uploads', action: fixed('s3:ListBucketMultipartUploads') },
  { name: 'GetBucketLocation', method: 'GET', target: 'bucket', subresource: 'location', action: fixed('s3:GetBucketLocation') },
  { name: 'GetBucketPolicy', method: 'GET', target: 'bucket', subresource: 'policy', action: fixed('s3:GetBucketPolicy'), bucketPolicy: 'get' },
  { name: 'PutBucketPolicy', method: 'PUT', target: 'bucket', subresource: 'policy', action: fixed('s3:PutBucketPolicy'), bucketPolicy: 'put' },
  { name: 'DeleteBucketPolicy', method: 'DELETE', target: 'bucket', subresource: 'policy', action: fixed('s3:DeleteBucketPolicy'), bucketPolicy: 'delete' },
  { name: 'GetBucketCors', method: 'GET', target: 'bucket', subresource: 'cors', action: fixed('s3:GetBucketCORS') },
  { name: 'PutBucketCors', method: 'PUT', target: 'bucket', subresource: 'cors', action: fixed('s3:PutBucketCORS') },
  // DeleteBucketCors is authorized by s3:PutBucketCORS (using-with-s3-policy-actions.html).
  { name: 'DeleteBucketCors', method: 'DELETE', target: 'bucket', subresource: 'cors', action: fixed('s3:PutBucketCORS') },
  { name: 'GetBucketWebsite', method: 'GET', target: 'bucket', subresource: 'website', action: fixed('s3:GetBucketWebsite') },
  { name: 'PutBucketWebsite', method: 'PUT', target: 'bucket', subresource: 'website', action: fixed('s3:PutBucketWebsite') },
  { name: 'DeleteBucketWebsite', method: 'DELETE', target: 'bucket', subresource: 'website', action: fixed('s3:DeleteBucketWebsite') },
  { name: 'GetBucketTagging', method: 'GET', target: 'bucket', subresource: 'tagging', action: fixed('s3:GetBucketTagging') },
  { name: 'PutBucketTagging', method: 'PUT', target: 'bucket', subresource: 'tagging', action: fixed('s3:PutBucketTagging') },
  // DeleteBucketTagging is authorized by s3:PutBucketTagging.
  { name: 'DeleteBucketTagging', method: 'DELETE', target: 'bucket', subresource: 'tagging', action: fixed('s3:PutBucketTagging') },
  { name: 'GetBucketAcl', method: 'GET', target: 'bucket', subresource: 'acl', action: fixed('s3:GetBucketAcl') },
  { name: 'PutBucketAcl', method: 'PUT', target: 'bucket', subresource: 'acl', action: fixed('s3:PutBucketAcl'), conditionKeys: (r) => headerKeys(r, HEADER_KEYS) },
  { name: 'GetBucketVersioning', method: 'GET', target: 'bucket', subresource: 'versioning', action: fixed('s3:GetBucketVersioning') },
  { name: 'PutBucketVersioning', method: 'PUT', target: 'bucket', subresource: 'versioning', action: fixed('s3:PutBucketVersioning') },
  { name: 'GetBucketEncryption', method: 'GET', target: 'bucket', subresource: 'encryption', action: fixed('s3:GetEncryptionConfiguration') },
  { name: 'PutBucketEncryption', method: 'PUT', target: 'bucket', subresource: 'encryption', action: fixed('s3:PutEncryptionConfiguration') },
  { name: 'GetBucketLifecycleConfiguration', method: 'GET', target: 'bucket', subresource: 'lifecycle', action: fixed('s3:GetLifecycleConfiguration') },
  { name: 'PutBucketLifecycleConfiguration', method: 'PUT', target: 'bucket', subresource: 'lifecycle', action: fixed('s3:PutLifecycleConfiguration') },
  { name: 'DeleteBucketLifecycle', method: 'DELETE', target: 'bucket', subresource: 'lifecycle', action: fixed('s3:PutLifecycleConfiguration') },
  { name: 'GetPublicAccessBlock', method: 'GET', target: 'bucket', subresource: 'publicAccessBlock', action: fixed('s3:GetBucketPublicAccessBlock') },
  { name: 'PutPublicAccessBlock', method: 'PUT', target: 'bucket', subresource: 'publicAccessBlock', action: fixed('s3:PutBucketPublicAccessBlock') },
  { name: 'DeletePublicAccessBlock', method: 'DELETE', target: 'bucket', subresource: 'publicAccessBlock', action: fixed('s3:PutBucketPublicAccessBlock') },
  // DeleteObjects: one s3:DeleteObject per key in the body, checked by the proxy (see s3/delete-objects.ts).
  { name: 'DeleteObjects', method: 'POST', target: 'bucket', subresource: 'delete', action: fixed('s3:DeleteObject') },

  // ---- object
  { name: 'GetObjectTagging', method: 'GET', target: 'object', subresource: 'tagging', action: versioned('s3:GetObjectTagging', 's3:GetObjectVersionTagging'), conditionKeys: versionKey, existingObjectTags: true },
  { name: 'PutObjectTagging', method: 'PUT', target: 'object', subresource: 'tagging', action: versioned('s3:PutObjectTagging', 's3:PutObjectVersionTagging'), conditionKeys: versionKey, existingObjectTags: true },
  { name: 'DeleteObjectTagging', method: 'DELETE', target: 'object', subresource: 'tagging', action: versioned('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'), conditionKeys: versionKey, existingObjectTags: true },
  { name: 'GetObjectAcl', method: 'GET', target: 'object', subresource: 'acl', action: versioned('s3:GetObjectAcl', 's3:GetObjectVersionAcl'), conditionKeys: versionKey, existingObjectTags: true },
  { name: 'PutObjectAcl', method: 'PUT', target: 'object', subresource: 'acl', action: versioned('s3:PutObjectAcl', 's3:PutObjectVersionAcl'), conditionKeys: (r) => ({ ...versionKey(r), ...headerKeys(r, HEADER_KEYS) }), existingObjectTags: true },
  { name: 'ListParts', method: 'GET', target: 'object', subresource: 'uploadId', action: fixed('s3:ListMultipartUploadParts') },
  { name: 'AbortMultipartUpload', method: 'DELETE', target: 'object', subresource: 'uploadId', action: fixed('s3:AbortMultipartUpload') },
  { name: 'CreateMultipartUpload', method: 'POST', target: 'object', subresource: 'uploads', action: fixed('s3:PutObject'), conditionKeys: putObjectKeys },
  { name: 'CompleteMultipartUpload', method: 'POST', target: 'object', subresource: 'uploadId', action: fixed('s3:PutObject') },
  { name: 'UploadPartCopy', method: 'PUT', target: 'object', subresource: 'uploadId', when: hasCopySource, action: fixed('s3:PutObject'), extraChecks: copySourceCheck },
  { name: 'UploadPart', method: 'PUT', target: 'object', subresource: 'uploadId', action: fixed('s3:PutObject') },
  { name: 'CopyObject', method: 'PUT', target: 'object', when: hasCopySource, action: fixed('s3:PutObject'), conditionKeys: putObjectKeys, extraChecks: copySourceCheck },
  { name: 'PutObject', method: 'PUT', target: 'object', action: fixed('s3:PutObject'), conditionKeys: putObjectKeys },
  { name: 'GetObject', method: 'GET', target: 'object', action: versioned('s3:GetObject', 's3:GetObjectVersion'), conditionKeys: versionKey, existingObjectTags: true },
  // HeadObject is authorized by s3:GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
  { name: 'HeadObject', method: 'HEAD', target: 'object', action: versioned('s3:GetObject', 's3:GetObjectVersion'), conditionKeys: versionKey, existingObjectTags: true },
  { name: 'DeleteObject', method: 'DELETE', target: 'object', action: versioned('s3:DeleteObject', 's3:DeleteObjectVersion'), conditionKeys: versionKey },
];

/**
 * Query parameters that name an S3 subresource (an operation of its own). A request carrying one the
 * table has no entry for is an operation the proxy does not know: it fails closed rather than being
 * taken for the plain GetObject / PutObject it would otherwise look like.
 */
export const S3_SUBRESOURCES = new Set([
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory',
  'legal-hold', 'lifecycle', 'location', 'logging', 'metadataConfiguration', 'metadataTable', 'metrics', 'notification',
  'object-lock', 'ownershipControls', 'partNumber', 'policy', 'policyStatus', 'publicAccessBlock', 'replication',
  'requestPayment', 'restore', 'retention', 'select', 'session', 'tagging', 'torrent', 'uploadId', 'uploads',
  'versioning', 'versions', 'website',
]);

/** Subresources that only qualify another operation (UploadPart's partNumber, GetObject's partNumber). */
const QUALIFIERS = new Set(['partNumber']);

export type Identified = { op: S3Operation } | { unknown: string };

/** The table entry for a request, or why none applies (an unknown subresource, a method S3 has no operation for). */
export function identifyS3Operation(r: S3Request): Identified {
  const target: S3Operation['target'] = r.bucket === null ? 'service' : r.key === null ? 'bucket' : 'object';
  const subs = [...new Set([...r.query.keys()].filter((k) => S3_SUBRESOURCES.has(k) && !QUALIFIERS.has(k)))];
  if (subs.length > 1) return { unknown: `conflicting subresources ${subs.map((s) => `?${s}`).join(', ')}` };
  const sub = subs[0];
  for (const op of S3_OPERATIONS) {
    if (op.method !== r.method || op.target !== target) continue;
    if ((op.subresource ?? undefined) !== sub) continue;
    if (op.when && !op.when(r)) continue;
    return { op };
  }
  return { unknown: `${r.method} on ${target === 'service' ? 'the service' : target === 'bucket' ? 'a bucket' : 'an object'}${sub ? ` with ?${sub}` : ''}` };
}

/** S3 condition keys every request carries (https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html). */
export function commonS3Keys(r: S3Request, auth: { form: 'header' | 'query'; requestTime: Date } | null, now: Date): RequestContext {
  const ctx: RequestContext = {};
  if (auth) {
    ctx['s3:authType'] = auth.form === 'header' ? 'REST-HEADER' : 'REST-QUERY-STRING';
    ctx['s3:signatureversion'] = 'AWS4-HMAC-SHA256';
    ctx['s3:signatureAge'] = String(Math.max(0, now.getTime() - auth.requestTime.getTime()));
    const sha = header(r, 'x-amz-content-sha256');
    if (sha !== undefined) ctx['s3:x-amz-content-sha256'] = sha;
  }
  return ctx;
}
