// Owns reading untrusted SAML XML safely: strict base64/UTF-8 decoding, DOCTYPE/entity refusal before
// any parser sees the bytes (XXE, billion laughs), a well-formedness check with fast-xml-parser's
// validator, a DOM (for xml-crypto and the structural anti-wrapping checks) that throws instead of
// recovering, and reading already-verified canonical XML into plain objects with fast-xml-parser.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

export class XmlInputError extends Error {}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Base64 as SAML HTTP-POST carries it (line breaks tolerated), decoded strictly to UTF-8 text. */
export function decodeBase64Xml(b64: string): string {
  const compact = b64.replace(/[\r\n\t ]/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !B64.test(compact)) throw new XmlInputError('not base64');
  try {
    return utf8.decode(Buffer.from(compact, 'base64'));
  } catch {
    throw new XmlInputError('not UTF-8 text');
  }
}

/** True when the text declares a DTD or entities anywhere; such documents are refused unparsed. */
export function hasDoctype(xml: string): boolean {
  return /<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml);
}

/**
 * Element nesting allowed. SAML responses and metadata nest about 8 deep; the cap keeps every
 * recursive tree walk (ours, xml-crypto's canonicalization, the object reader) far from the stack limit.
 */
export const MAX_XML_DEPTH = 100;

/** The deepest element nesting of the text, by a linear scan that skips comments, CDATA, PIs and quoted attribute values. */
export function xmlDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  let i = xml.indexOf('<');
  while (i !== -1 && i < xml.length) {
    if (xml.startsWith('<!--', i)) i = xml.indexOf('-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) i = xml.indexOf(']]>', i + 9);
    else if (xml[i + 1] === '?' || xml[i + 1] === '!') i = xml.indexOf('>', i + 2);
    else if (xml[i + 1] === '/') {
      depth--;
      i = xml.indexOf('>', i + 2);
    } else {
      // An opening tag: find its end outside quoted attribute values; `/>` closes it at once.
      let j = i + 1;
      let quote = '';
      for (; j < xml.length; j++) {
        const ch = xml[j];
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '>') break;
      }
      if (xml[j - 1] === '/') max = Math.max(max, depth + 1);
      else max = Math.max(max, ++depth);
      i = j;
    }
    if (i === -1) break;
    i = xml.indexOf('<', i + 1);
  }
  return max;
}

/** Well-formed XML (fast-xml-parser's validator) nested at most MAX_XML_DEPTH deep, else XmlInputError naming the problem. */
export function checkWellFormed(xml: string): void {
  if (xmlDepth(xml) > MAX_XML_DEPTH) throw new XmlInputError(`elements nest deeper than ${MAX_XML_DEPTH}`);
  const r = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (r !== true) throw new XmlInputError(`not well-formed XML: ${r.err.msg} (line ${r.err.line})`);
}

/** Elements that may repeat in a SAML assertion or metadata document are always read as arrays. */
const ARRAYS = new Set([
  'Attribute',
  'AttributeValue',
  'AttributeStatement',
  'AudienceRestriction',
  'Audience',
  'AuthnStatement',
  'SubjectConfirmation',
  'KeyDescriptor',
  'X509Certificate',
  'X509Data',
  'IDPSSODescriptor',
  'Assertion',
]);

const reader = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // Canonical XML writes CR, TAB and LF in attributes as numeric references (&#xD; …): decode those too.
  htmlEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

export type XmlObject = Record<string, unknown>;

/** Reads XML (already verified, or trusted input) into objects keyed by local name; attributes as `@_X`. */
export function readXml(xml: string): XmlObject {
  return reader.parse(xml) as XmlObject;
}

/** The text of an element as fast-xml-parser returns it (a string, or `{#text}` next to attributes). */
export function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object') {
    const t = (v as XmlObject)['#text'];
    if (t === undefined) return '';
    return typeof t === 'string' || typeof t === 'number' ? String(t) : null;
  }
  return null;
}

export function attrOf(v: unknown, name: string): string | null {
  if (!v || typeof v !== 'object') return null;
  const a = (v as XmlObject)[`@_${name}`];
  return typeof a === 'string' ? a : null;
}

export function childOf(v: unknown, name: string): unknown {
  return v && typeof v === 'object' ? (v as XmlObject)[name] : undefined;
}

export function childrenOf(v: unknown, name: string): unknown[] {
  const c = childOf(v, name);
  return c === undefined ? [] : Array.isArray(c) ? c : [c];
}

/** Escapes text for element content and attribute values alike. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
