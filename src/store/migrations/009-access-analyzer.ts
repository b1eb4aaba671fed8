// Owns IAM Access Analyzer's state: analyzers (per account and region), their archive rules, the
// findings' stored identity and status (the findings themselves are recomputed from the current
// trust policies on every read; this table keeps what the analysis cannot: the id a finding was
// given, when it was first seen, and whether the user archived it), and policy generation jobs.

export const migration009 = `
CREATE TABLE aa_analyzers (
  arn            TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  region         TEXT NOT NULL,
  name           TEXT NOT NULL,
  type           TEXT NOT NULL,
  status         TEXT NOT NULL,
  tags           TEXT NOT NULL DEFAULT '{}',
  configuration  TEXT,
  created_at     TEXT NOT NULL,
  UNIQUE (account_id, region, name)
);
CREATE TABLE aa_archive_rules (
  analyzer_arn  TEXT NOT NULL REFERENCES aa_analyzers(arn) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  filter        TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (analyzer_arn, name)
);
CREATE TABLE aa_findings (
  analyzer_arn   TEXT NOT NULL REFERENCES aa_analyzers(arn) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  key            TEXT NOT NULL,
  resource_arn   TEXT NOT NULL,
  resource_type  TEXT NOT NULL,
  owner_account  TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('ACTIVE','ARCHIVED','RESOLVED')),
  detail         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  analyzed_at    TEXT NOT NULL,
  PRIMARY KEY (analyzer_arn, id),
  UNIQUE (analyzer_arn, key)
);
CREATE TABLE aa_resources (
  analyzer_arn   TEXT NOT NULL REFERENCES aa_analyzers(arn) ON DELETE CASCADE,
  resource_arn   TEXT NOT NULL,
  resource_type  TEXT NOT NULL,
  owner_account  TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  analyzed_at    TEXT NOT NULL,
  PRIMARY KEY (analyzer_arn, resource_arn)
);
CREATE TABLE aa_policy_generations (
  job_id         TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  principal_arn  TEXT NOT NULL,
  status         TEXT NOT NULL,
  started_on     TEXT NOT NULL,
  completed_on   TEXT,
  request        TEXT NOT NULL,
  result         TEXT
);
CREATE INDEX aa_policy_generations_account ON aa_policy_generations(account_id, started_on);
`;
