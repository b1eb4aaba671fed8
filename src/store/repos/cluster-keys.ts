// Owns the cluster key vault (migration 007): each mock EKS cluster's OIDC id and signing key by
// (account, region, name), kept across POST /_iamlocal/reset so a kind cluster configured once with
// that issuer and key keeps working.
import type { Db } from '../db';

export interface ClusterKeyRecord {
  accountId: string;
  region: string;
  name: string;
  id: string;
  privateJwk: string;
  publicJwk: string;
  kid: string;
  /** Client ids of the IAM OIDC provider to re-create with the cluster after a reset; null = none. */
  oidcClientIds: string[] | null;
  createdAt: string;
}

interface Row {
  account_id: string;
  region: string;
  name: string;
  id: string;
  private_jwk: string;
  public_jwk: string;
  kid: string;
  oidc_client_ids: string | null;
  created_at: string;
}

const toRecord = (r: Row): ClusterKeyRecord => ({
  accountId: r.account_id,
  region: r.region,
  name: r.name,
  id: r.id,
  privateJwk: r.private_jwk,
  publicJwk: r.public_jwk,
  kid: r.kid,
  oidcClientIds: r.oidc_client_ids === null ? null : (JSON.parse(r.oidc_client_ids) as string[]),
  createdAt: r.created_at,
});

export class ClusterKeysRepo {
  constructor(private readonly db: Db) {}

  get(accountId: string, region: string, name: string): ClusterKeyRecord | null {
    const r = this.db.get<Row>('SELECT * FROM cluster_keys WHERE account_id = ? AND region = ? AND name = ?', accountId, region, name);
    return r ? toRecord(r) : null;
  }

  list(): ClusterKeyRecord[] {
    return this.db.all<Row>('SELECT * FROM cluster_keys ORDER BY account_id, region, name').map(toRecord);
  }

  /** Records (or replaces) the key of a cluster. */
  put(k: ClusterKeyRecord): void {
    this.db.run(
      `INSERT INTO cluster_keys (account_id, region, name, id, private_jwk, public_jwk, kid, oidc_client_ids, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, region, name) DO UPDATE SET id = excluded.id, private_jwk = excluded.private_jwk,
         public_jwk = excluded.public_jwk, kid = excluded.kid, oidc_client_ids = excluded.oidc_client_ids`,
      k.accountId, k.region, k.name, k.id, k.privateJwk, k.publicJwk, k.kid, k.oidcClientIds === null ? null : JSON.stringify(k.oidcClientIds), k.createdAt,
    );
  }

  /** Drops a key whose OIDC id another vault entry would collide with. */
  deleteById(id: string): void {
    this.db.run('DELETE FROM cluster_keys WHERE id = ?', id);
  }

  delete(accountId: string, region: string, name: string): void {
    this.db.run('DELETE FROM cluster_keys WHERE account_id = ? AND region = ? AND name = ?', accountId, region, name);
  }
}
