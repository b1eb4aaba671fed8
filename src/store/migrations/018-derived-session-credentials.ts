// Owns making a session's secret key and token derivable instead of stored: each is an HMAC, under a
// key this data file holds (`session_key`, made from SQLite's CSPRNG by the first session created, and
// never changed; not made here, because a new database may get this schema from a script the build
// recorded, and a key in it would be every database's), of the
// session's access key id (repos/sessions.ts). A row with NULL in `secret`/`session_token` has derived
// ones; rows written before this migration keep theirs. NULL in `principal_arn`/`principal_id` of a
// role session means the ones its account, role and session name make. Together that drops ~270 of a
// role session row's ~590 bytes (sessions are the one table that grows with traffic). The `sessions_expires` index goes too: only
// the hourly purge used it, and a scan of the table does that job.
// SQLite cannot relax NOT NULL in place, so the table is rebuilt with the same columns and data.

export const migration018 = `
CREATE TABLE session_key (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  key BLOB NOT NULL
);
CREATE TABLE sessions_new (
  access_key_id        TEXT PRIMARY KEY,
  secret               TEXT,
  session_token        TEXT,
  account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind                 TEXT NOT NULL CHECK (kind IN ('assumed-role','federated-user','session-token','root')),
  via                  TEXT NOT NULL,
  principal_arn        TEXT,
  principal_id         TEXT,
  role_id              TEXT,
  role_arn             TEXT,
  role_name            TEXT,
  session_name         TEXT,
  user_id              TEXT,
  user_arn             TEXT,
  source_identity      TEXT,
  session_policy       TEXT,
  session_policy_arns  TEXT NOT NULL DEFAULT '[]',
  tags                 TEXT NOT NULL DEFAULT '[]',
  transitive_tag_keys  TEXT NOT NULL DEFAULT '[]',
  mfa_authenticated    INTEGER NOT NULL DEFAULT 0,
  mfa_auth_time        TEXT,
  federated_provider   TEXT,
  federation_claims    TEXT,
  chained              INTEGER NOT NULL DEFAULT 0,
  parent_access_key_id TEXT,
  issued_at            TEXT NOT NULL,
  expires_at           TEXT NOT NULL
);
INSERT INTO sessions_new SELECT access_key_id, secret, session_token, account_id, kind, via, principal_arn, principal_id,
  role_id, role_arn, role_name, session_name, user_id, user_arn, source_identity, session_policy, session_policy_arns, tags,
  transitive_tag_keys, mfa_authenticated, mfa_auth_time, federated_provider, federation_claims, chained, parent_access_key_id,
  issued_at, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
`;
