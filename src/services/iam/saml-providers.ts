// Owns IAM SAML identity provider operations: Create/Get/List/Update/DeleteSAMLProvider (tagging is
// in tags.ts). The metadata document is parsed as IAM does (entity id, signing certificates,
// validUntil); AssertionEncryptionMode and AddPrivateKey/RemovePrivateKey follow the current API.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateSAMLProvider.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSAMLProvider.html
// Messages: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html (⚠ where marked).
import { createPrivateKey } from 'node:crypto';
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { parseIdpMetadata, providerValidUntil } from '../../saml/metadata';
import type { SamlPrivateKey, SamlProvider } from '../../store/repos/saml-providers';
import type { Tag } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import type { Call, Params } from '../types';
import { defineOperation } from '../types';
import { readTags, Validator } from '../validate';
import { accountOf } from './common';
import { tagContext } from './roles';
import { checkTagKeys } from './tags';

export const SAML_PROVIDERS_PER_ACCOUNT = 100;
export const PRIVATE_KEYS_PER_PROVIDER = 2;

const arnRule = { required: true, min: 20, max: 2048 } as const;
const nameRule = { required: true, min: 1, max: 128, pattern: { text: '[\\w._-]+', re: /^[\w._-]+$/ } } as const;
const metadataRule = { min: 1000, max: 10000000 } as const;
const privateKeyRule = { min: 1, max: 16384, pattern: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ } } as const;
const keyIdRule = { min: 22, max: 64, pattern: { text: '[A-Z0-9]+', re: /^[A-Z0-9]+$/ } } as const;
const MODES = ['Required', 'Allowed'] as const;
type Mode = (typeof MODES)[number];

/** ⚠ The NoSuchEntity text IAM gives for an unknown SAML provider ARN ("Manifest not found for arn …", from public reports). */
export function requireSamlProvider(store: Store, account: string, arn: string): SamlProvider {
  const p = store.samlProviders.get(arn);
  if (!p || p.accountId !== account) throw awsErrors.noSuchEntity(`Manifest not found for arn ${arn}`);
  return p;
}

/** AddPrivateKey is sensitive: its value is never echoed, like STS's sensitive members. */
function readPrivateKeyParam(v: Validator, params: Params): string | undefined {
  const raw = params.AddPrivateKey;
  if (raw === undefined || raw === null) return undefined;
  const s = String(raw);
  if (s.length < privateKeyRule.min) v.addClause(`Value at 'addPrivateKey' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (s.length > privateKeyRule.max) v.addClause(`Value at 'addPrivateKey' failed to satisfy constraint: Member must have length less than or equal to 16384`);
  if (s.length > 0 && !privateKeyRule.pattern.re.test(s)) v.addClause(`Value at 'addPrivateKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ${privateKeyRule.pattern.text}`);
  return s;
}

function readMode(v: Validator): Mode | undefined {
  const m = v.string('AssertionEncryptionMode');
  if (m === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(m)) {
    v.addClause(`Value at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Required, Allowed]`);
    return undefined;
  }
  return m as Mode;
}

/** A private key IAM can decrypt assertions with: an RSA private key in PEM. */
function privateKey(call: Call, pem: string): SamlPrivateKey {
  try {
    const k = createPrivateKey(pem);
    if (k.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw awsErrors.invalidInput('Invalid private key.');
  }
  // privateKeyIdType: 22–64 of [A-Z0-9].
  return { keyId: call.ids.base32(26), pem, timestamp: call.now.toISOString() };
}

function metadataFields(doc: string, now: Date) {
  const meta = parseIdpMetadata(doc);
  return { metadataDocument: doc, entityId: meta.entityId, signingCertificates: meta.signingCertificates, validUntil: providerValidUntil(meta, now).toISOString() };
}

/** Stores a new provider (shared by CreateSAMLProvider and the seeds); validates the document. */
export function createSamlProvider(
  store: Store,
  spec: { accountId: string; name: string; metadataDocument: string; mode: Mode | null; privateKeys: SamlPrivateKey[]; uuid: string; now: Date },
): SamlProvider {
  const arn = arns.samlProvider(spec.accountId, spec.name);
  const fields = metadataFields(spec.metadataDocument, spec.now);
  if (store.samlProviders.get(arn)) throw awsErrors.entityAlreadyExists(`SAMLProvider named ${spec.name} already exists`);
  if (store.samlProviders.list(spec.accountId).length >= SAML_PROVIDERS_PER_ACCOUNT) {
    throw awsErrors.limitExceeded(`Cannot exceed quota for SAMLProvidersPerAccount: ${SAML_PROVIDERS_PER_ACCOUNT}`);
  }
  return store.samlProviders.create({
    arn,
    accountId: spec.accountId,
    name: spec.name,
    uuid: spec.uuid,
    ...fields,
    assertionEncryptionMode: spec.mode,
    privateKeys: spec.privateKeys,
    createdAt: spec.now.toISOString(),
  });
}

// ------------------------------------------------------------------ CreateSAMLProvider

interface CreateInput {
  name: string;
  metadataDocument: string;
  tags?: Tag[];
  mode?: Mode;
  addPrivateKey?: string;
}

export const createSAMLProvider = defineOperation({
  name: 'CreateSAMLProvider',
  service: 'iam',
  action: 'iam:CreateSAMLProvider',
  mutating: true,
  input(params): CreateInput {
    const v = new Validator(params, 'iam');
    const metadataDocument = v.string('SAMLMetadataDocument', { required: true, ...metadataRule });
    const name = v.string('Name', nameRule);
    const tags = readTags(v);
    const mode = readMode(v);
    const addPrivateKey = readPrivateKeyParam(v, params);
    v.done();
    return { name, metadataDocument, tags, mode, addPrivateKey };
  },
  resource: (input, call) => arns.samlProvider(accountOf(call), input.name),
  conditionKeys: (input) => tagContext(input.tags),
  // Creating with tags also needs iam:TagSAMLProvider (id_tags_saml.html).
  extraChecks: (input, call) => (input.tags?.length ? [{ action: 'iam:TagSAMLProvider', resource: arns.samlProvider(accountOf(call), input.name) }] : []),
  handler(input, call) {
    const account = accountOf(call);
    if (input.tags) checkTagKeys(input.tags, false);
    if (input.mode === 'Required' && input.addPrivateKey === undefined) {
      throw awsErrors.invalidInput('Unable to set assertion encryption mode to Required because no private key is provided.');
    }
    const keys = input.addPrivateKey === undefined ? [] : [privateKey(call, input.addPrivateKey)];
    const p = createSamlProvider(call.store, { accountId: account, name: input.name, metadataDocument: input.metadataDocument, mode: input.mode ?? null, privateKeys: keys, uuid: call.ids.base32(26), now: call.now });
    if (input.tags?.length) call.store.tags.put('saml-provider', p.arn, input.tags, false);
    return { SAMLProviderArn: p.arn, Tags: input.tags?.length ? input.tags : undefined };
  },
});

// ------------------------------------------------------------------ GetSAMLProvider

function arnInput(params: Params): { arn: string } {
  const v = new Validator(params, 'iam');
  const arn = v.string('SAMLProviderArn', arnRule);
  v.done();
  return { arn };
}

export const getSAMLProvider = defineOperation({
  name: 'GetSAMLProvider',
  service: 'iam',
  action: 'iam:GetSAMLProvider',
  mutating: false,
  input: arnInput,
  resource: (input) => input.arn,
  handler(input, call) {
    const p = requireSamlProvider(call.store, accountOf(call), input.arn);
    return {
      SAMLProviderUUID: p.uuid,
      SAMLMetadataDocument: p.metadataDocument,
      CreateDate: new Date(p.createdAt),
      ValidUntil: new Date(p.validUntil),
      Tags: call.store.tags.list('saml-provider', p.arn),
      AssertionEncryptionMode: p.assertionEncryptionMode ?? undefined,
      PrivateKeyList: p.privateKeys.map((k) => ({ KeyId: k.keyId, Timestamp: new Date(k.timestamp) })),
    };
  },
});

// ------------------------------------------------------------------ ListSAMLProviders

export const listSAMLProviders = defineOperation({
  name: 'ListSAMLProviders',
  service: 'iam',
  action: 'iam:ListSAMLProviders',
  mutating: false,
  input(params) {
    new Validator(params, 'iam').done();
    return {};
  },
  resource: () => '*',
  handler(_input, call) {
    // Not paginated (aws-protocol §6.5).
    return {
      SAMLProviderList: call.store.samlProviders.list(accountOf(call)).map((p) => ({ Arn: p.arn, ValidUntil: new Date(p.validUntil), CreateDate: new Date(p.createdAt) })),
    };
  },
});

// ------------------------------------------------------------------ UpdateSAMLProvider

interface UpdateInput {
  arn: string;
  metadataDocument?: string;
  mode?: Mode;
  addPrivateKey?: string;
  removePrivateKey?: string;
}

export const updateSAMLProvider = defineOperation({
  name: 'UpdateSAMLProvider',
  service: 'iam',
  action: 'iam:UpdateSAMLProvider',
  mutating: true,
  input(params): UpdateInput {
    const v = new Validator(params, 'iam');
    const metadataDocument = v.string('SAMLMetadataDocument', metadataRule);
    const arn = v.string('SAMLProviderArn', arnRule);
    const mode = readMode(v);
    const addPrivateKey = readPrivateKeyParam(v, params);
    const removePrivateKey = v.string('RemovePrivateKey', keyIdRule);
    v.done();
    return { arn, metadataDocument, mode, addPrivateKey, removePrivateKey };
  },
  resource: (input) => input.arn,
  handler(input, call) {
    const p = requireSamlProvider(call.store, accountOf(call), input.arn);
    if (input.metadataDocument === undefined && input.mode === undefined && input.addPrivateKey === undefined && input.removePrivateKey === undefined) {
      throw awsErrors.invalidInput('Unable to update identity provider. No updates are defined for metadata or encryption assertion.');
    }
    if (input.addPrivateKey !== undefined && input.removePrivateKey !== undefined) {
      throw awsErrors.invalidInput('Unable to add and remove private keys in the same request. Set a value for only one of the two parameters.');
    }
    let keys = p.privateKeys;
    if (input.addPrivateKey !== undefined) {
      if (keys.length >= PRIVATE_KEYS_PER_PROVIDER) throw awsErrors.limitExceeded(`Private key limit of ${PRIVATE_KEYS_PER_PROVIDER} is reached.`);
      keys = [...keys, privateKey(call, input.addPrivateKey)];
    }
    if (input.removePrivateKey !== undefined) {
      if (!keys.some((k) => k.keyId === input.removePrivateKey)) throw awsErrors.invalidInput('Failed to remove private key because the Key ID does not match a private key.');
      keys = keys.filter((k) => k.keyId !== input.removePrivateKey);
    }
    const mode = input.mode ?? p.assertionEncryptionMode;
    if (mode === 'Required' && keys.length === 0) {
      // ⚠ Removing the last key of a provider that requires encryption: AWS's "Failed to remove private key." is assumed.
      throw awsErrors.invalidInput(input.removePrivateKey !== undefined ? 'Failed to remove private key.' : 'Unable to set assertion encryption mode to Required because no private key is provided.');
    }
    call.store.samlProviders.update(p.arn, {
      ...(input.metadataDocument !== undefined ? metadataFields(input.metadataDocument, new Date(p.createdAt)) : {}),
      assertionEncryptionMode: mode,
      privateKeys: keys,
    });
    return { SAMLProviderArn: p.arn };
  },
});

// ------------------------------------------------------------------ DeleteSAMLProvider

export const deleteSAMLProvider = defineOperation({
  name: 'DeleteSAMLProvider',
  service: 'iam',
  action: 'iam:DeleteSAMLProvider',
  mutating: true,
  input: arnInput,
  resource: (input) => input.arn,
  handler(input, call) {
    requireSamlProvider(call.store, accountOf(call), input.arn);
    call.store.samlProviders.delete(input.arn);
    return undefined;
  },
});

export const samlProviderOperations = [createSAMLProvider, getSAMLProvider, listSAMLProviders, updateSAMLProvider, deleteSAMLProvider];
