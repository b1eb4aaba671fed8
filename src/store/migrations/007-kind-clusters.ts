// Owns the state that belongs to a kind cluster rather than to IAM, and so outlives POST /_iamlocal/reset
// (Db.wipe keeps these tables; see KEPT_ON_RESET in src/store/db.ts):
// - cluster_keys: each mock EKS cluster's OIDC id and signing key, by (account, region, name). A kind
//   cluster configured once with that issuer and key keeps signing tokens iamlocal accepts: reset and
//   seeds re-create the cluster with the same id and key instead of a new one.
// - webhook_service_accounts: the service-account annotations the pod identity webhook has seen in
//   ServiceAccount admission reviews (or was told through the admin API, `iamlocal kind` or a seed). They mirror
//   objects that live in the kind cluster, which a reset of iamlocal does not touch.
// - webhook_clusters: per-cluster webhook settings (endpoint URL injected into pods, region, …).
// - webhook_tls: iamlocal's webhook CA and serving certificate, so the caBundle written into a cluster's
//   MutatingWebhookConfiguration stays valid across restarts with a data dir.
// Clusters that existed before this migration get their key recorded.

export const migration007 = `
CREATE TABLE cluster_keys (
  account_id      TEXT NOT NULL,
  region          TEXT NOT NULL,
  name            TEXT NOT NULL,
  id              TEXT NOT NULL,
  private_jwk     TEXT NOT NULL,
  public_jwk      TEXT NOT NULL,
  kid             TEXT NOT NULL,
  oidc_client_ids TEXT,                 -- JSON array: re-create the IAM OIDC provider after a reset; NULL = none
  created_at      TEXT NOT NULL,
  PRIMARY KEY (account_id, region, name)
);
INSERT INTO cluster_keys (account_id, region, name, id, private_jwk, public_jwk, kid, oidc_client_ids, created_at)
  SELECT account_id, region, name, id, private_jwk, public_jwk, kid, NULL, created_at FROM eks_clusters;

CREATE TABLE webhook_clusters (
  cluster_id  TEXT PRIMARY KEY,           -- eks_clusters.id (32 hex)
  settings    TEXT NOT NULL,              -- JSON
  updated_at  TEXT NOT NULL
);

CREATE TABLE webhook_service_accounts (
  cluster_id   TEXT NOT NULL,
  namespace    TEXT NOT NULL,
  name         TEXT NOT NULL,
  annotations  TEXT NOT NULL,             -- JSON object of the eks.amazonaws.com/* annotations
  source       TEXT NOT NULL CHECK (source IN ('admission','admin','seed')),
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (cluster_id, namespace, name)
);

CREATE TABLE webhook_tls (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  ca_cert       TEXT NOT NULL,
  ca_key        TEXT NOT NULL,
  serving_cert  TEXT NOT NULL,
  serving_key   TEXT NOT NULL,
  sans          TEXT NOT NULL,            -- JSON array the serving certificate was issued for
  created_at    TEXT NOT NULL
);
`;
