// Owns AWS Organizations state: organizations, their root/OU tree, account placement, SCP/RCP
// policies and their attachments, and the per-account level lists the authorizer needs.
// AWS attaches the AWS-managed FullAWSAccess SCP to the root and to every new OU and account
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html);
// this repository does the same, so a fresh organization allows everything.
import type { Db } from '../db';

/** Every policy type of the Organizations API (botocore's PolicyType enum); SCPs and RCPs are the authorization ones. */
export const ORG_POLICY_TYPES = [
  'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2', 'SECURITYHUB_POLICY', 'INSPECTOR_POLICY', 'UPGRADE_ROLLOUT_POLICY', 'BEDROCK_POLICY', 'S3_POLICY',
  'NETWORK_SECURITY_DIRECTOR_POLICY',
] as const;
export type OrgPolicyType = (typeof ORG_POLICY_TYPES)[number];
/** The policy types the authorizer evaluates (the others are management policies: stored, attached, merged into effective policies). */
export type AuthzPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

export const FULL_AWS_ACCESS_ID = 'p-FullAWSAccess';
export const FULL_AWS_ACCESS_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

/** The AWS-managed RCP attached to every root, OU and account once RCPs are enabled; it cannot be detached
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html). */
export const RCP_FULL_AWS_ACCESS_ID = 'p-RCPFullAWSAccess';
export const RCP_FULL_AWS_ACCESS_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
});

/** Where an account sits in its organization (the org_accounts row). */
export interface OrgAccountPlacement {
  accountId: string;
  orgId: string;
  parentId: string;
  joinedAt: string;
  /** ACTIVE, or SUSPENDED once CloseAccount ran. */
  status: string;
  /** CREATED (CreateAccount) or INVITED; null for seeded members. */
  joinedMethod: string | null;
}

/** A CreateAccount request (CreateAccountStatus). */
export interface CreateAccountRequest {
  id: string;
  orgId: string;
  accountName: string;
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  accountId: string | null;
  failure: string | null;
  requestedAt: string;
  completedAt: string | null;
}

export interface Organization {
  id: string;
  managementAccountId: string;
  rootId: string;
  featureSet: string;
  scpEnabled: boolean;
  rcpEnabled: boolean;
  /** Management policy types enabled in the root (tag, backup, AI opt-out, …), in enabling order. */
  enabledTypes: OrgPolicyType[];
  createdAt: string;
}

export interface OrgUnit {
  id: string;
  orgId: string;
  kind: 'root' | 'ou';
  parentId: string | null;
  name: string;
}

export interface OrgPolicy {
  id: string;
  orgId: string;
  type: OrgPolicyType;
  name: string;
  description: string | null;
  content: string;
  awsManaged: boolean;
  /** When the policy was created or last updated (null for AWS-managed and pre-migration-15 policies). */
  updatedAt: string | null;
}

/** Where an account sits: its organization and the chain root → OUs (the account itself excluded). */
export interface OrgMembership {
  org: Organization;
  /** Unit ids from the root down to the account's parent. */
  path: OrgUnit[];
}

interface OrgRow {
  id: string;
  management_account_id: string;
  feature_set: string;
  scp_enabled: number;
  rcp_enabled: number;
  created_at: string;
}

interface UnitRow {
  id: string;
  org_id: string;
  kind: 'root' | 'ou';
  parent_id: string | null;
  name: string;
}

interface PolicyRow {
  id: string;
  org_id: string;
  type: OrgPolicyType;
  name: string;
  description: string | null;
  content: string;
  aws_managed: number;
  updated_at: string | null;
}

interface PlacementRow {
  account_id: string;
  org_id: string;
  parent_id: string;
  joined_at: string;
  status: string;
  joined_method: string | null;
}
const toPlacement = (r: PlacementRow): OrgAccountPlacement => ({
  accountId: r.account_id,
  orgId: r.org_id,
  parentId: r.parent_id,
  joinedAt: r.joined_at,
  status: r.status,
  joinedMethod: r.joined_method,
});

interface RequestRow {
  id: string;
  org_id: string;
  account_name: string;
  state: CreateAccountRequest['state'];
  account_id: string | null;
  failure: string | null;
  requested_at: string;
  completed_at: string | null;
}
const toRequest = (r: RequestRow): CreateAccountRequest => ({
  id: r.id,
  orgId: r.org_id,
  accountName: r.account_name,
  state: r.state,
  accountId: r.account_id,
  failure: r.failure,
  requestedAt: r.requested_at,
  completedAt: r.completed_at,
});

const toUnit = (r: UnitRow): OrgUnit => ({ id: r.id, orgId: r.org_id, kind: r.kind, parentId: r.parent_id, name: r.name });
const toPolicy = (r: PolicyRow): OrgPolicy => ({
  id: r.id,
  orgId: r.org_id,
  type: r.type,
  name: r.name,
  description: r.description,
  content: r.content,
  awsManaged: r.aws_managed === 1,
  updatedAt: r.updated_at,
});

export class OrganizationsRepo {
  constructor(private readonly db: Db) {}

  private toOrg(r: OrgRow): Organization {
    const root = this.db.get<{ id: string }>(`SELECT id FROM org_units WHERE org_id = ? AND kind = 'root'`, r.id)!;
    return {
      id: r.id,
      managementAccountId: r.management_account_id,
      rootId: root.id,
      featureSet: r.feature_set,
      scpEnabled: r.scp_enabled === 1,
      rcpEnabled: r.rcp_enabled === 1,
      enabledTypes: this.db.all<{ type: OrgPolicyType }>('SELECT type FROM org_enabled_policy_types WHERE org_id = ? ORDER BY rowid', r.id).map((t) => t.type),
      createdAt: r.created_at,
    };
  }

  get(id: string): Organization | null {
    const r = this.db.get<OrgRow>('SELECT * FROM organizations WHERE id = ?', id);
    return r ? this.toOrg(r) : null;
  }

  list(): Organization[] {
    return this.db.all<OrgRow>('SELECT * FROM organizations ORDER BY id').map((r) => this.toOrg(r));
  }

  /** Creates the organization, its root, the FullAWSAccess SCP on the root, and places the management account under the root. */
  create(o: { id: string; rootId: string; managementAccountId: string; createdAt: string; scpEnabled?: boolean; rcpEnabled?: boolean; featureSet?: string }): Organization {
    this.db.run(
      'INSERT INTO organizations (id, management_account_id, feature_set, scp_enabled, rcp_enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      o.id, o.managementAccountId, o.featureSet ?? 'ALL', o.scpEnabled === false ? 0 : 1, o.rcpEnabled ? 1 : 0, o.createdAt,
    );
    this.db.run(`INSERT INTO org_units (id, org_id, kind, parent_id, name) VALUES (?, ?, 'root', NULL, 'Root')`, o.rootId, o.id);
    this.db.run(
      `INSERT INTO org_policies (id, org_id, type, name, description, content, aws_managed)
       VALUES (?, ?, 'SERVICE_CONTROL_POLICY', 'FullAWSAccess', 'Allows access to every operation', ?, 1)`,
      `${FULL_AWS_ACCESS_ID}:${o.id}`, o.id, FULL_AWS_ACCESS_CONTENT,
    );
    this.attach(`${FULL_AWS_ACCESS_ID}:${o.id}`, o.rootId);
    if (o.rcpEnabled) this.attach(this.ensureRcpFullAccess(o.id), o.rootId);
    this.placeAccount(o.managementAccountId, o.id, o.rootId, o.createdAt);
    return this.get(o.id)!;
  }

  /** The FullAWSAccess policy id of an organization. */
  fullAwsAccessId(orgId: string): string {
    return `${FULL_AWS_ACCESS_ID}:${orgId}`;
  }

  createUnit(u: { id: string; orgId: string; parentId: string; name: string }, attachFullAccess = true): OrgUnit {
    this.db.run(`INSERT INTO org_units (id, org_id, kind, parent_id, name) VALUES (?, ?, 'ou', ?, ?)`, u.id, u.orgId, u.parentId, u.name);
    if (attachFullAccess) this.attachDefaults(u.orgId, u.id);
    return { id: u.id, orgId: u.orgId, kind: 'ou', parentId: u.parentId, name: u.name };
  }

  unit(id: string): OrgUnit | null {
    const r = this.db.get<UnitRow>('SELECT * FROM org_units WHERE id = ?', id);
    return r ? toUnit(r) : null;
  }

  unitByName(orgId: string, parentId: string, name: string): OrgUnit | null {
    const r = this.db.get<UnitRow>('SELECT * FROM org_units WHERE org_id = ? AND parent_id = ? AND name = ?', orgId, parentId, name);
    return r ? toUnit(r) : null;
  }

  /** Puts (or moves) an account under a parent unit; new members get FullAWSAccess attached, as in AWS. */
  placeAccount(accountId: string, orgId: string, parentId: string, at: string, attachFullAccess = true): void {
    const existed = this.db.get('SELECT 1 FROM org_accounts WHERE account_id = ?', accountId);
    this.db.run(
      `INSERT INTO org_accounts (account_id, org_id, parent_id, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(account_id) DO UPDATE SET org_id = excluded.org_id, parent_id = excluded.parent_id`,
      accountId, orgId, parentId, at,
    );
    if (!existed && attachFullAccess) this.attachDefaults(orgId, accountId);
  }

  /** What AWS attaches to a new OU or account: FullAWSAccess (SCPs enabled) and RCPFullAWSAccess (RCPs enabled). */
  private attachDefaults(orgId: string, targetId: string): void {
    const o = this.db.get<OrgRow>('SELECT * FROM organizations WHERE id = ?', orgId);
    if (!o || o.scp_enabled === 1) this.attach(this.fullAwsAccessId(orgId), targetId);
    if (o?.rcp_enabled === 1) this.attach(this.ensureRcpFullAccess(orgId), targetId);
  }

  membership(accountId: string): OrgMembership | null {
    const a = this.db.get<{ org_id: string; parent_id: string }>('SELECT org_id, parent_id FROM org_accounts WHERE account_id = ?', accountId);
    if (!a) return null;
    const path: OrgUnit[] = [];
    let cur: string | null = a.parent_id;
    while (cur) {
      const u = this.unit(cur);
      if (!u) break;
      path.unshift(u);
      cur = u.parentId;
    }
    return { org: this.get(a.org_id)!, path };
  }

  createPolicy(p: Omit<OrgPolicy, 'awsManaged' | 'updatedAt'> & { updatedAt?: string | null }): OrgPolicy {
    this.db.run(
      'INSERT INTO org_policies (id, org_id, type, name, description, content, aws_managed, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
      p.id, p.orgId, p.type, p.name, p.description, p.content, p.updatedAt ?? null,
    );
    return { ...p, awsManaged: false, updatedAt: p.updatedAt ?? null };
  }

  policy(id: string): OrgPolicy | null {
    const r = this.db.get<PolicyRow>('SELECT * FROM org_policies WHERE id = ?', id);
    return r ? toPolicy(r) : null;
  }

  policyByName(orgId: string, type: OrgPolicyType, name: string): OrgPolicy | null {
    const r = this.db.get<PolicyRow>('SELECT * FROM org_policies WHERE org_id = ? AND type = ? AND name = ?', orgId, type, name);
    return r ? toPolicy(r) : null;
  }

  attach(policyId: string, targetId: string): void {
    this.db.run('INSERT OR IGNORE INTO org_policy_attachments (policy_id, target_id) VALUES (?, ?)', policyId, targetId);
  }

  detach(policyId: string, targetId: string): void {
    this.db.run('DELETE FROM org_policy_attachments WHERE policy_id = ? AND target_id = ?', policyId, targetId);
  }

  /** Policies of one type attached directly to a target (root id, OU id or account id), by name. */
  attachedTo(targetId: string, type: OrgPolicyType): OrgPolicy[] {
    return this.db
      .all<PolicyRow>(
        `SELECT p.* FROM org_policies p JOIN org_policy_attachments a ON a.policy_id = p.id WHERE a.target_id = ? AND p.type = ? ORDER BY p.name`,
        targetId, type,
      )
      .map(toPolicy);
  }

  // ---------------------------------------------------------------- used by the Organizations API

  /** The AWS-managed policy id as the API shows it (`p-FullAWSAccess`), from the stored per-organization id. */
  static publicPolicyId(id: string): string {
    const i = id.indexOf(':');
    return i === -1 ? id : id.slice(0, i);
  }

  /** The stored id of a policy the API names (AWS-managed ids are shared by every organization). */
  storedPolicyId(orgId: string, publicId: string): string {
    return publicId === FULL_AWS_ACCESS_ID || publicId === RCP_FULL_AWS_ACCESS_ID ? `${publicId}:${orgId}` : publicId;
  }

  root(orgId: string): OrgUnit {
    return toUnit(this.db.get<UnitRow>(`SELECT * FROM org_units WHERE org_id = ? AND kind = 'root'`, orgId)!);
  }

  /** OUs directly under a parent, by name. */
  unitsUnder(parentId: string): OrgUnit[] {
    return this.db.all<UnitRow>(`SELECT * FROM org_units WHERE parent_id = ? AND kind = 'ou' ORDER BY name, id`, parentId).map(toUnit);
  }

  countUnits(orgId: string): number {
    return this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM org_units WHERE org_id = ? AND kind = 'ou'`, orgId)!.n;
  }

  renameUnit(id: string, name: string): void {
    this.db.run('UPDATE org_units SET name = ? WHERE id = ?', name, id);
  }

  /** Deletes an (empty) OU and its policy attachments. */
  deleteUnit(id: string): void {
    this.db.run('DELETE FROM org_policy_attachments WHERE target_id = ?', id);
    this.db.run(`DELETE FROM org_units WHERE id = ? AND kind = 'ou'`, id);
  }

  placement(accountId: string): OrgAccountPlacement | null {
    const r = this.db.get<PlacementRow>('SELECT * FROM org_accounts WHERE account_id = ?', accountId);
    return r ? toPlacement(r) : null;
  }

  /** Accounts of an organization (or only those directly under `parentId`), in the order they joined. */
  accounts(orgId: string, parentId?: string): OrgAccountPlacement[] {
    const rows = parentId === undefined
      ? this.db.all<PlacementRow>('SELECT * FROM org_accounts WHERE org_id = ? ORDER BY joined_at, account_id', orgId)
      : this.db.all<PlacementRow>('SELECT * FROM org_accounts WHERE org_id = ? AND parent_id = ? ORDER BY joined_at, account_id', orgId, parentId);
    return rows.map(toPlacement);
  }

  moveAccount(accountId: string, parentId: string): void {
    this.db.run('UPDATE org_accounts SET parent_id = ? WHERE account_id = ?', parentId, accountId);
  }

  /** Every policy of one type in an organization, AWS-managed first, then by name. */
  policies(orgId: string, type: OrgPolicyType): OrgPolicy[] {
    return this.db.all<PolicyRow>('SELECT * FROM org_policies WHERE org_id = ? AND type = ? ORDER BY aws_managed DESC, name, id', orgId, type).map(toPolicy);
  }

  countPolicies(orgId: string, type: OrgPolicyType): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM org_policies WHERE org_id = ? AND type = ?', orgId, type)!.n;
  }

  updatePolicy(id: string, p: { name: string; description: string | null; content: string; updatedAt?: string }): void {
    this.db.run(
      'UPDATE org_policies SET name = ?, description = ?, content = ?, updated_at = COALESCE(?, updated_at) WHERE id = ?',
      p.name, p.description, p.content, p.updatedAt ?? null, id,
    );
  }

  deletePolicy(id: string): void {
    this.db.run('DELETE FROM org_policies WHERE id = ?', id);
  }

  /** Target ids (root, OU ids, account ids) a policy is attached to. */
  targetsOf(policyId: string): string[] {
    return this.db.all<{ target_id: string }>('SELECT target_id FROM org_policy_attachments WHERE policy_id = ? ORDER BY target_id', policyId).map((r) => r.target_id);
  }

  isAttached(policyId: string, targetId: string): boolean {
    return !!this.db.get('SELECT 1 FROM org_policy_attachments WHERE policy_id = ? AND target_id = ?', policyId, targetId);
  }

  /**
   * Enables or disables a policy type in the organization's root. Enabling attaches the type's
   * AWS-managed full-access policy to the root, every OU and every account; disabling detaches every
   * policy of the type from every target, as AWS does
   * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisablePolicyType.html).
   */
  setPolicyTypeEnabled(orgId: string, type: OrgPolicyType, enabled: boolean): void {
    if (type === 'SERVICE_CONTROL_POLICY' || type === 'RESOURCE_CONTROL_POLICY') {
      const column = type === 'SERVICE_CONTROL_POLICY' ? 'scp_enabled' : 'rcp_enabled';
      this.db.run(`UPDATE organizations SET ${column} = ? WHERE id = ?`, enabled ? 1 : 0, orgId);
    } else if (enabled) {
      this.db.run('INSERT OR IGNORE INTO org_enabled_policy_types (org_id, type) VALUES (?, ?)', orgId, type);
    } else {
      this.db.run('DELETE FROM org_enabled_policy_types WHERE org_id = ? AND type = ?', orgId, type);
    }
    if (!enabled) {
      this.db.run('DELETE FROM org_policy_attachments WHERE policy_id IN (SELECT id FROM org_policies WHERE org_id = ? AND type = ?)', orgId, type);
      return;
    }
    // Management policy types have no AWS-managed default policy to attach.
    if (type !== 'SERVICE_CONTROL_POLICY' && type !== 'RESOURCE_CONTROL_POLICY') return;
    const full = type === 'SERVICE_CONTROL_POLICY' ? this.fullAwsAccessId(orgId) : this.ensureRcpFullAccess(orgId);
    for (const u of this.db.all<{ id: string }>('SELECT id FROM org_units WHERE org_id = ?', orgId)) this.attach(full, u.id);
    for (const a of this.accounts(orgId)) this.attach(full, a.accountId);
  }

  /** Creates the organization's RCPFullAWSAccess policy if missing; returns its stored id. */
  ensureRcpFullAccess(orgId: string): string {
    const id = `${RCP_FULL_AWS_ACCESS_ID}:${orgId}`;
    this.db.run(
      `INSERT OR IGNORE INTO org_policies (id, org_id, type, name, description, content, aws_managed)
       VALUES (?, ?, 'RESOURCE_CONTROL_POLICY', 'RCPFullAWSAccess', 'Allows access to every operation', ?, 1)`,
      id, orgId, RCP_FULL_AWS_ACCESS_CONTENT,
    );
    return id;
  }

  // ---------------------------------------------------------------- lifecycle (CreateOrganization, CreateAccount, …)

  setJoinedMethod(accountId: string, method: string): void {
    this.db.run('UPDATE org_accounts SET joined_method = ? WHERE account_id = ?', method, accountId);
  }

  setAccountStatus(accountId: string, status: string): void {
    this.db.run('UPDATE org_accounts SET status = ? WHERE account_id = ?', status, accountId);
  }

  /** Takes an account out of its organization with its direct policy attachments. */
  removeAccount(accountId: string): void {
    this.db.run('DELETE FROM org_policy_attachments WHERE target_id = ?', accountId);
    this.db.run('DELETE FROM org_delegated_admins WHERE account_id = ?', accountId);
    this.db.run('DELETE FROM org_accounts WHERE account_id = ?', accountId);
  }

  /** Deletes an organization that has only its management account left (AWS's precondition). */
  deleteOrganization(orgId: string): void {
    const unitIds = this.db.all<{ id: string }>('SELECT id FROM org_units WHERE org_id = ?', orgId).map((r) => r.id);
    for (const id of unitIds) this.db.run('DELETE FROM org_policy_attachments WHERE target_id = ?', id);
    for (const a of this.accounts(orgId)) this.removeAccount(a.accountId);
    this.db.run('DELETE FROM org_create_account_requests WHERE org_id = ?', orgId);
    this.db.run('DELETE FROM org_handshakes WHERE org_id = ?', orgId);
    this.db.run(`DELETE FROM org_units WHERE org_id = ? AND kind = 'ou'`, orgId);
    this.db.run('DELETE FROM org_policies WHERE org_id = ?', orgId);
    this.db.run('DELETE FROM org_units WHERE org_id = ?', orgId);
    this.db.run('DELETE FROM organizations WHERE id = ?', orgId);
  }

  setFeatureSet(orgId: string, featureSet: string): void {
    this.db.run('UPDATE organizations SET feature_set = ? WHERE id = ?', featureSet, orgId);
  }

  recordCreateAccount(r: CreateAccountRequest): void {
    this.db.run(
      `INSERT INTO org_create_account_requests (id, org_id, account_name, state, account_id, failure, requested_at, completed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      r.id, r.orgId, r.accountName, r.state, r.accountId, r.failure, r.requestedAt, r.completedAt,
    );
  }

  createAccountRequest(id: string): CreateAccountRequest | null {
    const r = this.db.get<RequestRow>('SELECT * FROM org_create_account_requests WHERE id = ?', id);
    return r ? toRequest(r) : null;
  }

  createAccountRequests(orgId: string): CreateAccountRequest[] {
    return this.db.all<RequestRow>('SELECT * FROM org_create_account_requests WHERE org_id = ? ORDER BY requested_at, id', orgId).map(toRequest);
  }
}
