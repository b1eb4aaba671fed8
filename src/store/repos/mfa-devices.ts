// Owns virtual MFA devices: TOTP seed, the user it is enabled for, and recently used codes.
import type { Db } from '../db';
import { decodeMarker, pageOf, type Page } from '../paging';

export interface MfaDevice {
  serial: string;
  accountId: string;
  name: string;
  path: string;
  seedBase32: string;
  userId: string | null;
  enabledAt: string | null;
  lastCodes: string[];
  createdAt: string;
}

interface MfaRow {
  serial: string;
  account_id: string;
  name: string;
  path: string;
  seed_base32: string;
  user_id: string | null;
  enabled_at: string | null;
  last_codes: string;
  created_at: string;
}

const toDevice = (r: MfaRow): MfaDevice => ({
  serial: r.serial,
  accountId: r.account_id,
  name: r.name,
  path: r.path,
  seedBase32: r.seed_base32,
  userId: r.user_id,
  enabledAt: r.enabled_at,
  lastCodes: JSON.parse(r.last_codes),
  createdAt: r.created_at,
});

export class MfaDevicesRepo {
  constructor(private readonly db: Db) {}

  get(serial: string): MfaDevice | null {
    const r = this.db.get<MfaRow>('SELECT * FROM mfa_devices WHERE serial = ?', serial);
    return r ? toDevice(r) : null;
  }

  create(d: Omit<MfaDevice, 'userId' | 'enabledAt' | 'lastCodes'>): MfaDevice {
    this.db.run(
      'INSERT INTO mfa_devices (serial, account_id, name, path, seed_base32, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      d.serial, d.accountId, d.name, d.path, d.seedBase32, d.createdAt,
    );
    return this.get(d.serial)!;
  }

  forUser(userId: string): MfaDevice[] {
    return this.db.all<MfaRow>('SELECT * FROM mfa_devices WHERE user_id = ? ORDER BY enabled_at', userId).map(toDevice);
  }

  list(accountId: string): MfaDevice[] {
    return this.db.all<MfaRow>('SELECT * FROM mfa_devices WHERE account_id = ? ORDER BY serial', accountId).map(toDevice);
  }

  /** Devices of an account in serial order, filtered by assignment (ListVirtualMFADevices). */
  listPage(accountId: string, opts: { assignment: 'Assigned' | 'Unassigned' | 'Any'; marker?: string; maxItems: number }): Page<MfaDevice> {
    const after = decodeMarker(opts.marker) ?? '';
    const filter = opts.assignment === 'Assigned' ? 'AND user_id IS NOT NULL' : opts.assignment === 'Unassigned' ? 'AND user_id IS NULL' : '';
    const rows = this.db.all<MfaRow>(
      `SELECT * FROM mfa_devices WHERE account_id = ? ${filter} AND serial > ? ORDER BY serial LIMIT ?`,
      accountId, after, opts.maxItems + 1,
    );
    return pageOf(rows.map(toDevice), opts.maxItems, (d) => d.serial);
  }

  /** Devices enabled for a user, in serial order (ListMFADevices). */
  forUserPage(userId: string, opts: { marker?: string; maxItems: number }): Page<MfaDevice> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<MfaRow>('SELECT * FROM mfa_devices WHERE user_id = ? AND serial > ? ORDER BY serial LIMIT ?', userId, after, opts.maxItems + 1);
    return pageOf(rows.map(toDevice), opts.maxItems, (d) => d.serial);
  }

  enable(serial: string, userId: string, at: string): void {
    this.db.run('UPDATE mfa_devices SET user_id = ?, enabled_at = ? WHERE serial = ?', userId, at, serial);
  }

  deactivate(serial: string): void {
    this.db.run('UPDATE mfa_devices SET user_id = NULL, enabled_at = NULL WHERE serial = ?', serial);
  }

  setLastCodes(serial: string, codes: string[]): void {
    this.db.run('UPDATE mfa_devices SET last_codes = ? WHERE serial = ?', JSON.stringify(codes), serial);
  }

  delete(serial: string): void {
    this.db.run(`DELETE FROM tags WHERE resource_kind = 'mfa' AND resource_id = ?`, serial);
    this.db.run('DELETE FROM mfa_devices WHERE serial = ?', serial);
  }
}
