// Owns SAML federation in seeds, in one place: the `samlIdps:` (iamlocal's mock IdPs) and
// `samlProviders:` (IAM SAML providers from a metadata document) sections — their declaration,
// parsing and application — and storing a mock IdP with the IAM SAML provider that trusts it, which
// the admin endpoint (src/admin/saml-idps.ts) shares. Format: seed/README.md.
import { arns } from '../aws/arn';
import { createIdpCertificate } from '../saml/idp-certificate';
import { generateIdpPrivateKey, normalizeRsaPrivateKey } from '../saml/idp-keys';
import { idpMetadataOf, idpMetadataXml, parseIdpMetadata, providerValidUntil, type IdpMetadata } from '../saml/metadata';
import type { IdSource } from '../runtime';
import type { MockSamlIdp, SamlProvider } from './repos/saml-providers';
import type { Tag } from './repos/tags';
import type { Store } from './store';

/** The section names this module adds to the seed format. */
export const SAML_SEED_SECTIONS = ['samlIdps', 'samlProviders'] as const;

export interface SeedSamlIdp {
  account: string;
  name: string;
  entityId: string | null;
  privateKeyPem: string | null;
  /** The IAM SAML provider to create for it (default: one named like the IdP); null = none. */
  samlProvider: string | null;
}

export interface SeedSamlProvider {
  account: string;
  name: string;
  metadataDocument: string;
  tags: Tag[];
}

export interface SeedSaml {
  samlIdps: SeedSamlIdp[];
  samlProviders: SeedSamlProvider[];
}

const NAME = /^[\w._-]{1,128}$/;
const ACCOUNT = /^\d{12}$/;

type Obj = Record<string, unknown>;

/** Parses both sections of one document; `fail(where, problem)` throws the seed error. */
export function parseSamlSeed(doc: Obj, defaultAccount: string, fail: (where: string, problem: string) => never): SeedSaml {
  const entries = (section: string): [string, Obj][] => {
    const v = doc[section];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) fail(section, `${section} must be a list`);
    return (v as unknown[]).map((e, i) => {
      const name = e && typeof e === 'object' && typeof (e as Obj).name === 'string' ? ` (${(e as Obj).name})` : '';
      const where = `${section}[${i}]${name}`;
      if (!e || typeof e !== 'object' || Array.isArray(e)) fail(where, 'entry must be a mapping');
      return [where, e as Obj];
    });
  };
  const str = (where: string, e: Obj, key: string, required = false): string | null => {
    const v = e[key];
    if (v === undefined || v === null) return required ? fail(where, `${key} is required`) : null;
    if (typeof v !== 'string' && typeof v !== 'number') fail(where, `${key} must be a string`);
    return String(v);
  };
  const account = (where: string, e: Obj) => {
    const a = str(where, e, 'account') ?? defaultAccount;
    if (!ACCOUNT.test(a)) fail(where, `account ${JSON.stringify(a)} is not 12 digits`);
    return a;
  };
  const name = (where: string, e: Obj, key = 'name') => {
    const n = str(where, e, key, true)!;
    if (!NAME.test(n)) fail(where, `${key} ${JSON.stringify(n)} is not valid (1–128 of [\\w._-])`);
    return n;
  };
  return {
    samlIdps: entries('samlIdps').map(([where, e]) => {
      const provider = e.samlProvider === false ? null : e.samlProvider === undefined ? name(where, e) : name(where, e, 'samlProvider');
      const pem = str(where, e, 'privateKeyPem');
      if (pem !== null) {
        try {
          normalizeRsaPrivateKey(pem);
        } catch (err) {
          fail(where, `privateKeyPem: ${(err as Error).message}`);
        }
      }
      return { account: account(where, e), name: name(where, e), entityId: str(where, e, 'entityId'), privateKeyPem: pem, samlProvider: provider };
    }),
    samlProviders: entries('samlProviders').map(([where, e]) => {
      const providerName = name(where, e);
      const metadataDocument = str(where, e, 'metadataDocument', true)!;
      try {
        parseIdpMetadata(metadataDocument);
      } catch (err) {
        fail(where, `metadataDocument: ${(err as Error).message} (${String((err as { detail?: { reason?: string } }).detail?.reason ?? '')})`);
      }
      const t = e.tags;
      const tags: Tag[] =
        t === undefined || t === null
          ? []
          : Array.isArray(t)
            ? t.map((x) => ({ Key: String((x as Obj).Key ?? (x as Obj).key), Value: String((x as Obj).Value ?? (x as Obj).value ?? '') }))
            : Object.entries(t as Obj).map(([k, v]) => ({ Key: k, Value: String(v ?? '') }));
      return { account: account(where, e), name: providerName, metadataDocument, tags };
    }),
  };
}

/** The entity id of a mock IdP that was given none. */
export function defaultMockIdpEntityId(account: string, name: string): string {
  return `urn:iamlocal:saml:idp:${account}:${name}`;
}

/** Where a mock IdP says it signs users in (informational: minting happens through the admin API). */
export function mockIdpSsoUrl(account: string, name: string): string {
  return `https://idp.iamlocal.test/${account}/${name}/sso`;
}

export function mockIdpMetadata(idp: MockSamlIdp): string {
  return idpMetadataXml(idp.entityId, idp.certificatePem, mockIdpSsoUrl(idp.accountId, idp.name));
}

/**
 * Stores a provider from its metadata, or updates the metadata of an existing one (seeds are upserts).
 * `known`: what parsing the document gives, when the caller made the document (a mock IdP's own).
 * Synchronous: run inside the caller's transaction.
 */
export function upsertSamlProvider(
  store: Store,
  ids: IdSource,
  p: { account: string; name: string; metadataDocument: string },
  now: Date,
  known?: IdpMetadata | null,
): SamlProvider {
  const arn = arns.samlProvider(p.account, p.name);
  const meta = known ?? parseIdpMetadata(p.metadataDocument);
  const fields = { metadataDocument: p.metadataDocument, entityId: meta.entityId, signingCertificates: meta.signingCertificates, validUntil: providerValidUntil(meta, now).toISOString() };
  const existing = store.samlProviders.get(arn);
  if (existing) {
    store.samlProviders.update(arn, fields);
    return store.samlProviders.get(arn)!;
  }
  return store.samlProviders.create({ arn, accountId: p.account, name: p.name, uuid: ids.base32(26), ...fields, assertionEncryptionMode: null, privateKeys: [], createdAt: now.toISOString() });
}

export interface NewMockIdpSpec {
  account: string;
  name: string;
  entityId?: string | null;
  privateKeyPem?: string | null;
  /** Name of the IAM SAML provider to create (or refresh) for it; null = none. */
  samlProvider: string | null;
}

/**
 * Stores a mock IdP (its key — given or new — and a self-signed certificate on iamlocal's clock) and,
 * if asked, the IAM SAML provider trusting it. An IdP that exists is kept (its key never changes).
 */
export function ensureMockIdp(store: Store, ids: IdSource, spec: NewMockIdpSpec, now: Date): { idp: MockSamlIdp; provider: SamlProvider | null; created: boolean } {
  let idp = store.mockSamlIdps.get(spec.account, spec.name);
  const created = !idp;
  if (!idp) {
    const entityId = spec.entityId ?? defaultMockIdpEntityId(spec.account, spec.name);
    const privateKeyPem = spec.privateKeyPem ? normalizeRsaPrivateKey(spec.privateKeyPem) : generateIdpPrivateKey();
    const certificatePem = createIdpCertificate({ privateKeyPem, entityId, now, serialNumber: ids.bytes(8).toString('hex').replace(/^[89a-f]/, '1') });
    idp = store.mockSamlIdps.create({ accountId: spec.account, name: spec.name, entityId, privateKeyPem, certificatePem, createdAt: now.toISOString() });
  } else if (spec.entityId && spec.entityId !== idp.entityId) {
    throw new Error(`mock SAML IdP ${spec.name} exists with entity id ${idp.entityId}, not ${spec.entityId}`);
  }
  const provider = spec.samlProvider
    ? upsertSamlProvider(store, ids, { account: spec.account, name: spec.samlProvider, metadataDocument: mockIdpMetadata(idp) }, now, idpMetadataOf(idp.entityId, idp.certificatePem))
    : null;
  return { idp, provider, created };
}

/** Applies both sections (mock IdPs first, so a provider may be named after one). */
export function applySamlSeed(
  store: Store,
  s: SeedSaml,
  ctx: { ids: IdSource; now: Date },
  forEntry: (label: string, fn: () => void) => void,
): void {
  s.samlIdps.forEach((i, n) =>
    forEntry(`samlIdps[${n}] (${i.name})`, () => {
      store.accounts.ensure({ id: i.account, createdAt: ctx.now.toISOString() });
      ensureMockIdp(store, ctx.ids, { account: i.account, name: i.name, entityId: i.entityId, privateKeyPem: i.privateKeyPem, samlProvider: i.samlProvider }, ctx.now);
    }),
  );
  s.samlProviders.forEach((p, n) =>
    forEntry(`samlProviders[${n}] (${p.name})`, () => {
      store.accounts.ensure({ id: p.account, createdAt: ctx.now.toISOString() });
      const provider = upsertSamlProvider(store, ctx.ids, p, ctx.now);
      if (p.tags.length) store.tags.put('saml-provider', provider.arn, p.tags, false);
    }),
  );
}
