// Owns IAM temporary delegation requests (migration 016): what a partner asked for, who owns and who
// approved it, its state, and the exchange (trade-in) token released by SendDelegationToken.
import type { Db } from '../db';

export type DelegationState = 'UNASSIGNED' | 'ASSIGNED' | 'PENDING_APPROVAL' | 'FINALIZED' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED';

/** The approving identity recorded at AcceptDelegationRequest ("the identity that gets mapped to the delegated credential"). */
export interface DelegationApprover {
  kind: 'user' | 'role' | 'root';
  arn: string;
  accountId: string;
  /** IAM user id or role id (null for the root user). */
  entityId: string | null;
}

export interface DelegationRequestBody {
  description: string;
  permissions: { PolicyTemplateArn?: string; Parameters?: { Name?: string; Values?: string[]; Type?: string }[] };
  permissionPolicy: string;
  requestMessage?: string;
  requestorWorkflowId: string;
  redirectUrl?: string;
  notificationChannel: string;
  sessionDuration: number;
  onlySendByOwner: boolean;
  notes?: string;
  rejectionReason?: string;
  approver?: DelegationApprover;
  tradeInToken?: string;
  finalizedAt?: string;
}

export interface DelegationRequestRecord {
  id: string;
  requestorId: string;
  ownerAccount: string | null;
  ownerId: string | null;
  approverId: string | null;
  state: DelegationState;
  body: DelegationRequestBody;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

interface Row {
  id: string;
  requestor_id: string;
  owner_account: string | null;
  owner_id: string | null;
  approver_id: string | null;
  state: DelegationState;
  body: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

const fromRow = (r: Row): DelegationRequestRecord => ({
  id: r.id,
  requestorId: r.requestor_id,
  ownerAccount: r.owner_account,
  ownerId: r.owner_id,
  approverId: r.approver_id,
  state: r.state,
  body: JSON.parse(r.body) as DelegationRequestBody,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
});

export class DelegationRequestsRepo {
  constructor(private readonly db: Db) {}

  get(id: string): DelegationRequestRecord | null {
    const r = this.db.get<Row>('SELECT * FROM delegation_requests WHERE id = ?', id);
    return r ? fromRow(r) : null;
  }

  put(d: DelegationRequestRecord): void {
    this.db.run(
      `INSERT INTO delegation_requests (id, requestor_id, owner_account, owner_id, approver_id, state, body, created_at, updated_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET owner_account = excluded.owner_account, owner_id = excluded.owner_id, approver_id = excluded.approver_id,
         state = excluded.state, body = excluded.body, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
      d.id, d.requestorId, d.ownerAccount, d.ownerId, d.approverId, d.state, JSON.stringify(d.body), d.createdAt, d.updatedAt, d.expiresAt,
    );
  }

  /** Requests owned in an account (those without an owner are never listed), oldest first. */
  ownedIn(accountId: string): DelegationRequestRecord[] {
    return this.db.all<Row>('SELECT * FROM delegation_requests WHERE owner_account = ? AND owner_id IS NOT NULL ORDER BY created_at, id', accountId).map(fromRow);
  }

  byWorkflow(requestorId: string, workflowId: string): DelegationRequestRecord | null {
    for (const r of this.db.all<Row>('SELECT * FROM delegation_requests WHERE requestor_id = ?', requestorId)) {
      const d = fromRow(r);
      if (d.body.requestorWorkflowId === workflowId) return d;
    }
    return null;
  }

  byTradeInToken(token: string): DelegationRequestRecord | null {
    for (const r of this.db.all<Row>(`SELECT * FROM delegation_requests WHERE state = 'FINALIZED'`)) {
      const d = fromRow(r);
      if (d.body.tradeInToken === token) return d;
    }
    return null;
  }

  countByRequestor(requestorId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM delegation_requests WHERE requestor_id = ?', requestorId)!.n;
  }
}
