// Owns IAM users' other credentials: SSH public keys (Upload/Get/List/Update/DeleteSSHPublicKey,
// really parsed: ssh-rsa wire format or PEM, MD5 fingerprint), X.509 signing certificates
// (Upload/List/Update/DeleteSigningCertificate, parsed with Node's X509Certificate) and
// service-specific credentials (Create/List/Reset/Update/DeleteServiceSpecificCredential).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_ssh-keys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_ssh-keys.html#ssh-keys-code-commit
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_bedrock.html
import { createHash, createPublicKey, scryptSync, X509Certificate, type KeyObject } from 'node:crypto';
import { awsError, awsErrors } from '../../aws/errors';
import type { CredentialStatus, UserCredential, UserCredentialKind } from '../../store/repos/user-credentials';
import type { User } from '../../store/repos/users';
import { defineOperation, type Call, type Params } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { pageArray, requireUser, subjectUser, userOrCallerResource, userResource } from './user-common';

const SSH_KEYS_PER_USER = 5;
const SIGNING_CERTIFICATES_PER_USER = 2;
const SERVICE_CREDENTIALS_PER_SERVICE = 2;

const userNameRule = { min: 1, max: 64, pattern: patterns.name } as const;
const bodyRule = { required: true, min: 1, max: 16384, pattern: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ } } as const;
const idRule = (min: number) => ({ required: true, min, max: 128, pattern: { text: '[\\w]+', re: /^\w+$/ } }) as const;

function readStatus(v: Validator): CredentialStatus | undefined {
  const s = v.string('Status', { required: true });
  if (s !== undefined && s !== 'Active' && s !== 'Inactive') {
    v.addClause("Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]");
  }
  return s as CredentialStatus | undefined;
}

function requireCredential(call: Call, kind: UserCredentialKind, id: string, user: User, notFound: string): UserCredential {
  const c = call.store.userCredentials.get(kind, id);
  if (!c || c.userId !== user.id) throw awsErrors.noSuchEntity(notFound);
  return c;
}

/** The subject user; the root user has none of these credentials in IAM (⚠ AWS's text for root callers). */
function credentialUser(call: Call, name: string | undefined): User {
  const u = subjectUser(call, name);
  if (!u) throw awsErrors.validation('Must specify userName when calling with non-User credentials');
  return u;
}

// ------------------------------------------------------------------ SSH public keys

/** An RSA key from `ssh-rsa AAAA… [comment]` or PEM; CodeCommit accepts RSA keys only. */
export function parseSshPublicKey(body: string): { key: KeyObject; blob: Buffer } {
  const text = body.trim();
  if (text.startsWith('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = createPublicKey(text);
    } catch {
      throw awsError('InvalidPublicKey', 'The public key is not valid.'); // ⚠ text not captured
    }
    if (key.asymmetricKeyType !== 'rsa') throw awsError('InvalidPublicKey', 'The public key must be an RSA key.'); // ⚠
    return { key, blob: sshBlob(key) };
  }
  const m = /^ssh-rsa\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/s.exec(text);
  if (!m) throw awsError('UnrecognizedPublicKeyEncoding', 'The public key encoding is not recognized: use ssh-rsa or PEM.'); // ⚠
  const blob = Buffer.from(m[1], 'base64');
  const fields = sshFields(blob);
  if (!fields || fields.length !== 3 || fields[0].toString('latin1') !== 'ssh-rsa') throw awsError('InvalidPublicKey', 'The public key is not valid.'); // ⚠
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'RSA', e: b64url(fields[1]), n: b64url(fields[2]) }, format: 'jwk' });
  } catch {
    throw awsError('InvalidPublicKey', 'The public key is not valid.'); // ⚠
  }
  return { key, blob };
}

/** The strings of an SSH wire-format blob (uint32 length + bytes each), or null when malformed. */
function sshFields(blob: Buffer): Buffer[] | null {
  const out: Buffer[] = [];
  let i = 0;
  while (i < blob.length) {
    if (i + 4 > blob.length) return null;
    const n = blob.readUInt32BE(i);
    i += 4;
    if (i + n > blob.length || out.length > 8) return null;
    out.push(blob.subarray(i, i + n));
    i += n;
  }
  return out;
}

function b64url(b: Buffer): string {
  // An SSH mpint may carry a leading zero byte; JWK integers do not.
  const trimmed = b.length > 1 && b[0] === 0 ? b.subarray(1) : b;
  return trimmed.toString('base64url');
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function mpint(b64u: string): Buffer {
  const b = Buffer.from(b64u, 'base64url');
  return sshString(b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function sshBlob(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(jwk.e!), mpint(jwk.n!)]);
}

/** "The MD5 message digest of the SSH public key": OpenSSH's MD5 fingerprint, colon-separated hex. */
export function sshFingerprint(blob: Buffer): string {
  return createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

function sshShape(user: User, c: UserCredential, encoding: 'SSH' | 'PEM'): Record<string, unknown> {
  const { key, blob } = parseSshPublicKey(c.body);
  return {
    UserName: user.name,
    SSHPublicKeyId: c.id,
    Fingerprint: c.fingerprint,
    SSHPublicKeyBody: encoding === 'SSH' ? `ssh-rsa ${blob.toString('base64')}` : String(key.export({ type: 'pkcs1', format: 'pem' })),
    Status: c.status,
    UploadDate: new Date(c.createdAt),
  };
}

const sshNotFound = (id: string) => `The Public Key with id ${id} cannot be found.`; // ⚠ text not captured

export const uploadSSHPublicKey = defineOperation({
  name: 'UploadSSHPublicKey',
  service: 'iam',
  action: 'iam:UploadSSHPublicKey',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', { ...userNameRule, required: true });
    const body = v.string('SSHPublicKeyBody', bodyRule);
    v.done();
    return { userName, body };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    const { key, blob } = parseSshPublicKey(input.body);
    // CodeCommit: "The key must be … at least 2048 bits" (⚠ text not captured).
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw awsError('InvalidPublicKey', 'The public key must be at least 2048 bits.');
    const fingerprint = sshFingerprint(blob);
    const existing = call.store.userCredentials.forUser('ssh-public-key', user.id);
    if (existing.some((c) => c.fingerprint === fingerprint)) throw awsError('DuplicateSSHPublicKey', 'The public key provided is already associated with the user.'); // ⚠
    if (existing.length >= SSH_KEYS_PER_USER) throw awsErrors.limitExceeded(`Cannot exceed quota for KeysPerUser: ${SSH_KEYS_PER_USER}`); // ⚠ quota name
    const c: UserCredential = {
      id: `APKA${call.ids.base32(16)}`,
      kind: 'ssh-public-key',
      userId: user.id,
      status: 'Active',
      body: input.body.trim(),
      fingerprint,
      serviceName: null,
      serviceUserName: null,
      createdAt: call.now.toISOString(),
      expiresAt: null,
    };
    call.store.userCredentials.create(c);
    return { SSHPublicKey: sshShape(user, c, 'SSH') };
  },
});

export const getSSHPublicKey = defineOperation({
  name: 'GetSSHPublicKey',
  service: 'iam',
  action: 'iam:GetSSHPublicKey',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', { ...userNameRule, required: true });
    const id = v.string('SSHPublicKeyId', idRule(20));
    const encoding = v.string('Encoding', { required: true });
    if (encoding !== undefined && encoding !== 'SSH' && encoding !== 'PEM') v.addClause("Value at 'encoding' failed to satisfy constraint: Member must satisfy enum value set: [SSH, PEM]");
    v.done();
    return { userName, id, encoding: encoding as 'SSH' | 'PEM' };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    return { SSHPublicKey: sshShape(user, requireCredential(call, 'ssh-public-key', input.id, user, sshNotFound(input.id)), input.encoding) };
  },
});

export const listSSHPublicKeys = defineOperation({
  name: 'ListSSHPublicKeys',
  service: 'iam',
  action: 'iam:ListSSHPublicKeys',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', userNameRule);
    const paging = readPaging(v);
    v.done();
    return { userName, ...paging };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    const page = pageArray(call.store.userCredentials.forUser('ssh-public-key', user.id), (c) => c.id, input);
    return { SSHPublicKeys: page.items.map((c) => ({ UserName: user.name, SSHPublicKeyId: c.id, Status: c.status, UploadDate: new Date(c.createdAt) })), ...pageFields(page) };
  },
});

export const updateSSHPublicKey = defineOperation({
  name: 'UpdateSSHPublicKey',
  service: 'iam',
  action: 'iam:UpdateSSHPublicKey',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', { ...userNameRule, required: true });
    const id = v.string('SSHPublicKeyId', idRule(20));
    const status = readStatus(v)!;
    v.done();
    return { userName, id, status };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    requireCredential(call, 'ssh-public-key', input.id, user, sshNotFound(input.id));
    call.store.userCredentials.setStatus('ssh-public-key', input.id, input.status);
    return undefined;
  },
});

export const deleteSSHPublicKey = defineOperation({
  name: 'DeleteSSHPublicKey',
  service: 'iam',
  action: 'iam:DeleteSSHPublicKey',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', { ...userNameRule, required: true });
    const id = v.string('SSHPublicKeyId', idRule(20));
    v.done();
    return { userName, id };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    requireCredential(call, 'ssh-public-key', input.id, user, sshNotFound(input.id));
    call.store.userCredentials.delete('ssh-public-key', input.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ signing certificates

const existingUserNameRule = { min: 1, max: 128, pattern: patterns.name } as const;
const certNotFound = (id: string) => `The Certificate with id ${id} cannot be found.`; // ⚠ text not captured

function certShape(user: User, c: UserCredential): Record<string, unknown> {
  return { UserName: user.name, CertificateId: c.id, CertificateBody: c.body, Status: c.status, UploadDate: new Date(c.createdAt) };
}

export const uploadSigningCertificate = defineOperation({
  name: 'UploadSigningCertificate',
  service: 'iam',
  action: 'iam:UploadSigningCertificate',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const body = v.string('CertificateBody', bodyRule);
    v.done();
    return { userName, body };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(input.body.trim());
    } catch {
      throw awsError('MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.'); // ⚠
    }
    if (Date.parse(cert.validTo) <= call.now.getTime() || Date.parse(cert.validFrom) > call.now.getTime()) {
      throw awsError('InvalidCertificate', 'The certificate is not valid at this time.'); // ⚠
    }
    const existing = call.store.userCredentials.forUser('signing-certificate', user.id);
    const fingerprint = cert.fingerprint256;
    if (existing.some((c) => c.fingerprint === fingerprint)) throw awsError('DuplicateCertificate', 'The certificate is already uploaded for this user.'); // ⚠
    if (existing.length >= SIGNING_CERTIFICATES_PER_USER) throw awsErrors.limitExceeded(`Cannot exceed quota for CertificatesPerUser: ${SIGNING_CERTIFICATES_PER_USER}`);
    const c: UserCredential = {
      id: call.ids.base32(32),
      kind: 'signing-certificate',
      userId: user.id,
      status: 'Active',
      body: input.body.trim(),
      fingerprint,
      serviceName: null,
      serviceUserName: null,
      createdAt: call.now.toISOString(),
      expiresAt: new Date(cert.validTo).toISOString(),
    };
    call.store.userCredentials.create(c);
    return { Certificate: certShape(user, c) };
  },
});

export const listSigningCertificates = defineOperation({
  name: 'ListSigningCertificates',
  service: 'iam',
  action: 'iam:ListSigningCertificates',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const paging = readPaging(v);
    v.done();
    return { userName, ...paging };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    const page = pageArray(call.store.userCredentials.forUser('signing-certificate', user.id), (c) => c.id, input);
    return { Certificates: page.items.map((c) => certShape(user, c)), ...pageFields(page) };
  },
});

export const updateSigningCertificate = defineOperation({
  name: 'UpdateSigningCertificate',
  service: 'iam',
  action: 'iam:UpdateSigningCertificate',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const id = v.string('CertificateId', idRule(24));
    const status = readStatus(v)!;
    v.done();
    return { userName, id, status };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    requireCredential(call, 'signing-certificate', input.id, user, certNotFound(input.id));
    call.store.userCredentials.setStatus('signing-certificate', input.id, input.status);
    return undefined;
  },
});

export const deleteSigningCertificate = defineOperation({
  name: 'DeleteSigningCertificate',
  service: 'iam',
  action: 'iam:DeleteSigningCertificate',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const id = v.string('CertificateId', idRule(24));
    v.done();
    return { userName, id };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    requireCredential(call, 'signing-certificate', input.id, user, certNotFound(input.id));
    call.store.userCredentials.delete('signing-certificate', input.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ service-specific credentials

/** Services that take service-specific credentials (API_CreateServiceSpecificCredential.html). */
const CREDENTIAL_SERVICES = new Set(['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com']);
const sscNotFound = (id: string) => `No such credential ${id} exists`; // ⚠ text not captured

function hashSecret(call: Call, secret: string): string {
  const salt = call.ids.bytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(secret, salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64')}`;
}

/** A 40-character password of letters, digits and `+/=`, as AWS's look. */
function newServicePassword(call: Call): string {
  return call.ids.bytes(30).toString('base64');
}

function sscMetadata(user: User, c: UserCredential): Record<string, unknown> {
  const bedrock = c.serviceName === 'bedrock.amazonaws.com';
  return {
    UserName: user.name,
    Status: c.status,
    ServiceUserName: bedrock ? undefined : c.serviceUserName,
    ServiceCredentialAlias: bedrock ? c.serviceUserName : undefined,
    CreateDate: new Date(c.createdAt),
    ExpirationDate: c.expiresAt ? new Date(c.expiresAt) : undefined,
    ServiceSpecificCredentialId: c.id,
    ServiceName: c.serviceName,
  };
}

function withSecret(user: User, c: UserCredential, secret: string): Record<string, unknown> {
  const bedrock = c.serviceName === 'bedrock.amazonaws.com';
  const m = sscMetadata(user, c);
  return { ...m, ...(bedrock ? { ServiceCredentialSecret: secret } : { ServicePassword: secret }) };
}

export const createServiceSpecificCredential = defineOperation({
  name: 'CreateServiceSpecificCredential',
  service: 'iam',
  action: 'iam:CreateServiceSpecificCredential',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', { ...userNameRule, required: true });
    const serviceName = v.string('ServiceName', { required: true });
    const credentialAgeDays = v.int('CredentialAgeDays', { min: 1, max: 36600 });
    v.done();
    return { userName, serviceName, credentialAgeDays };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    if (!CREDENTIAL_SERVICES.has(input.serviceName)) throw awsError('NotSupportedService', `The specified service ${input.serviceName} is not supported.`); // ⚠
    const existing = call.store.userCredentials.forUser('service-specific', user.id).filter((c) => c.serviceName === input.serviceName);
    if (existing.length >= SERVICE_CREDENTIALS_PER_SERVICE) {
      throw awsErrors.limitExceeded(`Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${SERVICE_CREDENTIALS_PER_SERVICE}`); // ⚠ quota name
    }
    const secret = newServicePassword(call);
    const bedrock = input.serviceName === 'bedrock.amazonaws.com';
    // CodeCommit/Keyspaces user names are `<user>-at-<account>` (e.g. "Mary-at-123456789012").
    const serviceUserName = bedrock ? `BedrockAPIKey-${call.ids.base32(4).toLowerCase()}-at-${user.accountId}` : `${user.name}-at-${user.accountId}`;
    const c: UserCredential = {
      id: `ACCA${call.ids.base32(17)}`,
      kind: 'service-specific',
      userId: user.id,
      status: 'Active',
      body: hashSecret(call, secret),
      fingerprint: null,
      serviceName: input.serviceName,
      serviceUserName,
      createdAt: call.now.toISOString(),
      expiresAt: input.credentialAgeDays ? new Date(call.now.getTime() + input.credentialAgeDays * 86_400_000).toISOString() : null,
    };
    call.store.userCredentials.create(c);
    return { ServiceSpecificCredential: withSecret(user, c, secret) };
  },
});

export const listServiceSpecificCredentials = defineOperation({
  name: 'ListServiceSpecificCredentials',
  service: 'iam',
  action: 'iam:ListServiceSpecificCredentials',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', userNameRule);
    const serviceName = v.string('ServiceName');
    const allUsers = v.bool('AllUsers') ?? false;
    const paging = readPaging(v);
    v.done();
    return { userName, serviceName, allUsers, ...paging };
  },
  resource: (input, call) => (input.allUsers ? userResource(call, '*') : userOrCallerResource(call, input.userName)),
  handler(input, call) {
    if (input.serviceName !== undefined && !CREDENTIAL_SERVICES.has(input.serviceName)) throw awsError('NotSupportedService', `The specified service ${input.serviceName} is not supported.`);
    const account = accountOf(call);
    const users = new Map<string, User>();
    let creds: UserCredential[];
    if (input.allUsers) creds = call.store.userCredentials.forAccount('service-specific', account);
    else {
      const user = credentialUser(call, input.userName);
      users.set(user.id, user);
      creds = call.store.userCredentials.forUser('service-specific', user.id);
    }
    if (input.serviceName) creds = creds.filter((c) => c.serviceName === input.serviceName);
    const page = pageArray(creds, (c) => c.id, input);
    const userOf = (id: string) => users.get(id) ?? call.store.users.getById(id)!;
    return { ServiceSpecificCredentials: page.items.map((c) => sscMetadata(userOf(c.userId), c)), ...pageFields(page) };
  },
});

function sscIdInput(params: Params, withStatus: boolean) {
  const v = new Validator(params, 'iam');
  const userName = v.string('UserName', userNameRule);
  const id = v.string('ServiceSpecificCredentialId', idRule(20));
  const status = withStatus ? readStatus(v) : undefined;
  v.done();
  return { userName, id, status };
}

export const resetServiceSpecificCredential = defineOperation({
  name: 'ResetServiceSpecificCredential',
  service: 'iam',
  action: 'iam:ResetServiceSpecificCredential',
  mutating: true,
  input: (params: Params) => sscIdInput(params, false),
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    const c = requireCredential(call, 'service-specific', input.id, user, sscNotFound(input.id));
    const secret = newServicePassword(call);
    call.store.userCredentials.setBody('service-specific', c.id, hashSecret(call, secret));
    return { ServiceSpecificCredential: withSecret(user, c, secret) };
  },
});

export const updateServiceSpecificCredential = defineOperation({
  name: 'UpdateServiceSpecificCredential',
  service: 'iam',
  action: 'iam:UpdateServiceSpecificCredential',
  mutating: true,
  input: (params: Params) => sscIdInput(params, true),
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    requireCredential(call, 'service-specific', input.id, user, sscNotFound(input.id));
    call.store.userCredentials.setStatus('service-specific', input.id, input.status!);
    return undefined;
  },
});

export const deleteServiceSpecificCredential = defineOperation({
  name: 'DeleteServiceSpecificCredential',
  service: 'iam',
  action: 'iam:DeleteServiceSpecificCredential',
  mutating: true,
  input: (params: Params) => sscIdInput(params, false),
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = credentialUser(call, input.userName);
    requireCredential(call, 'service-specific', input.id, user, sscNotFound(input.id));
    call.store.userCredentials.delete('service-specific', input.id);
    return undefined;
  },
});

export const userCredentialOperations = [
  uploadSSHPublicKey,
  getSSHPublicKey,
  listSSHPublicKeys,
  updateSSHPublicKey,
  deleteSSHPublicKey,
  uploadSigningCertificate,
  listSigningCertificates,
  updateSigningCertificate,
  deleteSigningCertificate,
  createServiceSpecificCredential,
  listServiceSpecificCredentials,
  resetServiceSpecificCredential,
  updateServiceSpecificCredential,
  deleteServiceSpecificCredential,
];
