// Owns IAM server certificates: Upload/Get/List/Update/DeleteServerCertificate (tags are in tags.ts).
// The certificate, chain and private key are really parsed (Node's X509Certificate / createPrivateKey);
// the key must match the certificate (KeyPairMismatch) and is never stored or returned.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { arns } from '../../aws/arn';
import { awsError, awsErrors } from '../../aws/errors';
import type { ServerCertificate } from '../../store/repos/server-certificates';
import { defineOperation, type Call, type Params } from '../types';
import { patterns, readTags, Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { tagContext } from './roles';
import { checkTagKeys } from './tags';
import { pageArray } from './user-common';

export const SERVER_CERTIFICATES_PER_ACCOUNT = 20;

const nameRule = { required: true, min: 1, max: 128, pattern: patterns.name } as const;
const pemRule = (max: number) => ({ min: 1, max, pattern: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ } }) as const;
const pathRule = { min: 1, max: 512, pattern: patterns.path } as const;

const notFound = (name: string) => awsErrors.noSuchEntity(`The Server Certificate with name ${name} cannot be found.`);

export function serverCertificateResource(call: Call, name: string): string {
  const c = call.store.serverCertificates.getByName(accountOf(call), name);
  return c ? c.arn : arns.serverCertificate(accountOf(call), '/', name);
}

function requireCert(call: Call, name: string): ServerCertificate {
  const c = call.store.serverCertificates.getByName(accountOf(call), name);
  if (!c) throw notFound(name);
  return c;
}

function metadata(c: ServerCertificate): Record<string, unknown> {
  return { Path: c.path, ServerCertificateName: c.name, ServerCertificateId: c.id, Arn: c.arn, UploadDate: new Date(c.uploadedAt), Expiration: new Date(c.expiration) };
}

function parseCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem.trim());
  } catch {
    throw awsError('MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.'); // ⚠ text not captured
  }
}

/** The PEM blocks of a chain, each a certificate. */
function parseChain(chain: string): void {
  const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) throw awsError('MalformedCertificate', 'Unable to parse certificate chain. Please ensure the chain is in PEM format.'); // ⚠
  for (const b of blocks) parseCertificate(b);
}

// ------------------------------------------------------------------ UploadServerCertificate

export const uploadServerCertificate = defineOperation({
  name: 'UploadServerCertificate',
  service: 'iam',
  action: 'iam:UploadServerCertificate',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const path = v.string('Path', pathRule) ?? '/';
    const name = v.string('ServerCertificateName', nameRule);
    const body = v.string('CertificateBody', { ...pemRule(16384), required: true });
    const privateKey = v.string('PrivateKey', { ...pemRule(16384), required: true });
    const chain = v.string('CertificateChain', pemRule(2097152));
    const tags = readTags(v);
    v.done();
    return { path, name, body, privateKey, chain, tags };
  },
  resource: (input, call) => arns.serverCertificate(accountOf(call), input.path, input.name),
  conditionKeys: (input) => tagContext(input.tags),
  extraChecks: (input, call) => (input.tags?.length ? [{ action: 'iam:TagServerCertificate', resource: arns.serverCertificate(accountOf(call), input.path, input.name) }] : []),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const cert = parseCertificate(input.body);
    let key: KeyObject;
    try {
      key = createPrivateKey(input.privateKey.trim());
    } catch {
      throw awsError('MalformedCertificate', 'Unable to parse the private key. Please ensure it is an unencrypted PEM private key.'); // ⚠
    }
    if (!cert.checkPrivateKey(key)) throw awsError('KeyPairMismatch', 'The private key does not match the public key in the certificate.'); // ⚠
    if (input.chain !== undefined) parseChain(input.chain);
    if (input.tags) checkTagKeys(input.tags, false);
    if (store.serverCertificates.getByName(account, input.name)) throw awsErrors.entityAlreadyExists(`The Server Certificate with name ${input.name} already exists.`);
    if (store.serverCertificates.count(account) >= SERVER_CERTIFICATES_PER_ACCOUNT) {
      throw awsErrors.limitExceeded(`Cannot exceed quota for ServerCertificatesPerAccount: ${SERVER_CERTIFICATES_PER_ACCOUNT}`);
    }
    const c: ServerCertificate = {
      id: `ASCA${call.ids.base32(17)}`,
      accountId: account,
      name: input.name,
      path: input.path,
      arn: arns.serverCertificate(account, input.path, input.name),
      body: input.body.trim(),
      chain: input.chain?.trim() ?? null,
      expiration: new Date(cert.validTo).toISOString(),
      uploadedAt: call.now.toISOString(),
    };
    store.serverCertificates.create(c);
    if (input.tags?.length) store.tags.put('server-certificate', c.arn, input.tags);
    return { ServerCertificateMetadata: metadata(c), Tags: input.tags?.length ? input.tags : undefined };
  },
});

// ------------------------------------------------------------------ Get / List

export const getServerCertificate = defineOperation({
  name: 'GetServerCertificate',
  service: 'iam',
  action: 'iam:GetServerCertificate',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const name = v.string('ServerCertificateName', nameRule);
    v.done();
    return { name };
  },
  resource: (input, call) => serverCertificateResource(call, input.name),
  handler(input, call) {
    const c = requireCert(call, input.name);
    const tags = call.store.tags.list('server-certificate', c.arn);
    return { ServerCertificate: { ServerCertificateMetadata: metadata(c), CertificateBody: c.body, CertificateChain: c.chain ?? undefined, Tags: tags.length ? tags : undefined } };
  },
});

export const listServerCertificates = defineOperation({
  name: 'ListServerCertificates',
  service: 'iam',
  action: 'iam:ListServerCertificates',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const pathPrefix = v.string('PathPrefix', { min: 1, max: 512, pattern: patterns.pathPrefix });
    const paging = readPaging(v);
    v.done();
    return { pathPrefix, ...paging };
  },
  resource: () => '*',
  handler(input, call) {
    const page = pageArray(call.store.serverCertificates.list(accountOf(call), input.pathPrefix ?? '/'), (c) => c.name.toLowerCase(), input);
    return { ServerCertificateMetadataList: page.items.map(metadata), ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ Update / Delete

export const updateServerCertificate = defineOperation({
  name: 'UpdateServerCertificate',
  service: 'iam',
  action: 'iam:UpdateServerCertificate',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const name = v.string('ServerCertificateName', nameRule);
    const newPath = v.string('NewPath', pathRule);
    const newName = v.string('NewServerCertificateName', { min: 1, max: 128, pattern: patterns.name });
    v.done();
    return { name, newPath, newName };
  },
  resource: (input, call) => serverCertificateResource(call, input.name),
  // Renaming is authorized on both the old and the new name (id_credentials_server-certs.html#update-server-certificate).
  extraChecks: (input, call) => {
    const c = call.store.serverCertificates.getByName(accountOf(call), input.name);
    if (!c || (input.newName === undefined && input.newPath === undefined)) return [];
    return [{ action: 'iam:UpdateServerCertificate', resource: arns.serverCertificate(accountOf(call), input.newPath ?? c.path, input.newName ?? c.name) }];
  },
  handler(input, call) {
    const c = requireCert(call, input.name);
    const name = input.newName ?? c.name;
    const path = input.newPath ?? c.path;
    const clash = input.newName !== undefined ? call.store.serverCertificates.getByName(c.accountId, name) : null;
    if (clash && clash.id !== c.id) throw awsErrors.entityAlreadyExists(`The Server Certificate with name ${name} already exists.`);
    const arn = arns.serverCertificate(c.accountId, path, name);
    const tags = call.store.tags.list('server-certificate', c.arn);
    call.store.tags.put('server-certificate', c.arn, []);
    call.store.serverCertificates.rename(c.id, name, path, arn);
    if (tags.length) call.store.tags.put('server-certificate', arn, tags);
    return undefined;
  },
});

export const deleteServerCertificate = defineOperation({
  name: 'DeleteServerCertificate',
  service: 'iam',
  action: 'iam:DeleteServerCertificate',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const name = v.string('ServerCertificateName', nameRule);
    v.done();
    return { name };
  },
  resource: (input, call) => serverCertificateResource(call, input.name),
  handler(input, call) {
    const c = requireCert(call, input.name);
    call.store.tags.put('server-certificate', c.arn, []);
    call.store.serverCertificates.delete(c.id);
    return undefined;
  },
});

export const serverCertificateOperations = [uploadServerCertificate, getServerCertificate, listServerCertificates, updateServerCertificate, deleteServerCertificate];
