// Owns accounts: the 12-digit AWS accounts iamlocal hosts (the default one is 000000000000).
import type { Db } from '../db';

export interface Account {
  id: string;
  alias: string | null;
  email: string | null;
  name: string | null;
  createdAt: string;
}

interface AccountRow {
  id: string;
  alias: string | null;
  email: string | null;
  name: string | null;
  created_at: string;
}

const toAccount = (r: AccountRow): Account => ({ id: r.id, alias: r.alias, email: r.email, name: r.name, createdAt: r.created_at });

export class AccountsRepo {
  constructor(private readonly db: Db) {}

  get(id: string): Account | null {
    const r = this.db.get<AccountRow>('SELECT * FROM accounts WHERE id = ?', id);
    return r ? toAccount(r) : null;
  }

  /** Creates the account if missing; updates alias/email/name when given. */
  ensure(a: { id: string; alias?: string | null; email?: string | null; name?: string | null; createdAt: string }): Account {
    this.db.run(
      `INSERT INTO accounts (id, alias, email, name, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET alias = COALESCE(excluded.alias, alias), email = COALESCE(excluded.email, email),
         name = COALESCE(excluded.name, name)`,
      a.id, a.alias ?? null, a.email ?? null, a.name ?? null, a.createdAt,
    );
    return this.get(a.id)!;
  }

  list(): Account[] {
    return this.db.all<AccountRow>('SELECT * FROM accounts ORDER BY id').map(toAccount);
  }

  /** The account an alias names (an alias is unique across every account). */
  byAlias(alias: string): Account | null {
    const r = this.db.get<AccountRow>('SELECT * FROM accounts WHERE alias = ?', alias);
    return r ? toAccount(r) : null;
  }

  setAlias(id: string, alias: string | null): void {
    this.db.run('UPDATE accounts SET alias = ? WHERE id = ?', alias, id);
  }
}
