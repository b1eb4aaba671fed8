// IAM users' SSH public keys, signing certificates, service-specific credentials and the credential
// report, through the whole pipeline. Fingerprints are checked against ssh-keygen's own
// (`ssh-keygen -l -E md5 -f test/fixtures/iam/ssh-rsa.pub`: MD5:11:d5:23:65:00:cc:e3:bc:fd:16:e7:5a:34:f0:83:39).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pipeline, type Pipeline } from '../helpers/pipeline';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/iam/${name}`, import.meta.url), 'utf8');
const ADMIN = { accessKeyId: 'AKIAQAAAAAAAUCREDADM', secretAccessKey: 'ucred-admin-secret-0000000000000000000000' };
const SEED = {
  users: [
    { name: 'admin', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    { name: 'dev' },
  ],
};
const iam = (p: Pipeline, params: Record<string, string>) => p.signed({ Version: '2010-05-08', ...params }, ADMIN, 'iam');

describe('SSH public keys', () => {
  it('upload (ssh-rsa), fingerprint as ssh-keygen computes it, get as SSH and PEM, list, update, delete', async () => {
    const p = await pipeline(SEED);
    const up = await iam(p, { Action: 'UploadSSHPublicKey', UserName: 'dev', SSHPublicKeyBody: fixture('ssh-rsa.pub') });
    expect(up.status).toBe(200);
    expect(up.tag('Fingerprint')).toBe('11:d5:23:65:00:cc:e3:bc:fd:16:e7:5a:34:f0:83:39');
    const id = up.tag('SSHPublicKeyId')!;
    expect(id).toMatch(/^APKA[A-Z2-7]{16}$/);
    const ssh = await iam(p, { Action: 'GetSSHPublicKey', UserName: 'dev', SSHPublicKeyId: id, Encoding: 'SSH' });
    expect(ssh.tag('SSHPublicKeyBody')).toBe(fixture('ssh-rsa.pub').split(' ').slice(0, 2).join(' '));
    const pem = await iam(p, { Action: 'GetSSHPublicKey', UserName: 'dev', SSHPublicKeyId: id, Encoding: 'PEM' });
    expect(pem.tag('SSHPublicKeyBody')).toContain('-----BEGIN RSA PUBLIC KEY-----');
    expect((await iam(p, { Action: 'ListSSHPublicKeys', UserName: 'dev' })).tag('SSHPublicKeyId')).toBe(id);
    await iam(p, { Action: 'UpdateSSHPublicKey', UserName: 'dev', SSHPublicKeyId: id, Status: 'Inactive' });
    expect((await iam(p, { Action: 'ListSSHPublicKeys', UserName: 'dev' })).tag('Status')).toBe('Inactive');
    const conflict = await iam(p, { Action: 'DeleteUser', UserName: 'dev' });
    expect([conflict.status, conflict.error.code]).toEqual([409, 'DeleteConflict']);
    await iam(p, { Action: 'DeleteSSHPublicKey', UserName: 'dev', SSHPublicKeyId: id });
    expect((await iam(p, { Action: 'GetSSHPublicKey', UserName: 'dev', SSHPublicKeyId: id, Encoding: 'SSH' })).error.code).toBe('NoSuchEntity');
  });

  it('the same key as PEM has the same fingerprint and is a duplicate', async () => {
    const p = await pipeline(SEED);
    await iam(p, { Action: 'UploadSSHPublicKey', UserName: 'dev', SSHPublicKeyBody: fixture('ssh-rsa.pub') });
    const dup = await iam(p, { Action: 'UploadSSHPublicKey', UserName: 'dev', SSHPublicKeyBody: fixture('ssh-rsa.pem') });
    expect([dup.status, dup.error.code]).toEqual([400, 'DuplicateSSHPublicKey']);
  });

  it.each([
    ['ssh-ed25519.pub', 'UnrecognizedPublicKeyEncoding'],
    ['ssh-rsa-1024.pub', 'InvalidPublicKey'],
  ])('%s → %s', async (file, code) => {
    const p = await pipeline(SEED);
    const r = await iam(p, { Action: 'UploadSSHPublicKey', UserName: 'dev', SSHPublicKeyBody: fixture(file) });
    expect([r.status, r.error.code]).toEqual([400, code]);
  });

  it('a corrupted key body is refused, never stored', async () => {
    const p = await pipeline(SEED);
    const bad = fixture('ssh-rsa.pub').replace(/AAAA(....)/, 'AAAB$1');
    const r = await iam(p, { Action: 'UploadSSHPublicKey', UserName: 'dev', SSHPublicKeyBody: bad });
    expect(r.status).toBe(400);
    expect((await iam(p, { Action: 'ListSSHPublicKeys', UserName: 'dev' })).body).toContain('<SSHPublicKeys/>');
  });
});

describe('signing certificates', () => {
  // The fixture certificates are valid from 2020-01-01 to 2120-01-01.
  it('upload, list, update, duplicate, quota of 2, delete; malformed refused', async () => {
    const p = await pipeline(SEED);
    const up = await iam(p, { Action: 'UploadSigningCertificate', UserName: 'dev', CertificateBody: fixture('signing-cert.pem') });
    expect([up.status, up.tag('Status')]).toEqual([200, 'Active']);
    const id = up.tag('CertificateId')!;
    expect(id.length).toBeGreaterThanOrEqual(24);
    expect((await iam(p, { Action: 'UploadSigningCertificate', UserName: 'dev', CertificateBody: fixture('signing-cert.pem') })).error.code).toBe('DuplicateCertificate');
    expect((await iam(p, { Action: 'UploadSigningCertificate', UserName: 'dev', CertificateBody: fixture('signing-cert-2.pem') })).status).toBe(200);
    expect((await iam(p, { Action: 'ListSigningCertificates', UserName: 'dev' })).body.match(/<CertificateId>/g)).toHaveLength(2);
    await iam(p, { Action: 'UpdateSigningCertificate', UserName: 'dev', CertificateId: id, Status: 'Inactive' });
    const malformed = await iam(p, { Action: 'UploadSigningCertificate', UserName: 'admin', CertificateBody: '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----' });
    expect([malformed.status, malformed.error.code]).toEqual([400, 'MalformedCertificate']);
    const early = await pipeline(SEED, '2019-12-31T00:00:00Z');
    const notYet = await iam(early, { Action: 'UploadSigningCertificate', UserName: 'dev', CertificateBody: fixture('signing-cert.pem') });
    expect([notYet.status, notYet.error.code]).toEqual([400, 'InvalidCertificate']);
    await iam(p, { Action: 'DeleteSigningCertificate', UserName: 'dev', CertificateId: id });
    expect((await iam(p, { Action: 'DeleteSigningCertificate', UserName: 'dev', CertificateId: id })).error.code).toBe('NoSuchEntity');
  });
});

describe('service-specific credentials', () => {
  it('CodeCommit: user-at-account name, a password only on create/reset, two per service, status, delete', async () => {
    const p = await pipeline(SEED);
    const c = await iam(p, { Action: 'CreateServiceSpecificCredential', UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' });
    expect([c.status, c.tag('ServiceUserName')]).toEqual([200, 'dev-at-000000000000']);
    const password = c.tag('ServicePassword')!;
    expect(password.length).toBe(40);
    const id = c.tag('ServiceSpecificCredentialId')!;
    const listed = await iam(p, { Action: 'ListServiceSpecificCredentials', UserName: 'dev' });
    expect(listed.body).not.toContain(password);
    expect(listed.tag('ServiceSpecificCredentialId')).toBe(id);
    const reset = await iam(p, { Action: 'ResetServiceSpecificCredential', UserName: 'dev', ServiceSpecificCredentialId: id });
    expect(reset.tag('ServicePassword')).not.toBe(password);
    await iam(p, { Action: 'CreateServiceSpecificCredential', UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' });
    const third = await iam(p, { Action: 'CreateServiceSpecificCredential', UserName: 'dev', ServiceName: 'codecommit.amazonaws.com' });
    expect([third.status, third.error.code]).toEqual([409, 'LimitExceeded']);
    const unsupported = await iam(p, { Action: 'CreateServiceSpecificCredential', UserName: 'dev', ServiceName: 's3.amazonaws.com' });
    expect([unsupported.status, unsupported.error.code]).toEqual([404, 'NotSupportedService']);
    await iam(p, { Action: 'UpdateServiceSpecificCredential', UserName: 'dev', ServiceSpecificCredentialId: id, Status: 'Inactive' });
    expect((await iam(p, { Action: 'ListServiceSpecificCredentials', AllUsers: 'true' })).body).toContain('<Status>Inactive</Status>');
    await iam(p, { Action: 'DeleteServiceSpecificCredential', UserName: 'dev', ServiceSpecificCredentialId: id });
    expect((await iam(p, { Action: 'DeleteServiceSpecificCredential', UserName: 'dev', ServiceSpecificCredentialId: id })).error.code).toBe('NoSuchEntity');
  });
});

describe('credential report', () => {
  it('not present → generate (STARTED, then COMPLETE) → the CSV of root and every user → expires after four hours', async () => {
    const p = await pipeline(SEED);
    const none = await iam(p, { Action: 'GetCredentialReport' });
    expect([none.status, none.error.code]).toEqual([410, 'ReportNotPresent']);
    await iam(p, { Action: 'CreateLoginProfile', UserName: 'dev', Password: 'Dev-pass-123' });
    expect((await iam(p, { Action: 'GenerateCredentialReport' })).tag('State')).toBe('STARTED');
    expect((await iam(p, { Action: 'GenerateCredentialReport' })).tag('State')).toBe('COMPLETE');
    const got = await iam(p, { Action: 'GetCredentialReport' });
    expect(got.tag('ReportFormat')).toBe('text/csv');
    const csv = Buffer.from(got.tag('Content')!, 'base64').toString('utf8').split('\n').map((l) => l.split(','));
    expect(csv[0].slice(0, 4)).toEqual(['user', 'arn', 'user_creation_time', 'password_enabled']);
    expect(csv[0]).toHaveLength(22);
    expect(csv[1].slice(0, 2)).toEqual(['<root_account>', 'arn:aws:iam::000000000000:root']);
    const dev = csv.find((r) => r[0] === 'dev')!;
    const admin = csv.find((r) => r[0] === 'admin')!;
    expect([dev[1], dev[3], dev[8]]).toEqual(['arn:aws:iam::000000000000:user/dev', 'true', 'false']);
    expect([admin[3], admin[8]]).toEqual(['false', 'true']);
    expect(admin[9]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    p.clock.advance(4 * 3600 * 1000);
    expect((await iam(p, { Action: 'GetCredentialReport' })).error.code).toBe('ReportExpired');
  });
});
