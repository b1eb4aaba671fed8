// Owns IAM SAML providers (metadata as uploaded, entity id and signing certificates read from it,
// assertion encryption mode and private keys) and iamlocal's mock SAML IdPs.
import type { Db } from '../db';

export interface SamlPrivateKey {
  keyId: string;
  pem: string;
  timestamp: string;
}

export interface SamlProvider {
  arn: string;
  accountId: string;
  name: string;
  uuid: string;
  metadataDocument: string;
  entityId: string;
  signingCertificates: string[];
  validUntil: string;
  assertionEncryptionMode: 'Required' | 'Allowed' | null;
  privateKeys: SamlPrivateKey[];
  createdAt: string;
}

interface ProviderRow {
  arn: string;
  account_id: string;
  name: string;
  uuid: string;
  metadata_document: string;
  entity_id: string;
  signing_certificates: string;
  valid_until: string;
  assertion_encryption_mode: string | null;
  private_keys: string;
  created_at: string;
}

const toProvider = (r: ProviderRow): SamlProvider => ({
  arn: r.arn,
  accountId: r.account_id,
  name: r.name,
  uuid: r.uuid,
  metadataDocument: r.metadata_document,
  entityId: r.entity_id,
  signingCertificates: JSON.parse(r.signing_certificates),
  validUntil: r.valid_until,
  assertionEncryptionMode: r.assertion_encryption_mode as SamlProvider['assertionEncryptionMode'],
  privateKeys: JSON.parse(r.private_keys),
  createdAt: r.created_at,
});

export type SamlProviderUpdate = Partial<Pick<SamlProvider, 'metadataDocument' | 'entityId' | 'signingCertificates' | 'validUntil' | 'assertionEncryptionMode' | 'privateKeys'>>;

export class SamlProvidersRepo {
  constructor(private readonly db: Db) {}

  get(arn: string): SamlProvider | null {
    const r = this.db.get<ProviderRow>('SELECT * FROM saml_providers WHERE arn = ?', arn);
    return r ? toProvider(r) : null;
  }

  list(accountId: string): SamlProvider[] {
    return this.db.all<ProviderRow>('SELECT * FROM saml_providers WHERE account_id = ? ORDER BY arn', accountId).map(toProvider);
  }

  create(p: SamlProvider): SamlProvider {
    this.db.run(
      `INSERT INTO saml_providers (arn, account_id, name, uuid, metadata_document, entity_id, signing_certificates, valid_until, assertion_encryption_mode, private_keys, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      p.arn, p.accountId, p.name, p.uuid, p.metadataDocument, p.entityId, JSON.stringify(p.signingCertificates), p.validUntil, p.assertionEncryptionMode,
      JSON.stringify(p.privateKeys), p.createdAt,
    );
    return this.get(p.arn)!;
  }

  update(arn: string, f: SamlProviderUpdate): void {
    const cur = this.get(arn);
    if (!cur) return;
    const n = { ...cur, ...f };
    this.db.run(
      `UPDATE saml_providers SET metadata_document = ?, entity_id = ?, signing_certificates = ?, valid_until = ?, assertion_encryption_mode = ?, private_keys = ? WHERE arn = ?`,
      n.metadataDocument, n.entityId, JSON.stringify(n.signingCertificates), n.validUntil, n.assertionEncryptionMode, JSON.stringify(n.privateKeys), arn,
    );
  }

  delete(arn: string): void {
    this.db.run(`DELETE FROM tags WHERE resource_kind = 'saml-provider' AND resource_id = ?`, arn);
    this.db.run('DELETE FROM saml_providers WHERE arn = ?', arn);
  }
}

export interface MockSamlIdp {
  accountId: string;
  name: string;
  entityId: string;
  privateKeyPem: string;
  certificatePem: string;
  createdAt: string;
}

interface IdpRow {
  account_id: string;
  name: string;
  entity_id: string;
  private_key_pem: string;
  certificate_pem: string;
  created_at: string;
}

const toIdp = (r: IdpRow): MockSamlIdp => ({
  accountId: r.account_id,
  name: r.name,
  entityId: r.entity_id,
  privateKeyPem: r.private_key_pem,
  certificatePem: r.certificate_pem,
  createdAt: r.created_at,
});

export class MockSamlIdpsRepo {
  constructor(private readonly db: Db) {}

  get(accountId: string, name: string): MockSamlIdp | null {
    const r = this.db.get<IdpRow>('SELECT * FROM mock_saml_idps WHERE account_id = ? AND name = ?', accountId, name);
    return r ? toIdp(r) : null;
  }

  list(accountId?: string): MockSamlIdp[] {
    const rows = accountId
      ? this.db.all<IdpRow>('SELECT * FROM mock_saml_idps WHERE account_id = ? ORDER BY name', accountId)
      : this.db.all<IdpRow>('SELECT * FROM mock_saml_idps ORDER BY account_id, name');
    return rows.map(toIdp);
  }

  create(i: MockSamlIdp): MockSamlIdp {
    this.db.run(
      'INSERT INTO mock_saml_idps (account_id, name, entity_id, private_key_pem, certificate_pem, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      i.accountId, i.name, i.entityId, i.privateKeyPem, i.certificatePem, i.createdAt,
    );
    return this.get(i.accountId, i.name)!;
  }
}
