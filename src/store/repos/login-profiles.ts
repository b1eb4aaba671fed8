// Owns IAM users' console passwords (login profiles): a salted scrypt hash, never the password, the
// hashes of earlier passwords (for PasswordReusePrevention) and whether a reset is required.
import type { Db } from '../db';

export interface LoginProfile {
  userId: string;
  passwordHash: string;
  /** Earlier password hashes, newest first. */
  history: string[];
  resetRequired: boolean;
  createdAt: string;
  passwordChangedAt: string;
}

interface Row {
  user_id: string;
  password_hash: string;
  password_history: string;
  reset_required: number;
  created_at: string;
  password_changed_at: string | null;
}

const toProfile = (r: Row): LoginProfile => ({
  userId: r.user_id,
  passwordHash: r.password_hash,
  history: JSON.parse(r.password_history) as string[],
  resetRequired: r.reset_required === 1,
  createdAt: r.created_at,
  passwordChangedAt: r.password_changed_at ?? r.created_at,
});

export class LoginProfilesRepo {
  constructor(private readonly db: Db) {}

  get(userId: string): LoginProfile | null {
    const r = this.db.get<Row>('SELECT * FROM login_profiles WHERE user_id = ?', userId);
    return r ? toProfile(r) : null;
  }

  create(p: LoginProfile): void {
    this.db.run(
      'INSERT INTO login_profiles (user_id, password_hash, password_history, reset_required, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)',
      p.userId, p.passwordHash, JSON.stringify(p.history), p.resetRequired ? 1 : 0, p.createdAt, p.passwordChangedAt,
    );
  }

  update(p: LoginProfile): void {
    this.db.run(
      'UPDATE login_profiles SET password_hash = ?, password_history = ?, reset_required = ?, password_changed_at = ? WHERE user_id = ?',
      p.passwordHash, JSON.stringify(p.history), p.resetRequired ? 1 : 0, p.passwordChangedAt, p.userId,
    );
  }

  delete(userId: string): boolean {
    return this.db.run('DELETE FROM login_profiles WHERE user_id = ?', userId).changes > 0;
  }

  /** Users of an account with a console password (GetAccountSummary, the credential report). */
  countForAccount(accountId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM login_profiles lp JOIN users u ON u.id = lp.user_id WHERE u.account_id = ?', accountId)!.n;
  }
}
