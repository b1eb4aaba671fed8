// Owns authentication: SigV4 material → the credential that signed it (a long-term access key or a
// session), verified against its secret. Unknown keys, inactive keys, a session key without its own
// token and expired sessions all fail closed with AWS's codes (aws-protocol §4.4, §4.7).
import { timingSafeEqual } from 'node:crypto';
import { awsErrors } from '../aws/errors';
import type { AccessKey } from '../store/repos/access-keys';
import type { Session } from '../store/repos/sessions';
import type { Store } from '../store/store';
import { verifySigV4, type SignedRequestParts, type SigV4Auth } from './sigv4';

export type Credential =
  | { kind: 'access-key'; accessKeyId: string; key: AccessKey }
  | { kind: 'session'; accessKeyId: string; session: Session };

export interface Authenticated {
  credential: Credential;
  auth: SigV4Auth;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The stored credential for an access key id, checked for status, token binding and expiry. */
export function lookupCredential(store: Store, auth: SigV4Auth, now: Date): { credential: Credential; secret: string } {
  const id = auth.accessKeyId;
  const key = store.accessKeys.get(id);
  if (key) {
    // A long-term key must be Active, and it never comes with a session token.
    if (key.status !== 'Active' || auth.securityToken !== undefined) throw awsErrors.invalidClientTokenId();
    return { credential: { kind: 'access-key', accessKeyId: id, key }, secret: key.secret };
  }
  const session = store.sessions.get(id);
  if (session) {
    // ASIA keys are bound to their own session token (header or X-Amz-Security-Token query parameter).
    if (auth.securityToken === undefined || !sameToken(auth.securityToken, session.sessionToken)) {
      throw awsErrors.invalidClientTokenId();
    }
    if (Date.parse(session.expiresAt) <= now.getTime()) throw awsErrors.expiredToken();
    return { credential: { kind: 'session', accessKeyId: id, session }, secret: session.secret };
  }
  throw awsErrors.invalidClientTokenId();
}

/** SigV4's ±15 minute window (aws-protocol §4.3). */
const SIGNING_WINDOW_MS = 15 * 60 * 1000;

/**
 * The time the signature window is checked against. Clients sign with their own (real) clock, while the
 * admin test clock may have moved iamlocal's time (sessions and tokens expire by that clock): a request
 * signed within the window of either the server's time or the wall clock is on time.
 */
export function signingReferenceTime(auth: SigV4Auth, now: Date, wallClock: Date | undefined): Date {
  if (!wallClock || Math.abs(auth.requestTime.getTime() - now.getTime()) <= SIGNING_WINDOW_MS) return now;
  return Math.abs(auth.requestTime.getTime() - wallClock.getTime()) <= SIGNING_WINDOW_MS ? wallClock : now;
}

/**
 * Verifies a signed request: looks the key up, then checks the signature, scope service and clock
 * window (sigv4.ts). `expectedService` is the service the request is routed to. Session expiry is
 * judged by `now` (iamlocal's clock); `wallClock` only widens the signing window (see above).
 */
export function authenticate(store: Store, req: SignedRequestParts, auth: SigV4Auth, now: Date, expectedService: string, wallClock?: Date): Authenticated {
  const { credential, secret } = lookupCredential(store, auth, now);
  verifySigV4(req, auth, secret, signingReferenceTime(auth, now, wallClock), expectedService);
  return { credential, auth };
}
