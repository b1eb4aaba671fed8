// Owns IAM users' SSH public keys, signing certificates and service-specific credentials (one table,
// told apart by kind), and each account's last credential report.
import type { Db } from '../db';

export type UserCredentialKind = 'ssh-public-key' | 'signing-certificate' | 'service-specific';
export type CredentialStatus = 'Active' | 'Inactive' | 'Expired';

export interface UserCredential {
  id: string;
  kind: UserCredentialKind;
  userId: string;
  status: CredentialStatus;
  /** The SSH key or certificate PEM as uploaded; for service-specific credentials the password hash. */
  body: string;
  fingerprint: string | null;
  serviceName: string | null;
  serviceUserName: string | null;
  createdAt: string;
  expiresAt: string | null;
}

interface Row {
  id: string;
  kind: UserCredentialKind;
  user_id: string;
  status: CredentialStatus;
  body: string;
  fingerprint: string | null;
  service_name: string | null;
  service_user: string | null;
  created_at: string;
  expires_at: string | null;
}

const toCredential = (r: Row): UserCredential => ({
  id: r.id,
  kind: r.kind,
  userId: r.user_id,
  status: r.status,
  body: r.body,
  fingerprint: r.fingerprint,
  serviceName: r.service_name,
  serviceUserName: r.service_user,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export class UserCredentialsRepo {
  constructor(private readonly db: Db) {}

  create(c: UserCredential): void {
    this.db.run(
      `INSERT INTO user_credentials (id, kind, user_id, status, body, fingerprint, service_name, service_user, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.id, c.kind, c.userId, c.status, c.body, c.fingerprint, c.serviceName, c.serviceUserName, c.createdAt, c.expiresAt,
    );
  }

  get(kind: UserCredentialKind, id: string): UserCredential | null {
    const r = this.db.get<Row>('SELECT * FROM user_credentials WHERE kind = ? AND id = ?', kind, id);
    return r ? toCredential(r) : null;
  }

  /** A user's credentials of one kind, oldest first. */
  forUser(kind: UserCredentialKind, userId: string): UserCredential[] {
    return this.db.all<Row>('SELECT * FROM user_credentials WHERE kind = ? AND user_id = ? ORDER BY created_at, id', kind, userId).map(toCredential);
  }

  /** Every credential of one kind in an account (ListServiceSpecificCredentials AllUsers). */
  forAccount(kind: UserCredentialKind, accountId: string): UserCredential[] {
    return this.db
      .all<Row>('SELECT c.* FROM user_credentials c JOIN users u ON u.id = c.user_id WHERE c.kind = ? AND u.account_id = ? ORDER BY c.created_at, c.id', kind, accountId)
      .map(toCredential);
  }

  setStatus(kind: UserCredentialKind, id: string, status: CredentialStatus): void {
    this.db.run('UPDATE user_credentials SET status = ? WHERE kind = ? AND id = ?', status, kind, id);
  }

  setBody(kind: UserCredentialKind, id: string, body: string): void {
    this.db.run('UPDATE user_credentials SET body = ? WHERE kind = ? AND id = ?', body, kind, id);
  }

  delete(kind: UserCredentialKind, id: string): void {
    this.db.run('DELETE FROM user_credentials WHERE kind = ? AND id = ?', kind, id);
  }

  countForUser(userId: string): Record<UserCredentialKind, number> {
    const out: Record<UserCredentialKind, number> = { 'ssh-public-key': 0, 'signing-certificate': 0, 'service-specific': 0 };
    for (const r of this.db.all<{ kind: UserCredentialKind; n: number }>('SELECT kind, COUNT(*) AS n FROM user_credentials WHERE user_id = ? GROUP BY kind', userId)) out[r.kind] = r.n;
    return out;
  }

  report(accountId: string): { content: string; generatedAt: string } | null {
    const r = this.db.get<{ content: string; generated_at: string }>('SELECT content, generated_at FROM credential_reports WHERE account_id = ?', accountId);
    return r ? { content: r.content, generatedAt: r.generated_at } : null;
  }

  putReport(accountId: string, content: string, generatedAt: string): void {
    this.db.run(
      'INSERT INTO credential_reports (account_id, content, generated_at) VALUES (?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET content = excluded.content, generated_at = excluded.generated_at',
      accountId, content, generatedAt,
    );
  }
}
