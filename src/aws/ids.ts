// Owns AWS's identifier formats: access key ids that encode their account (so GetAccessKeyInfo
// works), unique ids (AIDA/AROA/ANPA…), secrets, session tokens and Organizations ids.
// Formats: aws-protocol.md §5.5; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
import type { IdSource } from '../runtime';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export type KeyPrefix = 'AKIA' | 'ASIA';
export type UniqueIdPrefix = 'AIDA' | 'AROA' | 'AGPA' | 'AIPA' | 'ANPA' | 'ANVA' | 'APKA' | 'ASCA' | 'ACCA';

/** A 20-char key id whose characters 4..12 carry the account id, as AWS's keys do. */
export function newAccessKeyId(ids: IdSource, prefix: KeyPrefix, accountId: string): string {
  const { enc, odd } = encodedAccount(accountId);
  // One draw for the 8 random characters: the first becomes the parity character (its low 4 bits).
  const rnd = ids.base32(8);
  const flagIdx = B32.indexOf(rnd[0]) & 15;
  return prefix + enc + B32[(odd ? 16 : 0) + flagIdx] + rnd.slice(1);
}

/** Accounts' encodings already made (BigInt arithmetic on every key id was ~1 % of an AssumeRole); bounded. */
const encodings = new Map<string, { enc: string; odd: boolean }>();

function encodedAccount(accountId: string): { enc: string; odd: boolean } {
  let e = encodings.get(accountId);
  if (e) return e;
  const acct = BigInt(accountId);
  let n = acct / 2n + 549755813888n; // + 2^39
  let enc = '';
  for (let i = 0; i < 8; i++) {
    enc = B32[Number(n & 31n)] + enc;
    n >>= 5n;
  }
  e = { enc, odd: acct % 2n === 1n };
  if (encodings.size >= 1024) encodings.clear();
  encodings.set(accountId, e);
  return e;
}

/** The account a key id was issued for (aws-protocol §5.5); garbage in → some 12-digit string out. */
export function accountFromAccessKeyId(keyId: string): string | null {
  if (keyId.length < 13) return null;
  let n = 0n;
  for (const c of keyId.slice(4, 12)) {
    const v = B32.indexOf(c);
    if (v < 0) return null;
    n = (n << 5n) | BigInt(v);
  }
  const last = B32.indexOf(keyId[12]);
  if (last < 0) return null;
  const acct = (n - 549755813888n) * 2n + (last >= 16 ? 1n : 0n);
  if (acct < 0n || acct > 999999999999n) return null;
  return acct.toString().padStart(12, '0');
}

/** 21-char unique id: prefix + 17 base32 characters, e.g. AROA3XFRBF535PLBIFPI4. */
export function newUniqueId(ids: IdSource, prefix: UniqueIdPrefix): string {
  return prefix + ids.base32(17);
}

/** 40-char secret access key from [A-Za-z0-9/+]. */
export function newSecretAccessKey(ids: IdSource): string {
  return ids.bytes(30).toString('base64');
}


/** Lower-case alphanumerics for Organizations ids (o-…, r-…, ou-…, p-…). */
function lowerAlnum(ids: IdSource, count: number): string {
  return ids.base32(count).toLowerCase();
}
export const orgIds = {
  organization: (ids: IdSource) => `o-${lowerAlnum(ids, 10)}`,
  root: (ids: IdSource) => `r-${lowerAlnum(ids, 4)}`,
  ou: (ids: IdSource, rootId: string) => `ou-${rootId.slice(2)}-${lowerAlnum(ids, 8)}`,
  policy: (ids: IdSource) => `p-${lowerAlnum(ids, 8)}`,
};

/** EKS cluster OIDC id: 32 upper-case hex characters. */
export function newEksClusterId(ids: IdSource): string {
  return ids.bytes(16).toString('hex').toUpperCase();
}

export function isAccountId(s: string): boolean {
  return /^\d{12}$/.test(s);
}

const ASSOCIATION_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** EKS Pod Identity association id: `a-` + 17 lower-case alphanumerics (e.g. a-j3gyfla9wahgsrs6y). */
export function newPodIdentityAssociationId(ids: IdSource): string {
  return `a-${[...ids.bytes(17)].map((b) => ASSOCIATION_ID_ALPHABET[b % ASSOCIATION_ID_ALPHABET.length]).join('')}`;
}
