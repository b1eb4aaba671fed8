// Owns verifying a SAML 2.0 Response the way STS AssumeRoleWithSAML does, before any attribute is
// believed: size → base64 → DOCTYPE refusal → well-formedness → structure (one Response, exactly
// one Assertion, signatures only on those two and each referencing its own parent: the XML
// Signature Wrapping defences of Somorovsky et al., "On Breaking SAML", USENIX Security 2012) →
// XML-DSig with xml-crypto against the provider's metadata certificates only (KeyInfo in the
// response is never trusted) → every value read from the canonical bytes the verified signature
// covers (getSignedReferences), never from the DOM → Issuer, time, audience, recipient, attributes.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { AWS_SAML_ATTRIBUTES, DEFAULT_SAML_SKEW_SECONDS, isAwsSigninUrl, MAX_ASSERTION_LENGTH, MIN_ASSERTION_LENGTH, SIGNATURE_ALGORITHMS } from './constants';
import { decryptAssertion, DecryptionError } from './encryption';
import { samlErrors as E } from './saml-errors';
import { attrOf, checkWellFormed, childOf, childrenOf, decodeBase64Xml, hasDoctype, NS, readXml, textOf, XmlInputError, type XmlObject } from './xml';

/**
 * Signature algorithms accepted: RSA with SHA-256/512, and SHA-1, which IAM still accepts from IdPs
 * that sign with it (id_roles_providers_create_saml.html asks for SHA-256 but does not refuse SHA-1).
 * Never HMAC: a "signature" keyed with a published certificate proves nothing.
 */
const ACCEPTED_SIGNATURES = new Set<string>(Object.values(SIGNATURE_ALGORITHMS));

/** Audiences AWS accepts: a sign-in endpoint, or AWS's SP entity id `urn:amazon:webservices` (and its China / GovCloud forms). */
const AWS_AUDIENCES = /^urn:amazon:webservices(?::(?:cn-north-1|govcloud))?$/;

export interface SamlTrust {
  /** The IAM SAML provider's ARN. */
  arn: string;
  /** The metadata's entityID: the assertion's Issuer must equal it. */
  entityId: string;
  /** PEM certificates from the metadata; the only keys a signature may verify with. */
  certificates: readonly string[];
}

export interface VerifyOptions {
  trust: SamlTrust;
  now: Date;
  skewSeconds?: number;
  /** The provider's private keys (AddPrivateKey): with any, a saml:EncryptedAssertion is decrypted. */
  decryptionKeys?: readonly string[];
}

export interface VerifiedSamlAssertion {
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  /** Recipient of the bearer SubjectConfirmationData: STS's `Audience` and `saml:aud`. */
  recipient: string;
  audiences: string[];
  /** Attribute Name → values in document order, read from the signed bytes. */
  attributes: Map<string, string[]>;
  /** The assertion's own end of validity. */
  notOnOrAfter: Date | null;
  /** AuthnStatement SessionNotOnOrAfter: caps the role session. */
  sessionNotOnOrAfter: Date | null;
  /** Which element the verified signature covered (the assertion when both are signed). */
  signed: 'Assertion' | 'Response';
  signatureAlgorithm: string;
  /** The assertion arrived as a saml:EncryptedAssertion and was decrypted with the provider's key. */
  encrypted: boolean;
}

type Sig = { node: Element; parent: Element };

interface Dom {
  root: Element;
  /** The one Assertion, or the one EncryptedAssertion (then `encrypted`). */
  assertion: Element;
  encrypted: boolean;
  signatures: Sig[];
}

function elements(node: Node, out: Element[] = []): Element[] {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) {
      out.push(c as Element);
      elements(c, out);
    }
  }
  return out;
}

function hasComment(node: Node): boolean {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 8) return true;
    if (c.nodeType === 1 && hasComment(c)) return true;
  }
  return false;
}

const is = (e: Element, ns: string, local: string) => e.namespaceURI === ns && e.localName === local;

/**
 * Structural checks on a whole document whose element is `rootName` (a samlp:Response, or a decrypted
 * saml:Assertion); each failure is the signature error with its reason.
 */
function checkStructure(doc: Document, opts: { root: 'Response' | 'Assertion'; decrypt: boolean }): Dom {
  const root = doc.documentElement;
  const rootNs = opts.root === 'Response' ? NS.protocol : NS.assertion;
  if (!is(root, rootNs, opts.root)) throw E.malformed(`the document element is {${root.namespaceURI}}${root.localName}, not a ${opts.root === 'Response' ? 'samlp:Response' : 'saml:Assertion'}`);
  const all = [root, ...elements(root)];
  const encrypted = all.filter((e) => is(e, NS.assertion, 'EncryptedAssertion'));
  const plain = all.filter((e) => is(e, NS.assertion, 'Assertion'));
  let assertion: Element;
  if (opts.root === 'Assertion') {
    if (plain.length !== 1 || encrypted.length > 0) throw E.signatureInvalid('the decrypted assertion carries further assertions');
    assertion = root;
  } else if (encrypted.length > 0) {
    if (!opts.decrypt) throw E.encryption('The SAML response carries an encrypted assertion, but the SAML provider has no private key to decrypt it (UpdateSAMLProvider AddPrivateKey)');
    if (encrypted.length !== 1 || plain.length !== 0) throw E.signatureInvalid(`the response must carry exactly one assertion; it has ${plain.length + encrypted.length}`);
    assertion = encrypted[0];
  } else {
    if (plain.length !== 1) throw E.signatureInvalid(`the response must carry exactly one Assertion; it has ${plain.length}`);
    assertion = plain[0];
  }
  if (assertion !== root && assertion.parentNode !== root) throw E.signatureInvalid(`the ${assertion.localName} is not a child of the Response`);
  // IDs must be unique, or a Reference could be resolved to either element.
  const ids = new Map<string, number>();
  for (const e of all) {
    for (const name of ['ID', 'Id', 'id']) {
      const v = e.getAttribute(name);
      if (v) ids.set(v, (ids.get(v) ?? 0) + 1);
    }
  }
  for (const [id, n] of ids) if (n > 1) throw E.signatureInvalid(`ID ${JSON.stringify(id)} appears ${n} times`);
  const isEncrypted = assertion.localName === 'EncryptedAssertion';
  const signatures = all
    .filter((e) => is(e, NS.dsig, 'Signature'))
    .map((node) => {
      const parent = node.parentNode as Element;
      // An encrypted assertion's own signature is inside the ciphertext: only the Response's counts here.
      if (parent !== root && (parent !== assertion || isEncrypted)) throw E.signatureInvalid(`a Signature sits in ${parent.localName}, not in the Response or its Assertion`);
      return { node, parent };
    });
  if (new Set(signatures.map((s) => s.parent)).size !== signatures.length) throw E.signatureInvalid('an element carries more than one Signature');
  if (hasComment(root)) throw E.comments();
  return { root, assertion, encrypted: isEncrypted, signatures };
}

/** Verifies one enveloped signature against each certificate; returns the signed canonical XML and algorithm. */
function verifySignature(xml: string, sig: Sig, certificates: readonly string[]): { canonical: string; algorithm: string } {
  const id = sig.parent.getAttribute('ID');
  if (!id) throw E.signatureInvalid(`the signed ${sig.parent.localName} has no ID`);
  const refs = elements(sig.node).filter((e) => is(e, NS.dsig, 'Reference') && (e.parentNode as Element)?.localName === 'SignedInfo');
  if (refs.length !== 1) throw E.signatureInvalid(`the Signature has ${refs.length} References; exactly one is accepted`);
  if (refs[0].getAttribute('URI') !== `#${id}`) throw E.signatureInvalid(`the Signature references ${JSON.stringify(refs[0].getAttribute('URI'))}, not its own ${sig.parent.localName} #${id}`);
  const method = elements(sig.node).find((e) => is(e, NS.dsig, 'SignatureMethod'))?.getAttribute('Algorithm') ?? '';
  // Base64 strictly (whitespace aside): a decoder that skips stray characters would accept altered bytes.
  for (const name of ['SignatureValue', 'DigestValue']) {
    for (const v of elements(sig.node).filter((e) => is(e, NS.dsig, name))) {
      const b64 = (v.textContent ?? '').replace(/\s+/g, '');
      if (b64.length === 0 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw E.signatureInvalid(`the ${name} is not base64`);
    }
  }
  if (!ACCEPTED_SIGNATURES.has(method)) throw E.signatureInvalid(`signature algorithm ${JSON.stringify(method)} is not accepted`);
  const noKey = 'the signature does not verify with any certificate in the provider metadata';
  let lastError = noKey;
  for (const cert of certificates) {
    const v = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
    for (const a of Object.keys(v.SignatureAlgorithms)) if (!ACCEPTED_SIGNATURES.has(a)) delete v.SignatureAlgorithms[a];
    try {
      v.loadSignature(sig.node);
      if (!v.checkSignature(xml)) continue;
    } catch (e) {
      lastError = `${noKey} (${(e as Error).message.slice(0, 200)})`;
      continue;
    }
    const signed = v.getSignedReferences();
    if (signed.length !== 1) throw E.signatureInvalid('the signature covers no element');
    return { canonical: signed[0], algorithm: method };
  }
  throw E.signatureInvalid(lastError);
}

function parseTime(v: string | null, what: string): Date | null {
  if (v === null) return null;
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/^\d{4}-\d\d-\d\dT/.test(v)) throw E.malformed(`${what} ${JSON.stringify(v)} is not an xs:dateTime`);
  return new Date(t);
}

/** The Assertion object read from the signed canonical XML (of the Assertion, or of the whole Response). */
function signedAssertion(canonical: string, root: 'Assertion' | 'Response'): XmlObject {
  const doc = readXml(canonical);
  if (root === 'Assertion') {
    const a = childrenOf(doc, 'Assertion');
    if (a.length !== 1) throw E.signatureInvalid('the signed element is not one Assertion');
    return a[0] as XmlObject;
  }
  const resp = childOf(doc, 'Response');
  const a = childrenOf(resp, 'Assertion');
  if (a.length !== 1) throw E.signatureInvalid(`the signed Response carries ${a.length} Assertions`);
  return a[0] as XmlObject;
}

/** A DOM of the document; any parser error or warning is a refusal, never a recovered tree. */
export function parseDom(xml: string): Document {
  const fail = (m: string) => {
    throw new XmlInputError(`not well-formed XML: ${m}`);
  };
  const doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml');
  if (!doc || !doc.documentElement) throw new XmlInputError('no document element');
  return doc as unknown as Document;
}

function parseUntrusted(xml: string): Document {
  if (hasDoctype(xml)) throw E.doctype();
  try {
    checkWellFormed(xml);
    return parseDom(xml);
  } catch (e) {
    throw E.malformed((e as Error).message);
  }
}

interface Chosen {
  /** XML whose every byte is authenticated: a verified signature's canonical reference, or a decrypted assertion under a verified Response signature. */
  xml: string;
  /** What `xml` is. */
  root: 'Assertion' | 'Response';
  signed: 'Assertion' | 'Response';
  algorithm: string;
}

/** Verifies the signatures and picks the authenticated bytes the assertion is read from. */
function authenticate(xml: string, doc: Document, opts: VerifyOptions): { chosen: Chosen; dom: Dom } {
  const dom = checkStructure(doc, { root: 'Response', decrypt: (opts.decryptionKeys?.length ?? 0) > 0 });
  // A present signature must verify; the assertion's own signature is what the attributes are read under.
  let chosen: Chosen | null = null;
  for (const s of dom.signatures) {
    const r = verifySignature(xml, s, opts.trust.certificates);
    const signed = s.parent === dom.assertion ? 'Assertion' : 'Response';
    if (!chosen || signed === 'Assertion') chosen = { xml: r.canonical, root: signed, signed, algorithm: r.algorithm };
  }
  if (!dom.encrypted) {
    if (!chosen) throw E.signatureInvalid('the response is not signed');
    return { chosen, dom };
  }
  let plain: string;
  try {
    plain = decryptAssertion(dom.assertion, opts.decryptionKeys ?? []);
  } catch (e) {
    if (e instanceof DecryptionError) throw E.encryption(`The encrypted SAML assertion could not be decrypted: ${e.message}`);
    throw e;
  }
  const inner = checkStructure(parseUntrusted(plain), { root: 'Assertion', decrypt: false });
  if (inner.signatures.length === 1) {
    const r = verifySignature(plain, inner.signatures[0], opts.trust.certificates);
    return { chosen: { xml: r.canonical, root: 'Assertion', signed: 'Assertion', algorithm: r.algorithm }, dom };
  }
  // Unsigned inside: authenticated only if the Response signature (over the ciphertext) verified.
  if (!chosen) throw E.signatureInvalid('neither the Response nor the decrypted Assertion is signed');
  return { chosen: { ...chosen, xml: plain, root: 'Assertion' }, dom };
}

export async function verifySamlResponse(samlAssertion: string, opts: VerifyOptions): Promise<VerifiedSamlAssertion> {
  if (typeof samlAssertion !== 'string' || samlAssertion.length < MIN_ASSERTION_LENGTH) throw E.assertionLength(false);
  if (samlAssertion.length > MAX_ASSERTION_LENGTH) throw E.assertionLength(true);
  let xml: string;
  try {
    xml = decodeBase64Xml(samlAssertion);
  } catch (e) {
    throw E.malformed(`SAMLAssertion is ${(e as XmlInputError).message}`);
  }
  const doc = parseUntrusted(xml);
  const { chosen, dom } = authenticate(xml, doc, opts);
  const a = signedAssertion(chosen.xml, chosen.root);

  // Status (from the DOM: a failed status denies whatever signed it).
  const status = elements(dom.root).find((e) => is(e, NS.protocol, 'StatusCode') && (e.parentNode as Element).localName === 'Status');
  if (status && status.getAttribute('Value') !== 'urn:oasis:names:tc:SAML:2.0:status:Success') throw E.malformed(`the Response status is ${status.getAttribute('Value')}`);

  const issuer = (textOf(childOf(a, 'Issuer')) ?? '').trim();
  if (issuer !== opts.trust.entityId) throw E.issuerMismatch(issuer, opts.trust.entityId);

  const skew = (opts.skewSeconds ?? DEFAULT_SAML_SKEW_SECONDS) * 1000;
  const now = opts.now.getTime();
  const nowIso = opts.now.toISOString();
  const checkWindow = (notBefore: Date | null, notOnOrAfter: Date | null, nb: string | null, noa: string | null) => {
    if (notBefore && now + skew < notBefore.getTime()) throw E.notYetValid(nowIso, nb!);
    if (notOnOrAfter && now - skew >= notOnOrAfter.getTime()) throw E.expired(nowIso, noa!);
  };

  const conditions = childOf(a, 'Conditions');
  const cNb = attrOf(conditions, 'NotBefore');
  const cNoa = attrOf(conditions, 'NotOnOrAfter');
  const notOnOrAfter = parseTime(cNoa, 'Conditions NotOnOrAfter');
  checkWindow(parseTime(cNb, 'Conditions NotBefore'), notOnOrAfter, cNb, cNoa);

  // Bearer confirmation: its Recipient must be an AWS sign-in endpoint, its NotOnOrAfter in the future.
  const subject = childOf(a, 'Subject');
  const bearer = childrenOf(subject, 'SubjectConfirmation').filter((sc) => attrOf(sc, 'Method') === 'urn:oasis:names:tc:SAML:2.0:cm:bearer');
  const data = bearer.map((b) => childOf(b, 'SubjectConfirmationData')).filter((d) => d !== undefined);
  if (data.length === 0) throw E.recipient(null);
  const recipient = data.map((d) => attrOf(d, 'Recipient')).find((r): r is string => r !== null && isAwsSigninUrl(r));
  if (!recipient) throw E.recipient(data.map((d) => attrOf(d, 'Recipient'))[0] ?? null);
  for (const d of data) {
    const noa = attrOf(d, 'NotOnOrAfter');
    checkWindow(parseTime(attrOf(d, 'NotBefore'), 'SubjectConfirmationData NotBefore'), parseTime(noa, 'SubjectConfirmationData NotOnOrAfter'), attrOf(d, 'NotBefore'), noa);
  }

  // Every AudienceRestriction must name AWS (SAML core §2.5.1.4: restrictions are ANDed, audiences within one ORed).
  const restrictions = childrenOf(conditions, 'AudienceRestriction');
  const audiences = restrictions.flatMap((r) => childrenOf(r, 'Audience').map((x) => (textOf(x) ?? '').trim()));
  const ok = (aud: string) => isAwsSigninUrl(aud) || AWS_AUDIENCES.test(aud);
  if (restrictions.length === 0 || !restrictions.every((r) => childrenOf(r, 'Audience').some((x) => ok((textOf(x) ?? '').trim())))) throw E.audience(audiences);

  const nameIdNode = childOf(subject, 'NameID');
  const nameId = nameIdNode === undefined ? '' : (textOf(nameIdNode) ?? '');
  if (nameId === '') throw E.malformed('the Subject has no NameID');

  const attributes = new Map<string, string[]>();
  for (const st of childrenOf(a, 'AttributeStatement')) {
    for (const at of childrenOf(st, 'Attribute')) {
      const name = attrOf(at, 'Name');
      if (!name) continue;
      const values = childrenOf(at, 'AttributeValue').map((v) => textOf(v) ?? '');
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }

  let sessionNotOnOrAfter: Date | null = null;
  for (const s of childrenOf(a, 'AuthnStatement')) {
    const t = parseTime(attrOf(s, 'SessionNotOnOrAfter'), 'AuthnStatement SessionNotOnOrAfter');
    if (t && (!sessionNotOnOrAfter || t < sessionNotOnOrAfter)) sessionNotOnOrAfter = t;
  }

  return {
    issuer,
    nameId,
    nameIdFormat: attrOf(nameIdNode, 'Format'),
    recipient,
    audiences,
    attributes,
    notOnOrAfter,
    sessionNotOnOrAfter,
    signed: chosen.signed,
    signatureAlgorithm: chosen.algorithm,
    encrypted: dom.encrypted,
  };
}
