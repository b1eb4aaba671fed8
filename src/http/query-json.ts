// Owns the JSON form of awsQuery answers: STS and IAM answer JSON instead of XML when the request
// says `Accept: application/json` (recorded responses used by Vault-style STS verifiers and SDK test
// suites: `{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{…},"ResponseMetadata":{"RequestId":…}}}`,
// Content-Type application/json). Same tree as the XML body: lists are arrays, maps are objects.
import type { AwsError } from '../aws/errors';
import { XmlMap } from './xml-encode';

/** True when the client asked for JSON (and not XML first). */
export function wantsQueryJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  const json = types.indexOf('application/json');
  if (json < 0) return false;
  const xml = types.findIndex((t) => t === 'text/xml' || t === 'application/xml');
  return xml < 0 || json < xml;
}

function toJson(v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.getTime() / 1000; // epoch seconds, as AWS's JSON timestamps ⚠
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (Array.isArray(v)) return v.filter((x) => x !== undefined && x !== null).map(toJson);
  if (v instanceof XmlMap) return toJson(v.entries);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const j = toJson(x);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export function encodeQueryJsonSuccess(action: string, result: Record<string, unknown> | null | undefined, requestId: string): string {
  const body: Record<string, unknown> = {};
  if (result !== undefined) body[`${action}Result`] = toJson(result ?? {}) ?? {};
  body.ResponseMetadata = { RequestId: requestId };
  return JSON.stringify({ [`${action}Response`]: body });
}

/** `{"Error":{"Code","Message","Type"},"RequestId"}` — the XML envelope's tree in JSON ⚠ (field order as XML). */
export function encodeQueryJsonError(err: AwsError, status: number, requestId: string): string {
  return JSON.stringify({ Error: { Code: err.code, Message: err.message, Type: status >= 500 ? 'Receiver' : 'Sender' }, RequestId: requestId });
}
