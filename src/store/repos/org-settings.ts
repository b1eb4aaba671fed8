// Owns the organization-wide settings of AWS Organizations: trusted access for AWS services
// (EnableAWSServiceAccess), delegated administrators (RegisterDelegatedAdministrator) and the
// organization's resource-based delegation policy (PutResourcePolicy).
import type { Db } from '../db';

export interface ServiceAccess {
  servicePrincipal: string;
  enabledAt: string;
}

export interface DelegatedAdmin {
  accountId: string;
  servicePrincipal: string;
  enabledAt: string;
}

export interface OrgResourcePolicy {
  orgId: string;
  id: string;
  content: string;
}

export class OrgSettingsRepo {
  constructor(private readonly db: Db) {}

  enableService(orgId: string, servicePrincipal: string, at: string): void {
    this.db.run('INSERT OR IGNORE INTO org_service_access (org_id, service_principal, enabled_at) VALUES (?, ?, ?)', orgId, servicePrincipal, at);
  }

  disableService(orgId: string, servicePrincipal: string): void {
    this.db.run('DELETE FROM org_service_access WHERE org_id = ? AND service_principal = ?', orgId, servicePrincipal);
  }

  services(orgId: string): ServiceAccess[] {
    return this.db
      .all<{ service_principal: string; enabled_at: string }>('SELECT * FROM org_service_access WHERE org_id = ? ORDER BY service_principal', orgId)
      .map((r) => ({ servicePrincipal: r.service_principal, enabledAt: r.enabled_at }));
  }

  registerAdmin(orgId: string, accountId: string, servicePrincipal: string, at: string): void {
    this.db.run('INSERT INTO org_delegated_admins (org_id, account_id, service_principal, enabled_at) VALUES (?, ?, ?, ?)', orgId, accountId, servicePrincipal, at);
  }

  deregisterAdmin(accountId: string, servicePrincipal: string): void {
    this.db.run('DELETE FROM org_delegated_admins WHERE account_id = ? AND service_principal = ?', accountId, servicePrincipal);
  }

  /** Delegated administrators of an organization (of one service when given), in the order they were registered. */
  admins(orgId: string, servicePrincipal?: string): DelegatedAdmin[] {
    const rows = servicePrincipal === undefined
      ? this.db.all<{ account_id: string; service_principal: string; enabled_at: string }>('SELECT * FROM org_delegated_admins WHERE org_id = ? ORDER BY enabled_at, account_id, service_principal', orgId)
      : this.db.all<{ account_id: string; service_principal: string; enabled_at: string }>(
          'SELECT * FROM org_delegated_admins WHERE org_id = ? AND service_principal = ? ORDER BY enabled_at, account_id', orgId, servicePrincipal,
        );
    return rows.map((r) => ({ accountId: r.account_id, servicePrincipal: r.service_principal, enabledAt: r.enabled_at }));
  }

  /** The services an account is a delegated administrator for. */
  servicesOf(accountId: string): DelegatedAdmin[] {
    return this.db
      .all<{ account_id: string; service_principal: string; enabled_at: string }>('SELECT * FROM org_delegated_admins WHERE account_id = ? ORDER BY service_principal', accountId)
      .map((r) => ({ accountId: r.account_id, servicePrincipal: r.service_principal, enabledAt: r.enabled_at }));
  }

  resourcePolicy(orgId: string): OrgResourcePolicy | null {
    const r = this.db.get<{ org_id: string; id: string; content: string }>('SELECT * FROM org_resource_policies WHERE org_id = ?', orgId);
    return r ? { orgId: r.org_id, id: r.id, content: r.content } : null;
  }

  putResourcePolicy(p: OrgResourcePolicy): void {
    this.db.run(
      'INSERT INTO org_resource_policies (org_id, id, content) VALUES (?, ?, ?) ON CONFLICT(org_id) DO UPDATE SET content = excluded.content',
      p.orgId, p.id, p.content,
    );
  }

  deleteResourcePolicy(orgId: string): void {
    this.db.run('DELETE FROM org_resource_policies WHERE org_id = ?', orgId);
  }
}
