// Owns minting temporary credentials (ASIA… key bound to a session token) for every STS operation
// that issues them, and the duration/role-chaining rules they share (aws-protocol §5.3).
import { deflateRawSync } from 'node:zlib';
import { arns } from '../../aws/arn';
import { AwsError, awsError, awsErrors } from '../../aws/errors';
import { newAccessKeyId } from '../../aws/ids';
import { ensureAwsManagedPolicy } from '../../store/aws-managed-policies';
import type { Role } from '../../store/repos/roles';
import type { NewSession, Session } from '../../store/repos/sessions';
import type { Tag } from '../../store/repos/tags';
import type { Call } from '../types';
import { checkPolicyDocument } from '../../store/policy-documents';
import { resolveSessionTags, type FederatedSessionRequest } from './session-tags';
import { isoString, parseIso } from '../../aws/time';

export const DEFAULT_ROLE_SESSION_SECONDS = 3600;
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/**
 * Session duration for a role: default 3600; > MaxSessionDuration → ValidationError; role chaining
 * (caller is itself a role session) is capped at one hour — an error, not a clamp.
 */
export function roleSessionSeconds(requested: number | undefined, role: Role, chained: boolean): number {
  const seconds = requested ?? DEFAULT_ROLE_SESSION_SECONDS;
  if (chained && seconds > ROLE_CHAINING_MAX_SECONDS) {
    throw awsErrors.validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (seconds > role.maxSessionDuration) {
    throw awsErrors.validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  return seconds;
}

/**
 * PackedPolicySize: percent of the packed budget used by session policy, policy ARNs and tags. AWS's
 * packing is not public; this approximates it with raw DEFLATE against a 2048-byte budget (aws-protocol §5.4).
 */
export function packedPolicySize(policy: string | undefined, policyArns: string[], tags: Tag[]): number {
  const packed = [policy ?? '', ...policyArns, ...tags.map((t) => `${t.Key}=${t.Value}`)].join('\u0000');
  return Math.ceil((100 * deflateRawSync(Buffer.from(packed, 'utf8')).length) / 2048);
}

export function packedPolicyTooLarge(percent: number): AwsError {
  return awsError('PackedPolicyTooLarge', `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`);
}

export interface RoleSessionSpec {
  role: Role;
  sessionName: string;
  seconds: number;
  via: Session['via'];
  chained: boolean;
  parentAccessKeyId: string | null;
  sourceIdentity: string | null;
  sessionPolicy: string | null;
  sessionPolicyArns: string[];
  tags: Tag[];
  transitiveTagKeys: string[];
  mfaAuthenticated?: boolean;
  mfaAuthTime?: string | null;
  federatedProvider?: string | null;
  federationClaims?: Record<string, unknown> | null;
}

/**
 * AWS-managed policies named in PolicyArns live in a lazily imported catalogue: import them now, inside
 * the request's transaction, so the session's later requests evaluate their real documents (an ARN that
 * resolves to nothing contributes an empty policy, which allows nothing).
 */
function importSessionPolicyArns(call: Call, policyArns: readonly string[]): void {
  for (const arn of policyArns) if (arn.startsWith('arn:aws:iam::aws:policy/')) ensureAwsManagedPolicy(call.store, call.ids, arn);
}

/** Stores a new role session and returns it (the caller shapes the STS response). */
export function issueRoleSession(call: Call, spec: RoleSessionSpec): Session {
  const { role } = spec;
  importSessionPolicyArns(call, spec.sessionPolicyArns);
  const issued = call.now;
  // Expiration has second precision on the wire; keep the stored expiry on a whole second too.
  const expires = new Date(Math.floor(issued.getTime() / 1000) * 1000 + spec.seconds * 1000);
  const s: NewSession = {
    accessKeyId: newAccessKeyId(call.ids, 'ASIA', role.accountId),
    accountId: role.accountId,
    kind: 'assumed-role',
    via: spec.via,
    principalArn: arns.assumedRole(role.accountId, role.name, spec.sessionName),
    principalId: `${role.id}:${spec.sessionName}`,
    roleId: role.id,
    roleArn: role.arn,
    roleName: role.name,
    sessionName: spec.sessionName,
    sourceIdentity: spec.sourceIdentity,
    sessionPolicy: spec.sessionPolicy,
    sessionPolicyArns: spec.sessionPolicyArns,
    tags: spec.tags,
    transitiveTagKeys: spec.transitiveTagKeys,
    mfaAuthenticated: spec.mfaAuthenticated ?? false,
    mfaAuthTime: spec.mfaAuthTime ?? null,
    federatedProvider: spec.federatedProvider ?? null,
    federationClaims: spec.federationClaims ?? null,
    chained: spec.chained,
    parentAccessKeyId: spec.parentAccessKeyId,
    issuedAt: isoString(issued),
    expiresAt: isoString(expires),
  };
  const session = call.store.sessions.create(s, () => newAccessKeyId(call.ids, 'ASIA', role.accountId));
  // RoleLastUsed is approximate in AWS too; refreshing it at most once a minute keeps AssumeRole to one write.
  const stale = !role.lastUsedAt || issued.getTime() - parseIso(role.lastUsedAt) >= 60_000 || role.lastUsedRegion !== call.region;
  if (stale) call.store.roles.recordUse(role.id, isoString(issued), call.region);
  return session;
}

/** What AssumeRoleWithWebIdentity and AssumeRoleWithSAML ask of the session beyond what the IdP said. */
export interface FederatedRoleSessionSpec {
  role: Role;
  sessionName: string;
  seconds: number;
  via: 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML';
  /** The tags, transitive keys and source identity the token or assertion carries. */
  asked: FederatedSessionRequest;
  policy: string | undefined;
  policyArns: string[];
  federatedProvider: string;
  federationClaims: Record<string, unknown>;
}

/**
 * The session of a federated AssumeRole*: the session policy checked, the IdP's tags resolved (a federated
 * caller has no session of its own to inherit from), the packed size answered when anything packed was sent
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html, PackedPolicySize),
 * never role chaining.
 */
export function issueFederatedRoleSession(call: Call, spec: FederatedRoleSessionSpec): { session: Session; packed: number | undefined } {
  if (spec.policy !== undefined) checkPolicyDocument(spec.policy, 'session');
  const { tags, transitiveTagKeys } = resolveSessionTags(spec.asked.tags, spec.asked.transitiveTagKeys, null);
  const sendsPacked = spec.policy !== undefined || spec.policyArns.length > 0 || tags.length > 0;
  const packed = sendsPacked ? packedPolicySize(spec.policy, spec.policyArns, tags) : undefined;
  if (packed !== undefined && packed > 100) throw packedPolicyTooLarge(packed);
  const session = issueRoleSession(call, {
    role: spec.role,
    sessionName: spec.sessionName,
    seconds: spec.seconds,
    via: spec.via,
    chained: false,
    parentAccessKeyId: null,
    sourceIdentity: spec.asked.sourceIdentity ?? null,
    sessionPolicy: spec.policy ?? null,
    sessionPolicyArns: spec.policyArns,
    tags,
    transitiveTagKeys,
    federatedProvider: spec.federatedProvider,
    federationClaims: spec.federationClaims,
  });
  return { session, packed };
}

/** The `Credentials` structure of every credential-vending response. */
export function credentialsOf(s: Session): { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date } {
  return { AccessKeyId: s.accessKeyId, SecretAccessKey: s.secret, SessionToken: s.sessionToken, Expiration: new Date(s.expiresAt) };
}

/** What GetSessionToken / GetFederationToken sessions record beyond the common fields. */
export interface CallerSessionSpec {
  kind: 'session-token' | 'root' | 'federated-user';
  via: 'GetSessionToken' | 'GetFederationToken' | 'AssumeRoot' | 'GetDelegatedAccessToken';
  seconds: number;
  principalArn: string;
  principalId: string;
  /** The IAM user behind the session (null for the root user). */
  userId: string | null;
  userArn: string | null;
  sessionPolicy?: string | null;
  sessionPolicyArns?: string[];
  tags?: Tag[];
  mfaAuthTime?: string | null;
}

/** Stores a session made from the caller's own long-term credentials (GetSessionToken, GetFederationToken). */
export function issueCallerSession(call: Call, accountId: string, spec: CallerSessionSpec): Session {
  importSessionPolicyArns(call, spec.sessionPolicyArns ?? []);
  const issued = call.now;
  const expires = new Date(Math.floor(issued.getTime() / 1000) * 1000 + spec.seconds * 1000);
  return call.store.sessions.create({
    accessKeyId: newAccessKeyId(call.ids, 'ASIA', accountId),
    accountId,
    kind: spec.kind,
    via: spec.via,
    principalArn: spec.principalArn,
    principalId: spec.principalId,
    userId: spec.userId,
    userArn: spec.userArn,
    sessionPolicy: spec.sessionPolicy ?? null,
    sessionPolicyArns: spec.sessionPolicyArns ?? [],
    tags: spec.tags ?? [],
    mfaAuthenticated: spec.mfaAuthTime != null,
    mfaAuthTime: spec.mfaAuthTime ?? null,
    issuedAt: isoString(issued),
    expiresAt: isoString(expires),
  }, () => newAccessKeyId(call.ids, 'ASIA', accountId));
}
