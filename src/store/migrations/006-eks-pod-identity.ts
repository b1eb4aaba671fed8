// Owns the schema of EKS clusters as EKS resources (role ARN, Kubernetes version, idempotency token,
// VPC config as given) and of EKS Pod Identity associations (one per cluster + namespace + service
// account, as EKS enforces with ResourceInUseException). Associations go with their cluster.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_PodIdentityAssociation.html

export const migration006 = `
ALTER TABLE eks_clusters ADD COLUMN role_arn TEXT;
ALTER TABLE eks_clusters ADD COLUMN version TEXT;
ALTER TABLE eks_clusters ADD COLUMN client_request_token TEXT;
ALTER TABLE eks_clusters ADD COLUMN vpc_config TEXT;

CREATE TABLE eks_pod_identity_associations (
  id                    TEXT PRIMARY KEY,            -- a- + 17 lower-case alphanumerics
  arn                   TEXT NOT NULL UNIQUE,        -- arn:aws:eks:R:A:podidentityassociation/CLUSTER/ID
  account_id            TEXT NOT NULL,
  region                TEXT NOT NULL,
  cluster_name          TEXT NOT NULL,
  namespace             TEXT NOT NULL,
  service_account       TEXT NOT NULL,
  role_arn              TEXT NOT NULL,
  target_role_arn       TEXT,
  external_id           TEXT,
  disable_session_tags  INTEGER NOT NULL DEFAULT 0,
  policy                TEXT,
  owner_arn             TEXT,
  client_request_token  TEXT,
  created_at            TEXT NOT NULL,
  modified_at           TEXT NOT NULL,
  UNIQUE (account_id, region, cluster_name, namespace, service_account),
  FOREIGN KEY (account_id, region, cluster_name) REFERENCES eks_clusters(account_id, region, name) ON DELETE CASCADE
);
`;
