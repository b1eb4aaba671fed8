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
  /** EKS CreateCluster: the cluster IAM role (null for clusters made by the admin endpoint or a seed without one). */
  roleArn?: string | null;
  /** Kubernetes version (`major.minor`); null = the default EKS reports. */
  version?: string | null;
  clientRequestToken?: string | null;
  /** resourcesVpcConfig as given to CreateCluster (JSON), echoed by DescribeCluster. */
  vpcConfig?: string | null;
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
  role_arn: string | null;
  version: string | null;
  client_request_token: string | null;
  vpc_config: string | null;
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
  roleArn: r.role_arn,
  version: r.version,
  clientRequestToken: r.client_request_token,
  vpcConfig: r.vpc_config,
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

  /** The clusters of one account and region, by name (EKS ListClusters). */
  listIn(accountId: string, region: string): EksCluster[] {
    return this.db.all<ClusterRow>('SELECT * FROM eks_clusters WHERE account_id = ? AND region = ? ORDER BY name', accountId, region).map(toCluster);
  }

  list(): EksCluster[] {
    return this.db.all<ClusterRow>('SELECT * FROM eks_clusters ORDER BY account_id, region, name').map(toCluster);
  }

  create(c: EksCluster): EksCluster {
    this.db.run(
      `INSERT INTO eks_clusters (account_id, region, name, id, issuer, private_jwk, public_jwk, kid, created_at, role_arn, version, client_request_token, vpc_config)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.accountId, c.region, c.name, c.id, c.issuer, c.privateJwk, c.publicJwk, c.kid, c.createdAt,
      c.roleArn ?? null, c.version ?? null, c.clientRequestToken ?? null, c.vpcConfig ?? null,
    );
    return c;
  }

  delete(id: string): void {
    this.db.run('DELETE FROM eks_clusters WHERE id = ?', id);
  }
}
