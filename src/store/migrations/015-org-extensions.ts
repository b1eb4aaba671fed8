// Owns the state of the Organizations operations that arrived with issue 16: handshakes (invitations,
// enable-all-features, billing transfers), trusted service access, delegated administrators, the
// organization's resource policy, responsibility transfers and the enabled management policy types
// (tag, backup, AI opt-out, … policies). org_policies is rebuilt so it stores every policy type of
// the API (its CHECK named only SCPs and RCPs), with the time each policy last changed
// (DescribeEffectivePolicy's LastUpdatedTimestamp). Attachments are kept across the rebuild, and the
// change-counter triggers of migration 002 are recreated on the rebuilt tables.

const ALL_POLICY_TYPES = [
  'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2', 'SECURITYHUB_POLICY', 'INSPECTOR_POLICY', 'UPGRADE_ROLLOUT_POLICY', 'BEDROCK_POLICY', 'S3_POLICY',
  'NETWORK_SECURITY_DIRECTOR_POLICY',
];
const typeList = ALL_POLICY_TYPES.map((t) => `'${t}'`).join(',');

const triggers = ['org_policies', 'org_policy_attachments']
  .flatMap((t) =>
    ['INSERT', 'UPDATE', 'DELETE'].map(
      (ev) => `CREATE TRIGGER ${t}_${ev.toLowerCase()}_gen AFTER ${ev} ON ${t} BEGIN UPDATE generations SET value = value + 1 WHERE name = 'org'; END;`,
    ),
  )
  .join('\n');

export const migration015 = `
CREATE TABLE org_policy_attachments_keep AS SELECT policy_id, target_id FROM org_policy_attachments;
CREATE TABLE org_policies_v15 (
  id           TEXT PRIMARY KEY,              -- p-… (AWS-managed: p-FullAWSAccess:<org id>)
  org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type         TEXT NOT NULL CHECK (type IN (${typeList})),
  name         TEXT NOT NULL,
  description  TEXT,
  content      TEXT NOT NULL,
  aws_managed  INTEGER NOT NULL DEFAULT 0,
  updated_at   TEXT,
  UNIQUE (org_id, type, name)
);
INSERT INTO org_policies_v15 (id, org_id, type, name, description, content, aws_managed)
  SELECT id, org_id, type, name, description, content, aws_managed FROM org_policies;
DROP TABLE org_policy_attachments;
DROP TABLE org_policies;
ALTER TABLE org_policies_v15 RENAME TO org_policies;
CREATE TABLE org_policy_attachments (
  policy_id  TEXT NOT NULL REFERENCES org_policies(id) ON DELETE CASCADE,
  target_id  TEXT NOT NULL,
  PRIMARY KEY (policy_id, target_id)
);
CREATE INDEX org_policy_attachments_target ON org_policy_attachments(target_id);
INSERT INTO org_policy_attachments (policy_id, target_id) SELECT policy_id, target_id FROM org_policy_attachments_keep;
DROP TABLE org_policy_attachments_keep;
${triggers}

-- Management policy types enabled in the root (SCPs and RCPs keep their organizations columns).
CREATE TABLE org_enabled_policy_types (
  org_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  type    TEXT NOT NULL,
  PRIMARY KEY (org_id, type)
);

-- Handshakes (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Handshake.html).
CREATE TABLE org_handshakes (
  id                TEXT PRIMARY KEY,          -- h-…
  org_id            TEXT NOT NULL,
  arn               TEXT NOT NULL,
  action            TEXT NOT NULL,
  state             TEXT NOT NULL,
  parties           TEXT NOT NULL,             -- JSON [{Id, Type}]
  resources         TEXT NOT NULL,             -- JSON HandshakeResources
  target_type       TEXT,                      -- the invited party (ACCOUNT / EMAIL / ORGANIZATION)
  target_id         TEXT,
  parent_id         TEXT,
  requested_at      TEXT NOT NULL,
  expires_at        TEXT NOT NULL,
  state_changed_at  TEXT NOT NULL
);
CREATE INDEX org_handshakes_org ON org_handshakes(org_id);

-- Trusted access (EnableAWSServiceAccess) and delegated administrators.
CREATE TABLE org_service_access (
  org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  service_principal  TEXT NOT NULL,
  enabled_at         TEXT NOT NULL,
  PRIMARY KEY (org_id, service_principal)
);
CREATE TABLE org_delegated_admins (
  org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  account_id         TEXT NOT NULL,
  service_principal  TEXT NOT NULL,
  enabled_at         TEXT NOT NULL,
  PRIMARY KEY (account_id, service_principal)
);
CREATE INDEX org_delegated_admins_org ON org_delegated_admins(org_id, service_principal);

-- The organization's resource-based delegation policy (one per organization).
CREATE TABLE org_resource_policies (
  org_id   TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
  id       TEXT NOT NULL UNIQUE,               -- rp-…
  content  TEXT NOT NULL
);

-- Responsibility (billing) transfers between organizations.
CREATE TABLE org_responsibility_transfers (
  id              TEXT PRIMARY KEY,            -- rt-…
  type            TEXT NOT NULL,
  name            TEXT NOT NULL,
  status          TEXT NOT NULL,
  source_account  TEXT NOT NULL,               -- management account transferring the responsibility
  source_org      TEXT,
  target_account  TEXT NOT NULL,               -- management account taking it on (the inviter)
  target_org      TEXT NOT NULL,
  start_at        TEXT NOT NULL,
  end_at          TEXT,
  handshake_id    TEXT,
  created_at      TEXT NOT NULL
);
`;
