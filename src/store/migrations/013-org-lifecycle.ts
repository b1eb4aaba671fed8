// Owns the state of the Organizations lifecycle operations: CreateAccount requests (their
// CreateAccountStatus, https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccountStatus.html)
// and each member account's Status (ACTIVE, SUSPENDED after CloseAccount).

export const migration013 = `
CREATE TABLE org_create_account_requests (
  id            TEXT PRIMARY KEY,            -- car-…
  org_id        TEXT NOT NULL,
  account_name  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('IN_PROGRESS','SUCCEEDED','FAILED')),
  account_id    TEXT,
  failure       TEXT,
  requested_at  TEXT NOT NULL,
  completed_at  TEXT
);
CREATE INDEX org_create_account_requests_org ON org_create_account_requests(org_id);

ALTER TABLE org_accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE org_accounts ADD COLUMN joined_method TEXT;
`;
