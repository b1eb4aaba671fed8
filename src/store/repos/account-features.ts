// Owns the state of IAM's organization-wide and account-wide features (migration 016): centralized
// root access of an organization (RootCredentialsManagement, RootSessions) and an account's outbound
// identity federation (its issuer id, whether JWT vending is on, and its signing keys).
import type { Db } from '../db';

export type OrgRootFeature = 'RootCredentialsManagement' | 'RootSessions';

export interface OutboundFederation {
  accountId: string;
  /** The issuer's unique id (the host label of `https://<id>.tokens.sts.global.api.aws`). */
  issuerId: string;
  enabled: boolean;
  /** Private JWKs (JSON) of the RS256 and ES384 signing keys. */
  rsaKey: string;
  ecKey: string;
  createdAt: string;
}

export class AccountFeaturesRepo {
  constructor(private readonly db: Db) {}

  orgFeatures(orgId: string): OrgRootFeature[] {
    return this.db.all<{ feature: OrgRootFeature }>('SELECT feature FROM org_root_features WHERE org_id = ? ORDER BY feature', orgId).map((r) => r.feature);
  }

  setOrgFeature(orgId: string, feature: OrgRootFeature, enabled: boolean): void {
    if (enabled) this.db.run('INSERT OR IGNORE INTO org_root_features (org_id, feature) VALUES (?, ?)', orgId, feature);
    else this.db.run('DELETE FROM org_root_features WHERE org_id = ? AND feature = ?', orgId, feature);
  }

  outbound(accountId: string): OutboundFederation | null {
    const r = this.db.get<{ account_id: string; issuer_id: string; enabled: number; rsa_key: string; ec_key: string; created_at: string }>(
      'SELECT * FROM outbound_web_identity WHERE account_id = ?',
      accountId,
    );
    return r ? { accountId: r.account_id, issuerId: r.issuer_id, enabled: r.enabled === 1, rsaKey: r.rsa_key, ecKey: r.ec_key, createdAt: r.created_at } : null;
  }

  outboundByIssuer(issuerId: string): OutboundFederation | null {
    const r = this.db.get<{ account_id: string }>('SELECT account_id FROM outbound_web_identity WHERE issuer_id = ?', issuerId);
    return r ? this.outbound(r.account_id) : null;
  }

  /** The first enable creates the issuer and keys; later ones keep them (AWS keeps the issuer URL of an account). */
  putOutbound(o: OutboundFederation): void {
    this.db.run(
      `INSERT INTO outbound_web_identity (account_id, issuer_id, enabled, rsa_key, ec_key, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled`,
      o.accountId, o.issuerId, o.enabled ? 1 : 0, o.rsaKey, o.ecKey, o.createdAt,
    );
  }

  setOutboundEnabled(accountId: string, enabled: boolean): void {
    this.db.run('UPDATE outbound_web_identity SET enabled = ? WHERE account_id = ?', enabled ? 1 : 0, accountId);
  }
}
