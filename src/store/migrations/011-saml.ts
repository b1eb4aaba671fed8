// Owns the SAML federation tables: IAM SAML providers (the metadata document as uploaded, what IAM
// reads from it, assertion encryption settings and private keys) and iamlocal's mock SAML IdPs
// (each with its own signing key and self-signed certificate).

export const migration011 = `
CREATE TABLE saml_providers (
  arn                        TEXT PRIMARY KEY,      -- arn:aws:iam::ACCT:saml-provider/NAME
  account_id                 TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name                       TEXT NOT NULL,
  uuid                       TEXT NOT NULL,         -- SAMLProviderUUID
  metadata_document          TEXT NOT NULL,
  entity_id                  TEXT NOT NULL,         -- the metadata's entityID (the assertion Issuer)
  signing_certificates       TEXT NOT NULL,         -- JSON array of PEM certificates
  valid_until                TEXT NOT NULL,
  assertion_encryption_mode  TEXT,                  -- Required | Allowed | NULL
  private_keys               TEXT NOT NULL DEFAULT '[]',  -- JSON [{keyId, pem, timestamp}]
  created_at                 TEXT NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE mock_saml_idps (
  account_id       TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  entity_id        TEXT NOT NULL,
  private_key_pem  TEXT NOT NULL,
  certificate_pem  TEXT NOT NULL,
  created_at       TEXT NOT NULL,
  PRIMARY KEY (account_id, name)
);
`;
