// Owns IAM OIDC identity provider operations: Create/Get/List/DeleteOpenIDConnectProvider,
// Add/RemoveClientIDTo/FromOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint. Nothing here
// ever fetches over the network: thumbprints are stored as given (a pinned JWKS is the STS side's).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html ; aws-protocol §6.2–6.3, §6.7.
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { OidcProvider } from '../../store/repos/oidc-providers';
import type { Tag } from '../../store/repos/tags';
import type { Call, Params } from '../types';
import { defineOperation } from '../types';
import { readTags, Validator } from '../validate';
import { accountOf } from './common';
import { tagContext } from './roles';
import { checkTagKeys } from './tags';

export const OIDC_PROVIDERS_PER_ACCOUNT = 100;
export const CLIENT_IDS_PER_PROVIDER = 100;
export const THUMBPRINTS_PER_PROVIDER = 5;

const arnRule = { required: true, min: 20, max: 2048 } as const;
const clientIdRule = { required: true, min: 1, max: 255 } as const;

/**
 * The issuer URL must be https, name a host, and carry no query, fragment or user info
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
 * Returns the form IAM stores and puts in the ARN: the URL without `https://`.
 */
export function providerUrl(url: string): string {
  const bad = () => awsErrors.validation('Invalid Open ID Connect Provider URL');
  if (!/^https:\/\//i.test(url)) throw bad();
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad();
  }
  if (!u.hostname || u.search || u.hash || u.username || u.password || /[\s?#]/.test(url)) throw bad();
  return url.slice('https://'.length);
}

function thumbprintClauses(v: Validator, list: string[] | undefined): void {
  list?.forEach((t, i) => {
    const at = `thumbprintList.${i + 1}.member`;
    if (t.length < 40) v.addClause(`Value at '${at}' failed to satisfy constraint: Member must have length greater than or equal to 40`);
    if (t.length > 40) v.addClause(`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to 40`);
  });
}

function clientIdClauses(v: Validator, list: string[] | undefined): void {
  list?.forEach((c, i) => {
    const at = `clientIDList.${i + 1}.member`;
    if (c.length < 1) v.addClause(`Value at '${at}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    if ([...c].length > 255) v.addClause(`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to 255`);
  });
}

/** Thumbprints: at most 5, each the 40 hex digits of a SHA-1 (⚠ hex-check text not captured from AWS). */
function checkThumbprints(list: string[]): void {
  if (list.length > THUMBPRINTS_PER_PROVIDER) throw awsErrors.invalidInput('Thumbprint list must contain fewer than 5 entries.');
  for (const t of list) if (!/^[0-9A-Fa-f]{40}$/.test(t)) throw awsErrors.invalidInput(`Thumbprint ${t} is not a valid 40-character hexadecimal SHA-1 fingerprint.`);
}

function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

/** The provider an ARN names in the caller's account, or AWS's NoSuchEntity (text depends on the operation). */
function providerArnInput(params: Params): { arn: string } {
  const v = new Validator(params, 'iam');
  const arn = v.string('OpenIDConnectProviderArn', arnRule);
  v.done();
  return { arn };
}

function clientIdInput(params: Params): { arn: string; clientId: string } {
  const v = new Validator(params, 'iam');
  const arn = v.string('OpenIDConnectProviderArn', arnRule);
  const clientId = v.string('ClientID', clientIdRule);
  v.done();
  return { arn, clientId };
}

function requireProvider(call: Call, arn: string, message = `OpenIDConnect Provider not found for arn ${arn}`): OidcProvider {
  const p = call.store.oidcProviders.get(arn);
  if (!p || p.accountId !== accountOf(call)) throw awsErrors.noSuchEntity(message);
  return p;
}

// ------------------------------------------------------------------ CreateOpenIDConnectProvider

interface CreateInput {
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags?: Tag[];
}

export const createOpenIDConnectProvider = defineOperation({
  name: 'CreateOpenIDConnectProvider',
  service: 'iam',
  action: 'iam:CreateOpenIDConnectProvider',
  mutating: true,
  input(params): CreateInput {
    const v = new Validator(params, 'iam');
    const url = v.string('Url', { required: true, min: 1, max: 255 });
    const clientIds = v.stringList('ClientIDList');
    clientIdClauses(v, clientIds);
    const thumbprints = v.stringList('ThumbprintList');
    thumbprintClauses(v, thumbprints);
    const tags = readTags(v);
    v.done();
    return { url, clientIds: clientIds ?? [], thumbprints: thumbprints ?? [], tags };
  },
  resource: (input, call) => arns.oidcProvider(accountOf(call), input.url.replace(/^https:\/\//i, '')),
  conditionKeys: (input) => tagContext(input.tags),
  // Creating with tags also needs iam:TagOpenIDConnectProvider (id_tags_oidc.html).
  extraChecks: (input, call) =>
    input.tags?.length ? [{ action: 'iam:TagOpenIDConnectProvider', resource: arns.oidcProvider(accountOf(call), input.url.replace(/^https:\/\//i, '')) }] : [],
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const url = providerUrl(input.url);
    checkThumbprints(input.thumbprints);
    const clientIds = uniq(input.clientIds);
    if (clientIds.length > CLIENT_IDS_PER_PROVIDER) throw awsErrors.limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_PROVIDER}`);
    if (input.tags) checkTagKeys(input.tags, false);
    const arn = arns.oidcProvider(account, url);
    if (store.oidcProviders.get(arn)) throw awsErrors.entityAlreadyExists(`Provider with url ${input.url} already exists.`);
    if (store.oidcProviders.list(account).length >= OIDC_PROVIDERS_PER_ACCOUNT) {
      throw awsErrors.limitExceeded(`Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDERS_PER_ACCOUNT}`);
    }
    store.oidcProviders.create({
      arn,
      accountId: account,
      url,
      clientIds,
      thumbprints: uniq(input.thumbprints),
      jwks: null,
      allowNetworkFetch: false,
      createdAt: call.now.toISOString(),
    });
    if (input.tags?.length) store.tags.put('oidc-provider', arn, input.tags, false);
    return { OpenIDConnectProviderArn: arn, Tags: input.tags?.length ? input.tags : undefined };
  },
});

// ------------------------------------------------------------------ GetOpenIDConnectProvider

export const getOpenIDConnectProvider = defineOperation({
  name: 'GetOpenIDConnectProvider',
  service: 'iam',
  action: 'iam:GetOpenIDConnectProvider',
  mutating: false,
  input: providerArnInput,
  resource: (input) => input.arn,
  handler(input, call) {
    const p = requireProvider(call, input.arn);
    // Url without the scheme; <ClientIDList/> and <Tags/> are sent even when empty (aws-protocol §6.2).
    return {
      Url: p.url,
      ClientIDList: p.clientIds,
      ThumbprintList: p.thumbprints,
      CreateDate: new Date(p.createdAt),
      Tags: call.store.tags.list('oidc-provider', p.arn),
    };
  },
});

// ------------------------------------------------------------------ ListOpenIDConnectProviders

export const listOpenIDConnectProviders = defineOperation({
  name: 'ListOpenIDConnectProviders',
  service: 'iam',
  action: 'iam:ListOpenIDConnectProviders',
  mutating: false,
  input(params) {
    new Validator(params, 'iam').done();
    return {};
  },
  resource: () => '*',
  handler(_input, call) {
    // Not paginated (aws-protocol §6.5).
    return { OpenIDConnectProviderList: call.store.oidcProviders.list(accountOf(call)).map((p) => ({ Arn: p.arn })) };
  },
});

// ------------------------------------------------------------------ DeleteOpenIDConnectProvider

export const deleteOpenIDConnectProvider = defineOperation({
  name: 'DeleteOpenIDConnectProvider',
  service: 'iam',
  action: 'iam:DeleteOpenIDConnectProvider',
  mutating: true,
  input: providerArnInput,
  resource: (input) => input.arn,
  handler(input, call) {
    requireProvider(call, input.arn, `OpenId connect Provider ${input.arn} cannot be found.`);
    call.store.oidcProviders.delete(input.arn);
    return undefined;
  },
});

// ------------------------------------------------------------------ client ids

export const addClientIDToOpenIDConnectProvider = defineOperation({
  name: 'AddClientIDToOpenIDConnectProvider',
  service: 'iam',
  action: 'iam:AddClientIDToOpenIDConnectProvider',
  mutating: true,
  input: clientIdInput,
  resource: (input) => input.arn,
  handler(input, call) {
    const p = requireProvider(call, input.arn);
    // Adding a client id the provider already has succeeds and changes nothing.
    if (p.clientIds.includes(input.clientId)) return undefined;
    if (p.clientIds.length >= CLIENT_IDS_PER_PROVIDER) throw awsErrors.limitExceeded(`Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_PROVIDER}`);
    call.store.oidcProviders.update(p.arn, { clientIds: [...p.clientIds, input.clientId] });
    return undefined;
  },
});

export const removeClientIDFromOpenIDConnectProvider = defineOperation({
  name: 'RemoveClientIDFromOpenIDConnectProvider',
  service: 'iam',
  action: 'iam:RemoveClientIDFromOpenIDConnectProvider',
  mutating: true,
  input: clientIdInput,
  resource: (input) => input.arn,
  handler(input, call) {
    const p = requireProvider(call, input.arn);
    // Removing a client id that is not registered succeeds without change.
    if (p.clientIds.includes(input.clientId)) call.store.oidcProviders.update(p.arn, { clientIds: p.clientIds.filter((c) => c !== input.clientId) });
    return undefined;
  },
});

// ------------------------------------------------------------------ UpdateOpenIDConnectProviderThumbprint

export const updateOpenIDConnectProviderThumbprint = defineOperation({
  name: 'UpdateOpenIDConnectProviderThumbprint',
  service: 'iam',
  action: 'iam:UpdateOpenIDConnectProviderThumbprint',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const arn = v.string('OpenIDConnectProviderArn', arnRule);
    const thumbprints = v.stringList('ThumbprintList');
    if (thumbprints === undefined) v.addClause(`Value null at 'thumbprintList' failed to satisfy constraint: Member must not be null`);
    thumbprintClauses(v, thumbprints);
    v.done();
    return { arn, thumbprints: thumbprints ?? [] };
  },
  resource: (input) => input.arn,
  handler(input, call) {
    const p = requireProvider(call, input.arn);
    checkThumbprints(input.thumbprints);
    // Replaces the whole list; the pinned JWKS (if any) is left as it is.
    call.store.oidcProviders.update(p.arn, { thumbprints: uniq(input.thumbprints) });
    return undefined;
  },
});

export const oidcProviderOperations = [
  createOpenIDConnectProvider,
  getOpenIDConnectProvider,
  listOpenIDConnectProviders,
  deleteOpenIDConnectProvider,
  addClientIDToOpenIDConnectProvider,
  removeClientIDFromOpenIDConnectProvider,
  updateOpenIDConnectProviderThumbprint,
];
