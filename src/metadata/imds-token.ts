// Owns IMDSv2 session tokens: `PUT /latest/api/token` hands out an opaque token bound to one instance
// and valid for the requested TTL (1–21600 seconds). Tokens are stateless — an HMAC over the instance
// (id and launch time, so a re-created instance refuses its predecessor's tokens) and the expiry,
// under a key drawn when the server starts — so holding them costs no memory, as on a real instance
// they do not survive a restart.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOKEN_TTL_MIN_SECONDS = 1;
export const TOKEN_TTL_MAX_SECONDS = 21600;
const MAC_BYTES = 24;
/** Longest token we try to decode (real ones are ~56 characters). */
const MAX_TOKEN_CHARS = 512;

export class ImdsTokens {
  constructor(private readonly key: Buffer) {}

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }

  issue(instance: { instanceId: string; launchTime: string }, now: Date, ttlSeconds: number): string {
    const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
    const payload = `${instance.instanceId}|${instance.launchTime}|${exp}`;
    const body = Buffer.from(`${instance.instanceId}|${exp}`, 'utf8');
    return Buffer.concat([body, this.mac(payload)]).toString('base64');
  }

  /** Seconds the token has left for this instance, or null when it is malformed, foreign or expired. */
  remaining(token: string, instance: { instanceId: string; launchTime: string }, now: Date): number | null {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return null;
    const raw = Buffer.from(token, 'base64');
    if (raw.length <= MAC_BYTES) return null;
    const body = raw.subarray(0, raw.length - MAC_BYTES).toString('utf8');
    const mac = raw.subarray(raw.length - MAC_BYTES);
    const bar = body.lastIndexOf('|');
    if (bar < 0 || body.slice(0, bar) !== instance.instanceId) return null;
    const exp = Number(body.slice(bar + 1));
    if (!Number.isSafeInteger(exp)) return null;
    const expected = this.mac(`${instance.instanceId}|${instance.launchTime}|${exp}`);
    if (!timingSafeEqual(mac, expected)) return null;
    const left = exp - Math.floor(now.getTime() / 1000);
    return left > 0 ? left : null;
  }
}

/** The TTL header as IMDS accepts it: a whole number of seconds from 1 to 21600; anything else is null. */
export function parseTokenTtl(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,6}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n >= TOKEN_TTL_MIN_SECONDS && n <= TOKEN_TTL_MAX_SECONDS ? n : null;
}
