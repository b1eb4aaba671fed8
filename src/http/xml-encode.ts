// Owns the awsQuery success envelope: typed handler output → `<{Action}Response>` XML text.
//
// Shape and value rules: aws-protocol.md §3.1 (envelope) and §3.2 (values).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Examples

import { isoSeconds } from '../aws/time';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** A map value: encoded as `<entry><key>k</key><value>v</value></entry>…` (IAM `SummaryMap`, `EvalDecisionDetails`). */
export class XmlMap {
  constructor(readonly entries: Record<string, unknown>) {}
}

/** Mark a record as an awsQuery map instead of a structure. */
export function xmlMap(entries: Record<string, unknown>): XmlMap {
  return new XmlMap(entries);
}

// Characters XML 1.0 cannot carry even as references (C0 controls except TAB/LF/CR, U+FFFE/U+FFFF),
// plus the three that need escaping. `\r` is escaped as a reference so parsers keep it (XML
// end-of-line handling would turn a literal CR into LF). Static pattern, no input in it.
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ESCAPE_ALL = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '\r':
      return '&#13;';
    default:
      // Not representable in XML 1.0 at all: emitting it would make both SDKs' parsers fail on the whole
      // response, so it becomes U+FFFD. Validation upstream keeps such characters out of stored values.
      return '\uFFFD';
  }
}

/** Escape text content for an XML element (both SDKs unescape `&amp; &lt; &gt;` and numeric references). */
export function escapeXml(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_ALL, escapeChar) : s;
}

/** AWS timestamps: ISO-8601 UTC with `Z` and no fractional seconds (`2026-11-29T19:10:08Z`, §3.2). */
export function formatTimestamp(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new TypeError('xml-encode: invalid Date');
  return isoSeconds(t);
}

function scalarText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return escapeXml(v);
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`xml-encode: non-finite number ${v}`);
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v instanceof Date) return formatTimestamp(v);
      // Blobs (e.g. GetCredentialReport.Content) are base64 in awsQuery XML.
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      return undefined;
  }
}

/**
 * `<name>…</name>` for `value` ('' for `undefined`/`null`). Built by concatenation, not pushed to arrays
 * and joined: the arrays and joins were a tenth of the bytes an AssumeRole allocated (sampled).
 */
function encodeElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = scalarText(value);
  if (text !== undefined) return '<' + name + '>' + text + '</' + name + '>';
  let inner = '';
  if (Array.isArray(value)) {
    // Lists are never flattened in STS/IAM: children are always <member> (SDK v3 reads only `member`).
    for (const item of value) if (item !== undefined && item !== null) inner += encodeElement('member', item);
  } else if (value instanceof XmlMap) {
    for (const [k, v] of Object.entries(value.entries)) {
      if (v === undefined || v === null) continue;
      inner += '<entry>' + encodeElement('key', k) + encodeElement('value', v) + '</entry>';
    }
  } else if (typeof value === 'object') {
    inner = encodeMembers(value as Record<string, unknown>);
  } else {
    throw new TypeError(`xml-encode: cannot encode ${typeof value} at <${name}>`);
  }
  // Every item, entry and member written is non-empty, so '' means there were none.
  return inner === '' ? '<' + name + '/>' : '<' + name + '>' + inner + '</' + name + '>';
}

function encodeMembers(obj: Record<string, unknown>): string {
  let out = '';
  for (const key of Object.keys(obj)) out += encodeElement(key, obj[key]);
  return out;
}

/**
 * The success body of an awsQuery operation:
 * `<{Action}Response xmlns="{ns}"><{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>…`.
 *
 * The Result element is always written — empty as `<{Action}Result/>` — because botocore looks up
 * `{Action}Result` and raises KeyError without it (§3.1). Real AWS omits it for the 79 IAM operations
 * with no output shape; pass `omitResult: true` to reproduce that byte for byte (both SDKs accept either).
 */
export function encodeSuccess(opts: {
  action: string;
  namespace: string;
  result?: Record<string, unknown> | null;
  requestId: string;
  omitResult?: boolean;
}): string {
  const { action, namespace, result, requestId } = opts;
  let out = `<${action}Response xmlns="${escapeXml(namespace)}">`;
  if (!opts.omitResult) {
    const inner = result ? encodeMembers(result) : '';
    out += inner === '' ? `<${action}Result/>` : `<${action}Result>${inner}</${action}Result>`;
  }
  return out + `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`;
}
