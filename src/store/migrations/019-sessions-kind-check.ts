// Owns rewriting the `kind` CHECK of sessions from `kind IN ('assumed-role', …)` to the same test as
// equalities joined by OR. SQLite compiles an IN over a list of more than two constants into an ephemeral
// index that every INSERT builds, fills and frees (OpenEphemeral and four IdxInserts in `EXPLAIN INSERT
// INTO sessions …`); the OR form is compared in place. Sessions are written on every AssumeRole: under
// AssumeRole load the insert went from ~21 to ~16 µs in the server (bench/README.md, issue 18, seventh pass). The rows accepted are the same. SQLite cannot change a CHECK in place, so the table
// is rebuilt with the same columns and data (as migration 018 did).

export const migration019 = `
CREATE TABLE sessions_new (
  access_key_id        TEXT PRIMARY KEY,
  secret               TEXT,
  session_token        TEXT,
  account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind                 TEXT NOT NULL CHECK (kind = 'assumed-role' OR kind = 'federated-user' OR kind = 'session-token' OR kind = 'root'),
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
