// Owns the IAM server certificates table (certificates for ELB/CloudFront uploaded to IAM). The
// private key is validated against the certificate at upload and never stored.
export const migration014 = `
CREATE TABLE server_certificates (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  name_lower  TEXT NOT NULL,
  path        TEXT NOT NULL DEFAULT '/',
  arn         TEXT NOT NULL UNIQUE,
  body        TEXT NOT NULL,
  chain       TEXT,
  expiration  TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  UNIQUE (account_id, name_lower)
);
`;
