// Owns mock EKS clusters: each one is an OIDC issuer with its own signing key.
import type { Db } from '../db';

export interface EksCluster {
  accountId: string;
  region: string;
  name: string;
  /** 32 upper-case hex characters: the `/id/{ID}` of the issuer URL. */
  id: string;
  issuer: string;
  privateJwk: string;
  publicJwk: string;
  kid: string;
  createdAt: string;
}

interface ClusterRow {
  account_id: string;
  region: string;
  name: string;
  id: string;
  issuer: string;
  private_jwk: string;
  public_jwk: string;
  kid: string;
  created_at: string;
}

const toCluster = (r: ClusterRow): EksCluster => ({
  accountId: r.account_id,
  region: r.region,
  name: r.name,
  id: r.id,
  issuer: r.issuer,
  privateJwk: r.private_jwk,
  publicJwk: r.public_jwk,
  kid: r.kid,
  createdAt: r.created_at,
});

export class EksClustersRepo {
  constructor(private readonly db: Db) {}

  get(accountId: string, region: string, name: string): EksCluster | null {
    const r = this.db.get<ClusterRow>('SELECT * FROM eks_clusters WHERE account_id = ? AND region = ? AND name = ?', accountId, region, name);
    return r ? toCluster(r) : null;
  }

  getById(id: string): EksCluster | null {
    const r = this.db.get<ClusterRow>('SELECT * FROM eks_clusters WHERE id = ?', id);
    return r ? toCluster(r) : null;
  }

  list(): EksCluster[] {
    return this.db.all<ClusterRow>('SELECT * FROM eks_clusters ORDER BY account_id, region, name').map(toCluster);
  }

  create(c: EksCluster): EksCluster {
    this.db.run(
      `INSERT INTO eks_clusters (account_id, region, name, id, issuer, private_jwk, public_jwk, kid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.accountId, c.region, c.name, c.id, c.issuer, c.privateJwk, c.publicJwk, c.kid, c.createdAt,
    );
    return c;
  }

  delete(id: string): void {
    this.db.run('DELETE FROM eks_clusters WHERE id = ?', id);
  }
}
