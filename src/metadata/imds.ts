// Owns the instance metadata service (IMDS) iamlocal serves for its mock EC2 instances: IMDSv2
// session tokens, IMDSv1 where the instance allows it, the metadata paths SDKs and tools read, and
// the instance profile's role credentials (src/services/ec2/instance-credentials.ts).
// Not a SigV4 API: like the real IMDS, access is decided by its token rules alone.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html ;
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-categories.html
import { createHash } from 'node:crypto';
import type { Ec2Instance } from '../store/repos/ec2-instances';
import { instanceCredentials, instanceIam, privateDnsName, type RoleDelivery } from '../services/ec2/instance-credentials';
import type { WorkloadDeps, WorkloadSessionCache } from '../services/sts/service-role-session';
import { ImdsTokens, parseTokenTtl } from './imds-token';

export interface ImdsRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
}

export interface ImdsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const TOKEN_PATH = '/latest/api/token';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

/** IMDS's error pages are small XHTML documents naming the status (as the real service sends them). */
function errorPage(status: number, extra: Record<string, string> = {}): ImdsResponse {
  const title = `${status} - ${REASONS[status] ?? 'Error'}`;
  const body =
    '<?xml version="1.0" encoding="iso-8859-1"?>\n' +
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n' +
    '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n' +
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n' +
    ' <head>\n' +
    `  <title>${title}</title>\n` +
    ' </head>\n' +
    ' <body>\n' +
    `  <h1>${title}</h1>\n` +
    ' </body>\n' +
    '</html>\n';
  return { status, headers: { 'content-type': 'text/html', server: 'EC2ws', ...extra }, body };
}

function text(body: string, extra: Record<string, string> = {}): ImdsResponse {
  return { status: 200, headers: { 'content-type': 'text/plain', server: 'EC2ws', ...extra }, body };
}

/** IMDS writes its JSON documents pretty-printed with ` : ` separators. */
function imdsJson(doc: Record<string, unknown>): string {
  const lines = Object.entries(doc).map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

function isoSeconds(d: Date | string): string {
  return new Date(d).toISOString().slice(0, 19) + 'Z';
}

/** A stable MAC address for the instance's primary interface (06:xx:… like AWS's locally administered ones). */
function macOf(instanceId: string): string {
  const h = createHash('sha256').update(instanceId).digest();
  return ['06', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}


/** A metadata tree: a string is a leaf, an object a category listed with trailing `/` for sub-categories. */
type Tree = { [name: string]: string | Tree | (() => ImdsResponse) };

export class Imds {
  readonly tokens: ImdsTokens;

  constructor(
    private readonly deps: WorkloadDeps,
    private readonly cache: WorkloadSessionCache,
  ) {
    this.tokens = new ImdsTokens(deps.ids.bytes(32));
  }

  /** Answers one request for `instance` (null: no instance behind this address → 404). */
  handle(req: ImdsRequest, instance: Ec2Instance | null): ImdsResponse {
    if (!instance) return errorPage(404);
    // An instance whose metadata endpoint is turned off refuses everything (HttpEndpoint=disabled: "you cannot
    // access your instance metadata", API_InstanceMetadataOptionsRequest.html; ⚠ the 403 itself is not documented).
    if (instance.httpEndpoint === 'disabled') return errorPage(403);
    const now = this.deps.clock.now();
    if (req.path === TOKEN_PATH) {
      if (req.method !== 'PUT') return errorPage(405, { allow: 'OPTIONS, PUT' });
      // Token requests relayed by a proxy are refused: the SSRF protection of IMDSv2.
      if (req.headers['x-forwarded-for'] !== undefined) return errorPage(403);
      const ttl = parseTokenTtl(req.headers[TTL_HEADER]);
      if (ttl === null) return errorPage(400);
      return text(this.tokens.issue(instance, now, ttl), { [TTL_HEADER]: String(ttl) });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return errorPage(405, { allow: 'OPTIONS, GET, HEAD' });

    // A token, when sent, must be valid — even where IMDSv1 is allowed. Without one, IMDSv1 only
    // when HttpTokens is optional.
    const token = req.headers[TOKEN_HEADER];
    let delivery: RoleDelivery;
    const extra: Record<string, string> = {};
    if (token !== undefined) {
      const left = this.tokens.remaining(token, instance, now);
      if (left === null) return errorPage(401);
      delivery = '2.0';
      extra[TTL_HEADER] = String(left);
    } else {
      if (instance.httpTokens === 'required') return errorPage(401);
      delivery = '1.0';
    }

    const found = this.lookup(this.tree(instance, delivery, now), req.path);
    if (!found) return errorPage(404);
    const res = found();
    Object.assign(res.headers, extra);
    return req.method === 'HEAD' ? { ...res, body: '' } : res;
  }

  /** Resolves a path in the tree: a category lists its entries, a leaf is its text. */
  private lookup(tree: Tree, path: string): (() => ImdsResponse) | null {
    if (path === '/' || path === '') return () => text('latest');
    const segs = path.split('/').slice(1);
    if (segs[0] !== 'latest') return null;
    const names = segs.slice(1).filter((s, i, a) => !(s === '' && i === a.length - 1));
    let node: Tree[string] = tree;
    for (const n of names) {
      if (typeof node !== 'object' || node === null || n === '' || !Object.hasOwn(node, n)) return null;
      node = (node as Tree)[n]!;
    }
    // A leaf answers with or without a trailing slash (botocore reads `placement/availability-zone/`).
    if (typeof node === 'string') return () => text(node as string);
    if (typeof node === 'function') return node as () => ImdsResponse;
    const listing = Object.entries(node)
      .map(([k, v]) => (typeof v === 'object' ? `${k}/` : k))
      .join('\n');
    return () => text(listing);
  }

  private tree(i: Ec2Instance, delivery: RoleDelivery, now: Date): Tree {
    const mac = macOf(i.instanceId);
    const host = privateDnsName(i);
    const meta: Tree = {
      'ami-id': i.imageId,
      'ami-launch-index': '0',
      ...(host ? { hostname: host } : {}),
      'instance-id': i.instanceId,
      'instance-life-cycle': 'on-demand',
      'instance-type': i.instanceType,
      ...(host ? { 'local-hostname': host } : {}),
      ...(i.privateIp ? { 'local-ipv4': i.privateIp } : {}),
      mac,
      placement: { 'availability-zone': i.availabilityZone, region: i.region },
      services: { domain: 'amazonaws.com', partition: 'aws' },
      network: {
        interfaces: {
          macs: {
            [mac]: {
              'device-number': '0',
              mac,
              'owner-id': i.accountId,
              ...(i.privateIp ? { 'local-ipv4s': i.privateIp } : {}),
              ...(i.subnetId ? { 'subnet-id': i.subnetId } : {}),
              ...(i.vpcId ? { 'vpc-id': i.vpcId } : {}),
            },
          },
        },
      },
    };
    // Instance tags are readable only when the instance allows it (InstanceMetadataTags=enabled).
    if (i.metadataTags === 'enabled') meta.tags = { instance: Object.fromEntries(i.tags.map((t) => [t.Key, t.Value])) };
    const iam = this.iamTree(i, delivery, now);
    if (iam) meta.iam = iam;
    const document = imdsJson({
      accountId: i.accountId,
      architecture: 'x86_64',
      availabilityZone: i.availabilityZone,
      billingProducts: null,
      devpayProductCodes: null,
      marketplaceProductCodes: null,
      imageId: i.imageId,
      instanceId: i.instanceId,
      instanceType: i.instanceType,
      kernelId: null,
      pendingTime: isoSeconds(i.launchTime),
      privateIp: i.privateIp,
      ramdiskId: null,
      region: i.region,
      version: '2017-09-30',
    });
    return { 'meta-data': meta, dynamic: { 'instance-identity': { document } } };
  }

  /**
   * `iam/`: present only while an instance profile holding a role is associated. `info` and the
   * credentials document report a failed AssumeRole the way IMDS does (Code AssumeRoleUnauthorizedAccess)
   * when the role does not trust ec2.amazonaws.com.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_iam-ec2.html
   */
  private iamTree(i: Ec2Instance, delivery: RoleDelivery, now: Date): Tree | null {
    const iam = instanceIam(this.deps.store, i);
    if (!iam?.role) return null;
    const role = iam.role;
    const creds = () => instanceCredentials(this.cache, i, role, delivery);
    const unauthorized = () => ({
      Code: 'AssumeRoleUnauthorizedAccess',
      // ⚠ The wording as public reports record it; AWS's current link may differ.
      Message: `EC2 cannot assume the role ${role.name}. Please see documentation at http://docs.amazonwebservices.com/IAM/latest/UserGuide/RolesTroubleshooting.html.`,
      LastUpdated: isoSeconds(now),
    });
    const logDenied = (detail: string) => this.deps.logger.warn('imds: role not delivered', { instanceId: i.instanceId, role: role.arn, reason: detail });
    return {
      info: () => {
        const r = creds();
        if (!r.ok) {
          logDenied(r.detail);
          return text(imdsJson(unauthorized()));
        }
        return text(imdsJson({ Code: 'Success', LastUpdated: isoSeconds(r.session.issuedAt), InstanceProfileArn: iam.profile.arn, InstanceProfileId: iam.profile.id }));
      },
      'security-credentials': {
        [role.name]: () => {
          const r = creds();
          if (!r.ok) {
            logDenied(r.detail);
            return text(imdsJson(unauthorized()));
          }
          const s = r.session;
          return text(
            imdsJson({
              Code: 'Success',
              LastUpdated: isoSeconds(s.issuedAt),
              Type: 'AWS-HMAC',
              AccessKeyId: s.accessKeyId,
              SecretAccessKey: s.secret,
              Token: s.sessionToken,
              Expiration: isoSeconds(s.expiresAt),
            }),
          );
        },
      },
    };
  }
}
