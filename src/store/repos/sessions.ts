// Owns temporary credentials (ASIA…) of every kind and what each session carries into later
// requests: session policies, tags, transitive keys, source identity, MFA, federation claims.
import { createHmac } from 'node:crypto';
import { arns } from '../../aws/arn';
import type { Db } from '../db';
import type { Tag } from './tags';

/** The prefix real session tokens start with (SDKs never parse them). */
const TOKEN_PREFIX = 'IQoJb3JpZ2luX2Vj';

/**
 * The one statement every new session is written with (on the hot path of every AssumeRole; migration 019
 * keeps its CHECK from building an ephemeral index per row).
 */
export const INSERT_SESSION = `INSERT INTO sessions (access_key_id, secret, session_token, account_id, kind, via, principal_arn, principal_id, role_id,
  role_arn, role_name, session_name, user_id, user_arn, source_identity, session_policy, session_policy_arns, tags,
  transitive_tag_keys, mfa_authenticated, mfa_auth_time, federated_provider, federation_claims, chained,
  parent_access_key_id, issued_at, expires_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export type SessionKind = 'assumed-role' | 'federated-user' | 'session-token' | 'root';
export type SessionVia =
  | 'AssumeRole'
  | 'AssumeRoleWithWebIdentity'
  | 'AssumeRoleWithSAML'
  | 'GetFederationToken'
  | 'GetSessionToken'
  | 'AssumeRoot'
  | 'GetDelegatedAccessToken'
  | 'AssumeRoleForPodIdentity';

export interface Session {
  accessKeyId: string;
  secret: string;
  sessionToken: string;
  accountId: string;
  kind: SessionKind;
  via: SessionVia;
  /** The session's own ARN: assumed-role/R/S, federated-user/N, or the user/root ARN for GetSessionToken. */
  principalArn: string;
  /** aws:userid of the session: `AROA…:S`, `ACCT:N`, `AIDA…` or `ACCT`. */
  principalId: string;
  roleId: string | null;
  roleArn: string | null;
  roleName: string | null;
  sessionName: string | null;
  userId: string | null;
  userArn: string | null;
  sourceIdentity: string | null;
  sessionPolicy: string | null;
  sessionPolicyArns: string[];
  tags: Tag[];
  transitiveTagKeys: string[];
  mfaAuthenticated: boolean;
  mfaAuthTime: string | null;
  federatedProvider: string | null;
  federationClaims: Record<string, unknown> | null;
  chained: boolean;
  parentAccessKeyId: string | null;
  issuedAt: string;
  expiresAt: string;
}

interface SessionRow {
  access_key_id: string;
  /** NULL: derived from the access key id (migration 018). */
  secret: string | null;
  session_token: string | null;
  account_id: string;
  kind: SessionKind;
  via: SessionVia;
  /** NULL: the role session's own (assumed-role ARN, `roleId:sessionName`), made on read. */
  principal_arn: string | null;
  principal_id: string | null;
  role_id: string | null;
  role_arn: string | null;
  role_name: string | null;
  session_name: string | null;
  user_id: string | null;
  user_arn: string | null;
  source_identity: string | null;
  session_policy: string | null;
  session_policy_arns: string;
  tags: string;
  transitive_tag_keys: string;
  mfa_authenticated: number;
  mfa_auth_time: string | null;
  federated_provider: string | null;
  federation_claims: string | null;
  chained: number;
  parent_access_key_id: string | null;
  issued_at: string;
  expires_at: string;
}

type Credentials = { secret: string; sessionToken: string };

/** A role session's aws:userid (its ARN is `arns.assumedRole` of its account, role and session name). */
const roleSessionId = (roleId: string, sessionName: string) => `${roleId}:${sessionName}`;

const toSession = (r: SessionRow, derive: (accessKeyId: string) => Credentials): Session => {
  const derived = r.secret === null || r.session_token === null ? derive(r.access_key_id) : null;
  return {
    accessKeyId: r.access_key_id,
    secret: r.secret ?? derived!.secret,
    sessionToken: r.session_token ?? derived!.sessionToken,
    accountId: r.account_id,
    kind: r.kind,
    via: r.via,
    principalArn: r.principal_arn ?? arns.assumedRole(r.account_id, r.role_name!, r.session_name!),
    principalId: r.principal_id ?? roleSessionId(r.role_id!, r.session_name!),
    roleId: r.role_id,
    roleArn: r.role_arn,
    roleName: r.role_name,
    sessionName: r.session_name,
    userId: r.user_id,
    userArn: r.user_arn,
    sourceIdentity: r.source_identity,
    sessionPolicy: r.session_policy,
    sessionPolicyArns: JSON.parse(r.session_policy_arns),
    tags: JSON.parse(r.tags),
    transitiveTagKeys: JSON.parse(r.transitive_tag_keys),
    mfaAuthenticated: r.mfa_authenticated === 1,
    mfaAuthTime: r.mfa_auth_time,
    federatedProvider: r.federated_provider,
    federationClaims: r.federation_claims ? JSON.parse(r.federation_claims) : null,
    chained: r.chained === 1,
    parentAccessKeyId: r.parent_access_key_id,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
  };
};

/** `secret` and `sessionToken` left out are derived (the way every session is made now). */
export type NewSession = Omit<
  Session,
  | 'secret' | 'sessionToken' | 'roleId' | 'roleArn' | 'roleName' | 'sessionName' | 'userId' | 'userArn' | 'sourceIdentity' | 'sessionPolicy'
  | 'sessionPolicyArns' | 'tags' | 'transitiveTagKeys' | 'mfaAuthenticated' | 'mfaAuthTime' | 'federatedProvider'
  | 'federationClaims' | 'chained' | 'parentAccessKeyId'
> &
  Partial<Session>;

/** Derived credentials kept for recently used sessions (each costs two HMACs to make). */
const DERIVED_CACHE_MAX = 10_000;

export class SessionsRepo {
  constructor(private readonly db: Db) {}

  private keyUsed: Buffer | null = null;
  private readonly derived = new Map<string, Credentials>();

  /**
   * A session's secret access key and token, derived from its access key id under the data file's
   * session key (migration 018): HMAC-SHA512 output in the shapes of random ones (a secret is 30 bytes
   * → 40 base64 characters, as `newSecretAccessKey` makes; a token is `IQoJb3JpZ2luX2Vj` + 96 bytes).
   * Without the key nobody can compute them; the file holds the key as it held the secrets before.
   */
  private derive = (accessKeyId: string): Credentials => {
    // Read each time (a cached read): a snapshot restore brings its own key with its own sessions.
    const key = this.db.get<{ key: Buffer }>('SELECT key FROM session_key WHERE id = 1')?.key;
    // create() makes the key before the first row that needs it; without one, no credentials are made up.
    if (!key) throw new Error('sessions: no session key (migration 018 not applied)');
    if (key !== this.keyUsed) {
      if (!this.keyUsed || !key.equals(this.keyUsed)) this.derived.clear();
      this.keyUsed = key;
    }
    let d = this.derived.get(accessKeyId);
    if (d) return d;
    const mac = (label: string) => createHmac('sha512', key).update(label).update(accessKeyId).digest();
    // 128 bytes from two HMACs: 30 for the secret, 96 for the token.
    const bytes = Buffer.concat([mac('session-credentials-1\0'), mac('session-credentials-2\0')]);
    const secret = bytes.subarray(0, 30).toString('base64');
    const sessionToken = TOKEN_PREFIX + bytes.subarray(30, 126).toString('base64');
    d = { secret, sessionToken };
    if (this.derived.size >= DERIVED_CACHE_MAX) this.derived.clear();
    this.derived.set(accessKeyId, d);
    return d;
  };

  get(accessKeyId: string): Session | null {
    const r = this.db.get<SessionRow>('SELECT * FROM sessions WHERE access_key_id = ?', accessKeyId);
    return r ? toSession(r, this.derive) : null;
  }

  /**
   * Stores a new session. Its access key id carries 39 random bits (the rest is the account, as AWS's do),
   * so among a million sessions two may draw the same one: `freshId` draws another when the id is taken.
   */
  create(s: NewSession, freshId?: () => string): Session {
    // A role session's ARN and id are what its account, role and session name make: not stored twice.
    const roleSession = s.kind === 'assumed-role' && !!s.roleName && !!s.roleId && !!s.sessionName;
    const derivedArn = roleSession && s.principalArn === arns.assumedRole(s.accountId, s.roleName!, s.sessionName!);
    const derivedId = roleSession && s.principalId === roleSessionId(s.roleId!, s.sessionName!);
    const deriving = s.secret === undefined || s.sessionToken === undefined;
    // The data file's key is made with its first session (from SQLite's CSPRNG), then never changes.
    if (deriving && !this.db.get('SELECT key FROM session_key WHERE id = 1')) {
      this.db.run('INSERT OR IGNORE INTO session_key (id, key) VALUES (1, randomblob(32))');
    }
    const sessionPolicyArns = s.sessionPolicyArns ?? [];
    const tags = s.tags ?? [];
    const transitiveTagKeys = s.transitiveTagKeys ?? [];
    const federationClaims = s.federationClaims ?? null;
    const policyArnsJson = sessionPolicyArns.length === 0 ? '[]' : JSON.stringify(sessionPolicyArns);
    const tagsJson = tags.length === 0 ? '[]' : JSON.stringify(tags);
    const transitiveJson = transitiveTagKeys.length === 0 ? '[]' : JSON.stringify(transitiveTagKeys);
    let accessKeyId = s.accessKeyId;
    for (let attempt = 0; ; attempt++) {
      try {
        this.db.run(
          INSERT_SESSION,
          accessKeyId, s.secret ?? null, s.sessionToken ?? null, s.accountId, s.kind, s.via, derivedArn ? null : s.principalArn, derivedId ? null : s.principalId, s.roleId ?? null,
          s.roleArn ?? null, s.roleName ?? null, s.sessionName ?? null, s.userId ?? null, s.userArn ?? null, s.sourceIdentity ?? null,
          s.sessionPolicy ?? null, policyArnsJson, tagsJson, transitiveJson, s.mfaAuthenticated ? 1 : 0, s.mfaAuthTime ?? null, s.federatedProvider ?? null,
          federationClaims ? JSON.stringify(federationClaims) : null, s.chained ? 1 : 0, s.parentAccessKeyId ?? null,
          s.issuedAt, s.expiresAt,
        );
        break;
      } catch (e) {
        // Only a taken id is drawn again (a statement's constraint failure leaves the transaction usable).
        if (!freshId || attempt >= 4 || (e as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw e;
        accessKeyId = freshId();
      }
    }
    // What was stored, without reading it back (this is on the AssumeRole hot path): one literal of the
    // Session shape (a `{ ...s, … }` spread moved every new session through a chain of hidden classes).
    const derived = deriving ? this.derive(accessKeyId) : null;
    return {
      accessKeyId,
      secret: s.secret ?? derived!.secret,
      sessionToken: s.sessionToken ?? derived!.sessionToken,
      accountId: s.accountId,
      kind: s.kind,
      via: s.via,
      principalArn: s.principalArn,
      principalId: s.principalId,
      roleId: s.roleId ?? null,
      roleArn: s.roleArn ?? null,
      roleName: s.roleName ?? null,
      sessionName: s.sessionName ?? null,
      userId: s.userId ?? null,
      userArn: s.userArn ?? null,
      sourceIdentity: s.sourceIdentity ?? null,
      sessionPolicy: s.sessionPolicy ?? null,
      sessionPolicyArns,
      tags,
      transitiveTagKeys,
      mfaAuthenticated: s.mfaAuthenticated ?? false,
      mfaAuthTime: s.mfaAuthTime ?? null,
      federatedProvider: s.federatedProvider ?? null,
      federationClaims,
      chained: s.chained ?? false,
      parentAccessKeyId: s.parentAccessKeyId ?? null,
      issuedAt: s.issuedAt,
      expiresAt: s.expiresAt,
    };
  }

  /** Drops sessions that expired before `before` (housekeeping; expired ones already fail with ExpiredToken). */
  purgeExpired(before: string): number {
    return this.db.run('DELETE FROM sessions WHERE expires_at < ?', before).changes;
  }
}
