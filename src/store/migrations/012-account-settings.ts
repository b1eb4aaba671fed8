// Owns the state of IAM's account-level settings and console passwords (the alias lives in
// accounts.alias): the password policy and the STS global-endpoint token version (one row per setting and account), the
// password history that PasswordReusePrevention reads, and the deletion tasks of service-linked roles.

export const migration012 = `
CREATE TABLE account_settings (
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  key         TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (account_id, key)
);

ALTER TABLE login_profiles ADD COLUMN password_history TEXT NOT NULL DEFAULT '[]';
ALTER TABLE login_profiles ADD COLUMN password_changed_at TEXT;

CREATE TABLE slr_deletion_tasks (
  task_id     TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  role_arn    TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('SUCCEEDED','IN_PROGRESS','FAILED','NOT_STARTED')),
  reason      TEXT,
  created_at  TEXT NOT NULL
);

-- IAM users' other credentials: SSH public keys (CodeCommit), X.509 signing certificates and
-- service-specific credentials (CodeCommit / Keyspaces / Bedrock passwords, kept as hashes).
CREATE TABLE user_credentials (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('ssh-public-key','signing-certificate','service-specific')),
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status        TEXT NOT NULL CHECK (status IN ('Active','Inactive','Expired')),
  body          TEXT NOT NULL,
  fingerprint   TEXT,
  service_name  TEXT,
  service_user  TEXT,
  created_at    TEXT NOT NULL,
  expires_at    TEXT
);
CREATE INDEX user_credentials_user ON user_credentials(user_id, kind);

CREATE TABLE credential_reports (
  account_id    TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  content       TEXT NOT NULL,
  generated_at  TEXT NOT NULL
);
`;
