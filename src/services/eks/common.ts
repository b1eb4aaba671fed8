// Owns what the EKS operations share: resource ARNs (Service Authorization Reference for Amazon EKS:
// cluster `arn:aws:eks:R:A:cluster/NAME`, podidentityassociation `arn:aws:eks:R:A:podidentityassociation/CLUSTER/ID`),
// input readers with EKS's InvalidParameterException, the cluster lookup with EKS's
// ResourceNotFoundException, tag maps (aws:RequestTag / aws:TagKeys / aws:ResourceTag), and the
// Cluster shape DescribeCluster returns. Model: botocore eks/2017-11-01/service-2.json.
// A message marked ⚠ was not found in any recorded AWS answer; it is our best wording.
import { createPublicKey } from 'node:crypto';
import { arns } from '../../aws/arn';
import { awsError } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { EksCluster } from '../../store/repos/eks-clusters';
import type { Tag, TagResourceKind } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import type { Call, Params } from '../types';

export const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
/** What DescribeCluster reports when CreateCluster named no version (⚠ EKS picks its current default). */
export const DEFAULT_KUBERNETES_VERSION = '1.31';

export const eksArns = {
  cluster: arns.eksCluster,
  podIdentityAssociation: arns.eksPodIdentityAssociation,
};

export const invalidParameter = (message: string, clusterName?: string) =>
  awsError('InvalidParameterException', message, clusterName ? { fields: { clusterName } } : undefined);

/** The caller's account: EKS resources always live in the signing principal's account. */
export function callerAccount(call: Call): string {
  return call.principal.accountId ?? call.config.defaultAccountId;
}

/** A string member; InvalidParameterException (smithy's constraint wording ⚠) when required and absent or not a string. */
export function str(params: Params, name: string, opts: { required?: boolean; max?: number; min?: number; pattern?: RegExp } = {}): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) {
    if (opts.required) throw invalidParameter(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidParameter(`Invalid type for ${name}: expected a string.`);
  if (opts.min !== undefined && v.length < opts.min) throw invalidParameter(`1 validation error detected: Value '${v}' at '${name}' failed to satisfy constraint: Member must have length greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && v.length > opts.max) throw invalidParameter(`1 validation error detected: Value '${v}' at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${opts.max}`);
  if (opts.pattern && !opts.pattern.test(v)) {
    throw invalidParameter(`1 validation error detected: Value '${v}' at '${name}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${opts.pattern.source.replace(/\$$/, '')}`);
  }
  return v;
}

export function bool(params: Params, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidParameter(`Invalid type for ${name}: expected a boolean.`);
  return v;
}

/** `maxResults` (1–100) and `nextToken` of the List operations. */
export function paging(params: Params): { maxResults: number; nextToken?: string } {
  const raw = params.maxResults;
  let maxResults = 100;
  if (raw !== undefined) {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw invalidParameter('maxResults must be between 1 and 100.'); // ⚠
    maxResults = n;
  }
  const nextToken = str(params, 'nextToken');
  return { maxResults, nextToken };
}

/** One page of a list already in its final order; the token is the opaque position of the next item. */
export function page<T>(items: T[], keyOf: (t: T) => string, maxResults: number, nextToken: string | undefined): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    let after: string;
    try {
      after = Buffer.from(nextToken, 'base64url').toString('utf8');
    } catch {
      after = '';
    }
    const i = items.findIndex((t) => keyOf(t) === after);
    if (!/^[A-Za-z0-9_-]+$/.test(nextToken) || i < 0) throw invalidParameter('The nextToken provided is invalid.'); // ⚠
    start = i + 1;
  }
  const slice = items.slice(start, start + maxResults);
  const more = start + maxResults < items.length;
  return { items: slice, nextToken: more ? Buffer.from(keyOf(slice[slice.length - 1]), 'utf8').toString('base64url') : undefined };
}

/**
 * A TagMap (1–50 entries, keys 1–128, values ≤ 256, no `aws:` prefix), as the EKS model and
 * https://docs.aws.amazon.com/eks/latest/userguide/eks-using-tags.html state it.
 */
export function tagMap(params: Params, name = 'tags', required = false): Tag[] | undefined {
  const v = params[name];
  if (v === undefined || v === null) {
    if (required) throw awsError('BadRequestException', `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(`Invalid type for ${name}: expected a map.`);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length < 1 || entries.length > 50) throw invalidParameter(`${name} must contain between 1 and 50 tags.`); // ⚠
  return entries.map(([Key, Value]) => {
    if (typeof Value !== 'string') throw invalidParameter(`Invalid type for tag ${Key}: expected a string.`);
    if (Key.length < 1 || Key.length > 128) throw invalidParameter(`Tag key ${JSON.stringify(Key)} must be 1-128 characters.`); // ⚠
    if (Value.length > 256) throw invalidParameter(`Tag value for ${JSON.stringify(Key)} must be at most 256 characters.`); // ⚠
    if (Key.toLowerCase().startsWith('aws:')) throw invalidParameter('Tag keys starting with "aws:" are reserved for AWS use.'); // ⚠
    return { Key, Value };
  });
}

export function tagsObject(tags: Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

/** aws:RequestTag/K and aws:TagKeys for the tags a request carries. */
export function requestTagKeys(tags: Tag[] | undefined): RequestContext {
  if (!tags || tags.length === 0) return {};
  const ctx: RequestContext = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  return ctx;
}

/** aws:ResourceTag/K of a tagged EKS resource (EKS tag keys are case-sensitive). */
export function resourceTagKeys(store: Store, kind: TagResourceKind, arn: string): RequestContext {
  const ctx: RequestContext = {};
  for (const t of store.tags.list(kind, arn)) ctx[`aws:ResourceTag/${t.Key}`] = t.Value;
  return ctx;
}

/** Observed EKS text: "No cluster found for name: my-cluster." */
export const clusterNotFound = (name: string) => awsError('ResourceNotFoundException', `No cluster found for name: ${name}.`, { fields: { clusterName: name } });

/** The caller's cluster in the request's region, or ResourceNotFoundException. */
export function requireCluster(call: Call, name: string): EksCluster {
  const cl = call.store.eksClusters.get(callerAccount(call), call.region, name);
  if (!cl) throw clusterNotFound(name);
  return cl;
}

export function clusterArn(cl: EksCluster): string {
  return eksArns.cluster(cl.region, cl.accountId, cl.name);
}

/** The API server endpoint EKS reports: `https://<ID>.gr7.<region>.eks.amazonaws.com` (nothing listens there). */
export function clusterEndpoint(cl: EksCluster): string {
  return `https://${cl.id}.gr7.${cl.region}.eks.amazonaws.com`;
}

/**
 * The Cluster shape. Clusters made by a seed or the admin endpoint have no role or VPC config and
 * report them empty. `certificateAuthority.data` is base64 of the cluster's service-account public key
 * PEM: a placeholder with the shape of EKS's base64 PEM, not a CA of any running API server.
 */
export function clusterShape(store: Store, cl: EksCluster, status: 'ACTIVE' | 'DELETING' = 'ACTIVE') {
  const arn = clusterArn(cl);
  const vpc = cl.vpcConfig ? (JSON.parse(cl.vpcConfig) as Record<string, unknown>) : {};
  const pub = publicKeyPem(cl.publicJwk);
  return {
    name: cl.name,
    arn,
    createdAt: new Date(cl.createdAt),
    version: cl.version ?? DEFAULT_KUBERNETES_VERSION,
    endpoint: clusterEndpoint(cl),
    roleArn: cl.roleArn ?? undefined,
    resourcesVpcConfig: {
      subnetIds: (vpc.subnetIds as string[] | undefined) ?? [],
      securityGroupIds: (vpc.securityGroupIds as string[] | undefined) ?? [],
      vpcId: '',
      endpointPublicAccess: (vpc.endpointPublicAccess as boolean | undefined) ?? true,
      endpointPrivateAccess: (vpc.endpointPrivateAccess as boolean | undefined) ?? false,
      publicAccessCidrs: (vpc.publicAccessCidrs as string[] | undefined) ?? ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
    logging: { clusterLogging: [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false }] },
    identity: { oidc: { issuer: cl.issuer } },
    status,
    certificateAuthority: { data: Buffer.from(pub, 'utf8').toString('base64') },
    clientRequestToken: cl.clientRequestToken ?? undefined,
    platformVersion: 'eks.1',
    tags: tagsObject(store.tags.list('eks-cluster', arn)),
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
  };
}

function publicKeyPem(publicJwk: string): string {
  return createPublicKey({ key: JSON.parse(publicJwk), format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}
