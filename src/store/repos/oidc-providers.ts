// Owns IAM OIDC identity providers (url without scheme, client ids, thumbprints, optional pinned JWKS).
import type { Db } from '../db';

export interface OidcProvider {
  arn: string;
  accountId: string;
  /** Issuer URL without `https://`, as IAM stores and returns it. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  /** Pinned JWKS JSON text (local issuers / the EKS mock), or null to resolve by discovery. */
  jwks: string | null;
  allowNetworkFetch: boolean;
  createdAt: string;
}

interface ProviderRow {
  arn: string;
  account_id: string;
  url: string;
  client_ids: string;
  thumbprints: string;
  jwks: string | null;
  allow_network_fetch: number;
  created_at: string;
}

const toProvider = (r: ProviderRow): OidcProvider => ({
  arn: r.arn,
  accountId: r.account_id,
  url: r.url,
  clientIds: JSON.parse(r.client_ids),
  thumbprints: JSON.parse(r.thumbprints),
  jwks: r.jwks,
  allowNetworkFetch: r.allow_network_fetch === 1,
  createdAt: r.created_at,
});

export class OidcProvidersRepo {
  constructor(private readonly db: Db) {}

  get(arn: string): OidcProvider | null {
    const r = this.db.get<ProviderRow>('SELECT * FROM oidc_providers WHERE arn = ?', arn);
    return r ? toProvider(r) : null;
  }

  /** The account's provider for an issuer (url without scheme). */
  findByUrl(accountId: string, url: string): OidcProvider | null {
    const r = this.db.get<ProviderRow>('SELECT * FROM oidc_providers WHERE account_id = ? AND url = ?', accountId, url);
    return r ? toProvider(r) : null;
  }

  list(accountId: string): OidcProvider[] {
    return this.db.all<ProviderRow>('SELECT * FROM oidc_providers WHERE account_id = ? ORDER BY arn', accountId).map(toProvider);
  }

  create(p: OidcProvider): OidcProvider {
    this.db.run(
      `INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, jwks, allow_network_fetch, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      p.arn, p.accountId, p.url, JSON.stringify(p.clientIds), JSON.stringify(p.thumbprints), p.jwks, p.allowNetworkFetch ? 1 : 0, p.createdAt,
    );
    return this.get(p.arn)!;
  }

  update(arn: string, fields: { clientIds?: string[]; thumbprints?: string[]; jwks?: string | null; allowNetworkFetch?: boolean }): void {
    if (fields.allowNetworkFetch !== undefined) this.db.run('UPDATE oidc_providers SET allow_network_fetch = ? WHERE arn = ?', fields.allowNetworkFetch ? 1 : 0, arn);
    if (fields.clientIds) this.db.run('UPDATE oidc_providers SET client_ids = ? WHERE arn = ?', JSON.stringify(fields.clientIds), arn);
    if (fields.thumbprints) this.db.run('UPDATE oidc_providers SET thumbprints = ? WHERE arn = ?', JSON.stringify(fields.thumbprints), arn);
    if (fields.jwks !== undefined) this.db.run('UPDATE oidc_providers SET jwks = ? WHERE arn = ?', fields.jwks, arn);
  }

  delete(arn: string): void {
    this.db.run(`DELETE FROM tags WHERE resource_kind = 'oidc-provider' AND resource_id = ?`, arn);
    this.db.run('DELETE FROM oidc_providers WHERE arn = ?', arn);
  }
}
