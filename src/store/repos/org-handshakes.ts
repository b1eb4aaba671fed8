// Owns Organizations handshakes (invitations to join, enable-all-features requests, billing-transfer
// invitations) and the responsibility transfers they start. A handshake's EXPIRED state is not
// stored by a timer: readers pass the request time and an OPEN handshake past its expiration reads
// (and is saved) as EXPIRED. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Handshake.html
import type { Db } from '../db';

export type HandshakeState = 'REQUESTED' | 'OPEN' | 'CANCELED' | 'ACCEPTED' | 'DECLINED' | 'EXPIRED';
export type HandshakeAction = 'INVITE' | 'ENABLE_ALL_FEATURES' | 'APPROVE_ALL_FEATURES' | 'ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE' | 'TRANSFER_RESPONSIBILITY';

export interface HandshakeParty {
  Id: string;
  Type: 'ACCOUNT' | 'ORGANIZATION' | 'EMAIL';
}
export interface HandshakeResource {
  Value: string;
  Type: string;
  Resources?: HandshakeResource[];
}

export interface Handshake {
  id: string;
  orgId: string;
  arn: string;
  action: HandshakeAction;
  state: HandshakeState;
  parties: HandshakeParty[];
  resources: HandshakeResource[];
  /** The invited party. */
  targetType: HandshakeParty['Type'] | null;
  targetId: string | null;
  parentId: string | null;
  requestedAt: string;
  expiresAt: string;
  stateChangedAt: string;
}

interface HandshakeRow {
  id: string;
  org_id: string;
  arn: string;
  action: HandshakeAction;
  state: HandshakeState;
  parties: string;
  resources: string;
  target_type: HandshakeParty['Type'] | null;
  target_id: string | null;
  parent_id: string | null;
  requested_at: string;
  expires_at: string;
  state_changed_at: string;
}

const toHandshake = (r: HandshakeRow): Handshake => ({
  id: r.id,
  orgId: r.org_id,
  arn: r.arn,
  action: r.action,
  state: r.state,
  parties: JSON.parse(r.parties) as HandshakeParty[],
  resources: JSON.parse(r.resources) as HandshakeResource[],
  targetType: r.target_type,
  targetId: r.target_id,
  parentId: r.parent_id,
  requestedAt: r.requested_at,
  expiresAt: r.expires_at,
  stateChangedAt: r.state_changed_at,
});

export type TransferStatus = 'REQUESTED' | 'DECLINED' | 'CANCELED' | 'EXPIRED' | 'ACCEPTED' | 'WITHDRAWN';

export interface ResponsibilityTransfer {
  id: string;
  type: 'BILLING';
  name: string;
  status: TransferStatus;
  sourceAccount: string;
  sourceOrg: string | null;
  targetAccount: string;
  targetOrg: string;
  startAt: string;
  endAt: string | null;
  handshakeId: string | null;
  createdAt: string;
}

interface TransferRow {
  id: string;
  type: 'BILLING';
  name: string;
  status: TransferStatus;
  source_account: string;
  source_org: string | null;
  target_account: string;
  target_org: string;
  start_at: string;
  end_at: string | null;
  handshake_id: string | null;
  created_at: string;
}

const toTransfer = (r: TransferRow): ResponsibilityTransfer => ({
  id: r.id,
  type: r.type,
  name: r.name,
  status: r.status,
  sourceAccount: r.source_account,
  sourceOrg: r.source_org,
  targetAccount: r.target_account,
  targetOrg: r.target_org,
  startAt: r.start_at,
  endAt: r.end_at,
  handshakeId: r.handshake_id,
  createdAt: r.created_at,
});

export class OrgHandshakesRepo {
  constructor(private readonly db: Db) {}

  create(h: Handshake): Handshake {
    this.db.run(
      `INSERT INTO org_handshakes (id, org_id, arn, action, state, parties, resources, target_type, target_id, parent_id, requested_at, expires_at, state_changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      h.id, h.orgId, h.arn, h.action, h.state, JSON.stringify(h.parties), JSON.stringify(h.resources), h.targetType, h.targetId, h.parentId,
      h.requestedAt, h.expiresAt, h.stateChangedAt,
    );
    return h;
  }

  /** Marks OPEN/REQUESTED handshakes past their expiration EXPIRED (as of `now`). */
  private expire(now: Date): void {
    const at = now.toISOString();
    this.db.run(`UPDATE org_handshakes SET state = 'EXPIRED', state_changed_at = expires_at WHERE state IN ('OPEN', 'REQUESTED') AND expires_at <= ?`, at);
  }

  get(id: string, now: Date): Handshake | null {
    this.expire(now);
    const r = this.db.get<HandshakeRow>('SELECT * FROM org_handshakes WHERE id = ?', id);
    return r ? toHandshake(r) : null;
  }

  /**
   * Handshakes still listed: open ones, and closed ones for 30 days after they closed ("After you
   * accept a handshake, it continues to appear in the results of relevant APIs for only 30 days").
   */
  private listed(rows: HandshakeRow[], now: Date): Handshake[] {
    const cutoff = now.getTime() - 30 * 86_400_000;
    return rows.map(toHandshake).filter((h) => h.state === 'OPEN' || h.state === 'REQUESTED' || Date.parse(h.stateChangedAt) > cutoff);
  }

  forOrganization(orgId: string, now: Date): Handshake[] {
    this.expire(now);
    return this.listed(this.db.all<HandshakeRow>('SELECT * FROM org_handshakes WHERE org_id = ? ORDER BY requested_at, id', orgId), now);
  }

  /** Handshakes whose invited party is the account (by id) or its email. */
  forAccount(accountId: string, email: string | null, now: Date): Handshake[] {
    this.expire(now);
    const rows = this.db.all<HandshakeRow>(
      `SELECT * FROM org_handshakes WHERE (target_type = 'ACCOUNT' AND target_id = ?) OR (target_type = 'EMAIL' AND lower(target_id) = lower(?)) ORDER BY requested_at, id`,
      accountId, email ?? '',
    );
    return this.listed(rows, now);
  }

  setState(id: string, state: HandshakeState, at: string): void {
    this.db.run('UPDATE org_handshakes SET state = ?, state_changed_at = ? WHERE id = ?', state, at, id);
  }

  // ---------------------------------------------------------------- responsibility transfers

  createTransfer(t: ResponsibilityTransfer): void {
    this.db.run(
      `INSERT INTO org_responsibility_transfers (id, type, name, status, source_account, source_org, target_account, target_org, start_at, end_at, handshake_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      t.id, t.type, t.name, t.status, t.sourceAccount, t.sourceOrg, t.targetAccount, t.targetOrg, t.startAt, t.endAt, t.handshakeId, t.createdAt,
    );
  }

  transfer(id: string): ResponsibilityTransfer | null {
    const r = this.db.get<TransferRow>('SELECT * FROM org_responsibility_transfers WHERE id = ?', id);
    return r ? toTransfer(r) : null;
  }

  transferByHandshake(handshakeId: string): ResponsibilityTransfer | null {
    const r = this.db.get<TransferRow>('SELECT * FROM org_responsibility_transfers WHERE handshake_id = ?', handshakeId);
    return r ? toTransfer(r) : null;
  }

  /** Transfers an account takes on (inbound: it is the target) or hands over (outbound: it is the source). */
  transfers(direction: 'inbound' | 'outbound', accountId: string, type: string): ResponsibilityTransfer[] {
    const column = direction === 'inbound' ? 'target_account' : 'source_account';
    return this.db
      .all<TransferRow>(`SELECT * FROM org_responsibility_transfers WHERE ${column} = ? AND type = ? ORDER BY created_at, id`, accountId, type)
      .map(toTransfer);
  }

  updateTransfer(id: string, patch: { name?: string; status?: TransferStatus; endAt?: string | null; sourceOrg?: string | null }): void {
    const t = this.transfer(id);
    if (!t) return;
    this.db.run(
      'UPDATE org_responsibility_transfers SET name = ?, status = ?, end_at = ?, source_org = ? WHERE id = ?',
      patch.name ?? t.name, patch.status ?? t.status, patch.endAt === undefined ? t.endAt : patch.endAt,
      patch.sourceOrg === undefined ? t.sourceOrg : patch.sourceOrg, id,
    );
  }
}
