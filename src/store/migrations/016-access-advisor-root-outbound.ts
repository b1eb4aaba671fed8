// Owns the tables of IAM's newer account features (issue 16):
// - service_last_accessed: what iamlocal saw each IAM user and role do (one row per entity and action,
//   the last time it was authorized), the source of Access Advisor's last-accessed reports
//   (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html);
// - access_advisor_jobs: the reports GenerateServiceLastAccessedDetails / GenerateOrganizationsAccessReport
//   made, each a snapshot taken when it was generated;
// - org_root_features: centralized root access of an organization (RootCredentialsManagement, RootSessions;
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html);
// - outbound_web_identity: an account's outbound identity federation issuer and its signing keys
//   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_outbound.html);
// - delegation_requests: temporary delegation requests a partner creates and the account owner answers.
export const migration016 = `
CREATE TABLE service_last_accessed (
  entity_id   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  entity_type TEXT NOT NULL CHECK (entity_type IN ('user','role')),
  entity_arn  TEXT NOT NULL,
  service     TEXT NOT NULL,
  action      TEXT NOT NULL,
  region      TEXT NOT NULL,
  last_at     TEXT NOT NULL,
  PRIMARY KEY (entity_id, action)
);
CREATE INDEX service_last_accessed_account ON service_last_accessed (account_id, service);

CREATE TABLE access_advisor_jobs (
  job_id        TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('service','organizations')),
  requester_arn TEXT NOT NULL,
  target        TEXT NOT NULL,
  granularity   TEXT,
  created_at    TEXT NOT NULL,
  completed_at  TEXT,
  report        TEXT NOT NULL
);
CREATE INDEX access_advisor_jobs_account ON access_advisor_jobs (account_id, created_at);

CREATE TABLE org_root_features (
  org_id  TEXT NOT NULL,
  feature TEXT NOT NULL CHECK (feature IN ('RootCredentialsManagement','RootSessions')),
  PRIMARY KEY (org_id, feature)
);

CREATE TABLE outbound_web_identity (
  account_id  TEXT PRIMARY KEY,
  issuer_id   TEXT NOT NULL UNIQUE,
  enabled     INTEGER NOT NULL,
  rsa_key     TEXT NOT NULL,
  ec_key      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE delegation_requests (
  id             TEXT PRIMARY KEY,
  requestor_id   TEXT NOT NULL,
  owner_account  TEXT,
  owner_id       TEXT,
  approver_id    TEXT,
  state          TEXT NOT NULL,
  body           TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL
);
CREATE INDEX delegation_requests_owner ON delegation_requests (owner_account);
`;
