// Owns the mock SAML IdP admin endpoints (root credentials only), the SAML counterpart of the mock
// EKS issuer: create/list/get IdPs (each with its own signing key and certificate, and by default the
// IAM SAML provider trusting it), download the IdP metadata for CreateSAMLProvider, and mint signed
// SAML responses for a user with chosen roles, attributes and lifetime. Documented in docs/saml.md.
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps';
import { arns } from '../aws/arn';
import { awsErrors } from '../aws/errors';
import { normalizeRsaPrivateKey } from '../saml/idp-keys';
import { loadMockIdp } from '../saml/load';
import type { RoleGrant } from '../saml/mock-idp';
import type { MockSamlIdp } from '../store/repos/saml-providers';
import { ensureMockIdp, mockIdpMetadata } from '../store/seed-saml';
import type { Store } from '../store/store';
import { requireAdmin } from './admin-auth';
import { adminError, jsonBody } from './clusters';

export const SAML_IDPS_PATH = '/_iamlocal/saml-idps';

const NAME = /^[\w._-]{1,128}$/;
const invalid = (m: string) => awsErrors.validation(m);

/** How an IdP is shown by the admin API. */
export function idpView(store: Store, idp: MockSamlIdp) {
  const providers = store.samlProviders.list(idp.accountId).filter((p) => p.entityId === idp.entityId && p.signingCertificates.includes(idp.certificatePem));
  return {
    name: idp.name,
    accountId: idp.accountId,
    entityId: idp.entityId,
    samlProviderArns: providers.map((p) => p.arn),
    certificatePem: idp.certificatePem,
    metadataPath: `${SAML_IDPS_PATH}/${encodeURIComponent(idp.name)}/metadata`,
    createdAt: idp.createdAt,
  };
}

function findIdp(store: Store, account: string, name: string): MockSamlIdp {
  const idp = store.mockSamlIdps.get(account, name);
  if (!idp) throw awsErrors.noSuchEntity(`No mock SAML IdP named ${name} in account ${account}.`);
  return idp;
}

function strings(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw invalid(`${what} must be a string or a list of strings.`);
  return list as string[];
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) throw invalid(`${what} must be an object of strings.`);
  return v as Record<string, string>;
}

/**
 * `roles`: role ARNs (paired with the IdP's own IAM SAML provider) or {roleArn, providerArn} pairs.
 * A bare ARN needs the IdP to have exactly one provider, or `providerArn` in the body.
 */
function roleGrants(store: Store, idp: MockSamlIdp, b: Record<string, unknown>): RoleGrant[] {
  const list = Array.isArray(b.roles) ? b.roles : b.roles === undefined ? [] : [b.roles];
  if (list.length === 0) throw invalid('roles is required: role ARNs, or {"roleArn", "providerArn"} pairs.');
  const defaultProvider = (): string => {
    if (typeof b.providerArn === 'string') return b.providerArn;
    const own = idpView(store, idp).samlProviderArns;
    if (own.length !== 1) throw invalid(`the IdP is trusted by ${own.length} SAML providers; pass providerArn.`);
    return own[0];
  };
  return list.map((r) => {
    if (typeof r === 'string') return { roleArn: r, providerArn: defaultProvider() };
    if (r && typeof r === 'object' && typeof (r as RoleGrant).roleArn === 'string') {
      const g = r as Partial<RoleGrant>;
      return { roleArn: g.roleArn!, providerArn: typeof g.providerArn === 'string' ? g.providerArn : defaultProvider() };
    }
    throw invalid('each role is a role ARN or {"roleArn", "providerArn"}.');
  });
}

export function mountSamlIdpAdmin(app: Hono, deps: AppDeps): void {
  const { store } = deps;
  const rootCall = (c: Context) => requireAdmin(c, deps, 'ManageSamlIdps');

  app.get(SAML_IDPS_PATH, async (c) => {
    try {
      const { accountId } = await rootCall(c);
      return c.json({ idps: store.mockSamlIdps.list(accountId).map((i) => idpView(store, i)) });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  // {"name", "entityId"?, "privateKeyPem"?, "samlProvider"?: NAME | false}
  app.post(SAML_IDPS_PATH, async (c) => {
    try {
      const { accountId, body } = await rootCall(c);
      const b = jsonBody(body);
      const name = typeof b.name === 'string' && NAME.test(b.name) ? b.name : null;
      if (!name) throw invalid('name is required: 1–128 characters of [A-Za-z0-9_.-].');
      if (store.mockSamlIdps.get(accountId, name)) throw awsErrors.entityAlreadyExists(`Mock SAML IdP ${name} already exists in account ${accountId}.`);
      const entityId = b.entityId === undefined ? null : typeof b.entityId === 'string' && b.entityId.length > 0 && b.entityId.length <= 1024 ? b.entityId : null;
      if (b.entityId !== undefined && entityId === null) throw invalid('entityId must be a string of 1–1024 characters.');
      const samlProvider = b.samlProvider === false ? null : b.samlProvider === undefined ? name : typeof b.samlProvider === 'string' && NAME.test(b.samlProvider) ? b.samlProvider : null;
      if (b.samlProvider !== undefined && b.samlProvider !== false && samlProvider === null) throw invalid('samlProvider must be a provider name ([\\w._-]{1,128}) or false.');
      let privateKeyPem: string | null = null;
      if (b.privateKeyPem !== undefined) {
        try {
          privateKeyPem = normalizeRsaPrivateKey(String(b.privateKeyPem));
        } catch (e) {
          throw invalid(`privateKeyPem: ${(e as Error).message}`);
        }
      }
      if (samlProvider && store.samlProviders.get(arns.samlProvider(accountId, samlProvider))) {
        throw awsErrors.entityAlreadyExists(`SAMLProvider named ${samlProvider} already exists`);
      }
      const now = deps.clock.now();
      const { idp } = store.transaction(() => ensureMockIdp(store, deps.ids, { account: accountId, name, entityId, privateKeyPem, samlProvider }, now));
      deps.logger.info('mock saml idp created', { name, accountId, entityId: idp.entityId });
      return c.json(idpView(store, idp), 201);
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  app.get(`${SAML_IDPS_PATH}/:name`, async (c) => {
    try {
      const { accountId } = await rootCall(c);
      return c.json(idpView(store, findIdp(store, accountId, c.req.param('name'))));
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  // The metadata XML CreateSAMLProvider takes (`aws iam create-saml-provider --saml-metadata-document file://…`).
  app.get(`${SAML_IDPS_PATH}/:name/metadata`, async (c) => {
    try {
      const { accountId } = await rootCall(c);
      return c.body(mockIdpMetadata(findIdp(store, accountId, c.req.param('name'))), 200, { 'content-type': 'application/samlmetadata+xml' });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  // {"subject", "roles", "providerArn"?, "roleSessionName"?, "sessionDuration"?, "sourceIdentity"?,
  //  "principalTags"?, "transitiveTagKeys"?, "attributes"?, "lifetimeSeconds"?, "sessionNotOnOrAfterSeconds"?,
  //  "subjectFormat"?, "recipient"?, "audience"?, "sign"?: assertion|response|both, "signatureAlgorithm"?, "encrypt"?: boolean}
  app.post(`${SAML_IDPS_PATH}/:name/responses`, async (c) => {
    try {
      const { accountId, body } = await rootCall(c);
      const { mintSamlResponse } = await loadMockIdp();
      const idp = findIdp(store, accountId, c.req.param('name'));
      const b = jsonBody(body);
      if (typeof b.subject !== 'string' || b.subject === '') throw invalid('subject (the NameID) is required.');
      const opt = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : b[k] === undefined ? undefined : (() => { throw invalid(`${k} must be a string.`); })());
      const num = (k: string) => (b[k] === undefined ? undefined : Number.isInteger(b[k]) ? (b[k] as number) : (() => { throw invalid(`${k} must be an integer.`); })());
      const sign = opt('sign');
      if (sign !== undefined && !['assertion', 'response', 'both'].includes(sign)) throw invalid('sign must be assertion, response or both.');
      const alg = opt('signatureAlgorithm');
      if (alg !== undefined && !['rsa-sha256', 'rsa-sha1', 'rsa-sha512'].includes(alg)) throw invalid('signatureAlgorithm must be rsa-sha256, rsa-sha1 or rsa-sha512.');
      const attributes: Record<string, string[]> = {};
      if (b.attributes !== undefined) {
        if (!b.attributes || typeof b.attributes !== 'object' || Array.isArray(b.attributes)) throw invalid('attributes must be an object: {Name: value | [values]}.');
        for (const [k, v] of Object.entries(b.attributes as Record<string, unknown>)) attributes[k] = strings(v, `attributes.${k}`);
      }
      // {"encrypt": true}: encrypt for the first private key of the provider the (first) role pair names.
      let encryptFor: string | undefined;
      const roles = roleGrants(store, idp, b);
      if (b.encrypt !== undefined && typeof b.encrypt !== 'boolean') throw invalid('encrypt must be true or false.');
      if (b.encrypt === true) {
        const provider = store.samlProviders.get(roles[0].providerArn);
        if (!provider || provider.accountId !== accountId || provider.privateKeys.length === 0) {
          throw invalid(`encrypt: SAML provider ${roles[0].providerArn} has no private key (UpdateSAMLProvider AddPrivateKey).`);
        }
        encryptFor = provider.privateKeys[0].pem;
      }
      const now = deps.clock.now();
      let minted;
      try {
        minted = mintSamlResponse({
          idp,
          subject: b.subject,
          subjectFormat: opt('subjectFormat'),
          roles,
          roleSessionName: b.roleSessionName === null ? null : opt('roleSessionName'),
          sessionDuration: num('sessionDuration'),
          sourceIdentity: opt('sourceIdentity'),
          principalTags: stringMap(b.principalTags, 'principalTags'),
          transitiveTagKeys: strings(b.transitiveTagKeys, 'transitiveTagKeys'),
          attributes,
          lifetimeSeconds: num('lifetimeSeconds'),
          sessionNotOnOrAfterSeconds: num('sessionNotOnOrAfterSeconds'),
          recipient: opt('recipient'),
          audience: opt('audience'),
          sign: sign as 'assertion' | 'response' | 'both' | undefined,
          signatureAlgorithm: alg as 'rsa-sha256' | undefined,
          encryptFor,
          // NotBefore/NotOnOrAfter follow iamlocal's clock, so the admin test clock can expire minted responses.
          now,
          ids: deps.ids,
        });
      } catch (e) {
        if (e instanceof RangeError) throw invalid(e.message);
        throw e;
      }
      return c.json({ samlResponse: minted.samlResponse, assertionId: minted.assertionId, issuer: idp.entityId, expiration: new Date(minted.notOnOrAfter).toISOString() });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });
}
