// Owns IAM's account-level settings (password policy, STS global endpoint token version) as JSON
// values keyed by account, the deletion tasks DeleteServiceLinkedRole hands out, and the counts
// GetAccountSummary reports.
import type { Db } from '../db';

export type AccountSettingKey = 'password-policy' | 'sts-global-token-version';

export interface SlrDeletionTask {
  taskId: string;
  accountId: string;
  roleArn: string;
  status: 'SUCCEEDED' | 'IN_PROGRESS' | 'FAILED' | 'NOT_STARTED';
  reason: string | null;
  createdAt: string;
}

export interface SummaryCounts {
  users: number;
  groups: number;
  roles: number;
  policies: number;
  policyVersionsInUse: number;
  instanceProfiles: number;
  providers: number;
  mfaDevices: number;
  mfaDevicesInUse: number;
  rootMfa: boolean;
  rootAccessKeys: number;
}

export class AccountSettingsRepo {
  constructor(private readonly db: Db) {}

  get(accountId: string, key: AccountSettingKey): string | null {
    return this.db.get<{ value: string }>('SELECT value FROM account_settings WHERE account_id = ? AND key = ?', accountId, key)?.value ?? null;
  }

  put(accountId: string, key: AccountSettingKey, value: string): void {
    this.db.run('INSERT INTO account_settings (account_id, key, value) VALUES (?, ?, ?) ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value', accountId, key, value);
  }

  delete(accountId: string, key: AccountSettingKey): boolean {
    return this.db.run('DELETE FROM account_settings WHERE account_id = ? AND key = ?', accountId, key).changes > 0;
  }

  /** The counts GetAccountSummary reports for one account. */
  summaryCounts(accountId: string): SummaryCounts {
    const n = (sql: string) => this.db.get<{ n: number }>(sql, accountId)!.n;
    return {
      users: n('SELECT COUNT(*) AS n FROM users WHERE account_id = ?'),
      groups: n('SELECT COUNT(*) AS n FROM groups WHERE account_id = ?'),
      roles: n('SELECT COUNT(*) AS n FROM roles WHERE account_id = ?'),
      policies: n('SELECT COUNT(*) AS n FROM managed_policies WHERE account_id = ?'),
      policyVersionsInUse: n(
        `SELECT COUNT(*) AS n FROM policy_versions v JOIN managed_policies p ON p.arn = v.policy_arn
         WHERE p.account_id = ? AND EXISTS (SELECT 1 FROM policy_attachments a WHERE a.policy_arn = p.arn)`,
      ),
      instanceProfiles: n('SELECT COUNT(*) AS n FROM instance_profiles WHERE account_id = ?'),
      providers: n('SELECT COUNT(*) AS n FROM oidc_providers WHERE account_id = ?'),
      mfaDevices: n('SELECT COUNT(*) AS n FROM mfa_devices WHERE account_id = ?'),
      mfaDevicesInUse: n('SELECT COUNT(*) AS n FROM mfa_devices WHERE account_id = ? AND enabled_at IS NOT NULL'),
      rootMfa: false,
      rootAccessKeys: n('SELECT COUNT(*) AS n FROM access_keys WHERE account_id = ? AND is_root = 1'),
    };
  }

  addDeletionTask(t: SlrDeletionTask): void {
    this.db.run(
      'INSERT INTO slr_deletion_tasks (task_id, account_id, role_arn, status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      t.taskId, t.accountId, t.roleArn, t.status, t.reason, t.createdAt,
    );
  }

  deletionTask(taskId: string): SlrDeletionTask | null {
    const r = this.db.get<{ task_id: string; account_id: string; role_arn: string; status: SlrDeletionTask['status']; reason: string | null; created_at: string }>(
      'SELECT * FROM slr_deletion_tasks WHERE task_id = ?',
      taskId,
    );
    return r ? { taskId: r.task_id, accountId: r.account_id, roleArn: r.role_arn, status: r.status, reason: r.reason, createdAt: r.created_at } : null;
  }
}
