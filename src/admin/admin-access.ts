// Owns who may call the decision, snapshot and console endpoints: the admin rule of admin-auth.ts
// (a SigV4-signed request), or the web console's session cookie, which is itself obtained only by
// a SigV4-signed login (the page signs it with WebCrypto; the secret never leaves the browser).
// The cookie is HttpOnly, SameSite=Strict and scoped to /_iamlocal; every write made with it must
// also carry the session's CSRF token in `x-iamlocal-csrf` (a header no cross-site form can set).
import type { Context } from 'hono';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SignedPrincipal } from '../auth/principal';
import type { AppDeps } from '../app-deps';
import { awsError, awsErrors } from '../aws/errors';
import { authorizeAdmin, requireAdmin, type AdminAction } from './admin-auth';

export const CONSOLE_COOKIE = 'iamlocal_console';
export const CSRF_HEADER = 'x-iamlocal-csrf';
const SESSION_SECONDS = 8 * 3600;
const MAX_SESSIONS = 1000;
const MAX_COOKIE_BODY = 1024 * 1024;

interface ConsoleSession {
  accountId: string;
  /** Who signed the login: every request made with the session is authorized as this principal. */
  principal: SignedPrincipal;
  /** The region of the login's signature (aws:RequestedRegion for the session's checks). */
  region: string;
  csrf: string;
  expiresAt: number;
}

/** Console sessions of one server (wall-clock expiry: moving the test clock does not log anyone out). */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  constructor(private readonly now: () => number = Date.now) {}

  create(accountId: string, principal: SignedPrincipal, region: string): { token: string; csrf: string; maxAge: number } {
    if (this.sessions.size >= MAX_SESSIONS) this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    this.sessions.set(token, { accountId, principal, region, csrf, expiresAt: this.now() + SESSION_SECONDS * 1000 });
    return { token, csrf, maxAge: SESSION_SECONDS };
  }

  get(token: string | undefined): ConsoleSession | null {
    if (!token) return null;
    const s = this.sessions.get(token);
    if (!s) return null;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return null;
    }
    return s;
  }

  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.sessions) if (s.expiresAt <= t) this.sessions.delete(k);
  }
}

export function cookieToken(c: Context): string | undefined {
  const header = c.req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === CONSOLE_COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, maxAge: number): string {
  return `${CONSOLE_COOKIE}=${token}; Path=/_iamlocal; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
}
export const clearedCookie = `${CONSOLE_COOKIE}=; Path=/_iamlocal; HttpOnly; SameSite=Strict; Max-Age=0`;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The admin access check for iamlocal's own endpoints. A request with an Authorization header is
 * checked by the admin rule (admin-auth.ts); one without may use a console session cookie, and then
 * any method other than GET/HEAD needs the session's CSRF token. Returns the caller's account and the body.
 */
export async function requireAdminOrSession(c: Context, deps: AppDeps, sessions: ConsoleSessions, action: AdminAction): Promise<{ accountId: string; body: Buffer }> {
  const hasSignature = !!c.req.header('authorization') || new URL(c.req.url).searchParams.has('X-Amz-Signature');
  const session = hasSignature ? null : sessions.get(cookieToken(c));
  if (!session) return requireAdmin(c, deps, action);
  // The session's principal is checked again for this action (its policies may have changed since login).
  authorizeAdmin(c, deps, session.principal, action, session.region);
  const method = c.req.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = c.req.header(CSRF_HEADER) ?? '';
    if (!sameText(csrf, session.csrf)) throw awsErrors.accessDenied('A console request that changes anything must carry the session\'s x-iamlocal-csrf header.');
  }
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_COOKIE_BODY) throw awsError('RequestEntityTooLarge', `Request body must not exceed ${MAX_COOKIE_BODY} bytes`);
  const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await c.req.arrayBuffer());
  if (body.length > MAX_COOKIE_BODY) throw awsError('RequestEntityTooLarge', `Request body must not exceed ${MAX_COOKIE_BODY} bytes`);
  return { accountId: session.accountId, body };
}
