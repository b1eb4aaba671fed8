// Owns IAM server certificates: name/path/ARN, the certificate body and chain (never the private key).
import type { Db } from '../db';

export interface ServerCertificate {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  body: string;
  chain: string | null;
  expiration: string;
  uploadedAt: string;
}

interface Row {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  body: string;
  chain: string | null;
  expiration: string;
  uploaded_at: string;
}

const toCert = (r: Row): ServerCertificate => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  path: r.path,
  arn: r.arn,
  body: r.body,
  chain: r.chain,
  expiration: r.expiration,
  uploadedAt: r.uploaded_at,
});

export class ServerCertificatesRepo {
  constructor(private readonly db: Db) {}

  getByName(accountId: string, name: string): ServerCertificate | null {
    const r = this.db.get<Row>('SELECT * FROM server_certificates WHERE account_id = ? AND name_lower = ?', accountId, name.toLowerCase());
    return r ? toCert(r) : null;
  }

  create(c: ServerCertificate): void {
    this.db.run(
      `INSERT INTO server_certificates (id, account_id, name, name_lower, path, arn, body, chain, expiration, uploaded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.id, c.accountId, c.name, c.name.toLowerCase(), c.path, c.arn, c.body, c.chain, c.expiration, c.uploadedAt,
    );
  }

  rename(id: string, name: string, path: string, arn: string): void {
    this.db.run('UPDATE server_certificates SET name = ?, name_lower = ?, path = ?, arn = ? WHERE id = ?', name, name.toLowerCase(), path, arn, id);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM server_certificates WHERE id = ?', id);
  }

  /** An account's certificates under a path prefix, in name order. */
  list(accountId: string, pathPrefix: string): ServerCertificate[] {
    return this.db
      .all<Row>('SELECT * FROM server_certificates WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name_lower', accountId, pathPrefix, pathPrefix)
      .map(toCert);
  }

  count(accountId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM server_certificates WHERE account_id = ?', accountId)!.n;
  }
}
