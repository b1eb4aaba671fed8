// IAM server certificates through the pipeline: the certificate and key really parsed and matched,
// the key never returned, rename with tags kept, the name-based errors in AWS's words.
// Fixtures: test/fixtures/iam/server-cert.{pem,key} (openssl, valid 2020–2120), other.key (another key).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pipeline, type Pipeline } from '../helpers/pipeline';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/iam/${name}`, import.meta.url), 'utf8');
const ADMIN = { accessKeyId: 'AKIAQAAAAAAASRVCERT1', secretAccessKey: 'srvcert-admin-secret-00000000000000000000' };
const SEED = { users: [{ name: 'admin', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }] };
const iam = (p: Pipeline, params: Record<string, string>) => p.signed({ Version: '2010-05-08', ...params }, ADMIN, 'iam');

describe('server certificates', () => {
  it('upload with tags → get (no private key) → list → rename keeps tags → delete', async () => {
    const p = await pipeline(SEED);
    const up = await iam(p, { Action: 'UploadServerCertificate', ServerCertificateName: 'www', Path: '/cloudfront/', CertificateBody: fixture('server-cert.pem'), PrivateKey: fixture('server-cert.key'), 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'dev' });
    expect([up.status, up.tag('Arn'), up.tag('Expiration')]).toEqual([200, 'arn:aws:iam::000000000000:server-certificate/cloudfront/www', '2120-01-01T00:00:00Z']);
    expect(up.tag('ServerCertificateId')).toMatch(/^ASCA[A-Z2-7]{17}$/);
    const got = await iam(p, { Action: 'GetServerCertificate', ServerCertificateName: 'www' });
    expect(got.body).toContain('BEGIN CERTIFICATE');
    expect(got.body).not.toContain('PRIVATE KEY');
    expect(got.tag('Key')).toBe('env');
    expect((await iam(p, { Action: 'ListServerCertificates', PathPrefix: '/cloudfront/' })).tag('ServerCertificateName')).toBe('www');
    expect((await iam(p, { Action: 'UpdateServerCertificate', ServerCertificateName: 'www', NewServerCertificateName: 'www2', NewPath: '/' })).status).toBe(200);
    expect((await iam(p, { Action: 'ListServerCertificateTags', ServerCertificateName: 'www2' })).tag('Value')).toBe('dev');
    const old = await iam(p, { Action: 'GetServerCertificate', ServerCertificateName: 'www' });
    expect([old.status, old.error.message]).toEqual([404, 'The Server Certificate with name www cannot be found.']);
    expect((await iam(p, { Action: 'DeleteServerCertificate', ServerCertificateName: 'www2' })).status).toBe(200);
    expect((await iam(p, { Action: 'ListServerCertificates' })).body).toContain('<ServerCertificateMetadataList/>');
  });

  it.each([
    ['another key', { PrivateKey: 'other.key' }, 'KeyPairMismatch'],
    ['not a certificate', { CertificateBody: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, 'MalformedCertificate'],
    ['not a key', { PrivateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }, 'MalformedCertificate'],
  ])('%s → %s, nothing stored', async (_n, change, code) => {
    const p = await pipeline(SEED);
    const params: Record<string, string> = { Action: 'UploadServerCertificate', ServerCertificateName: 'x', CertificateBody: fixture('server-cert.pem'), PrivateKey: fixture('server-cert.key') };
    for (const [k, v] of Object.entries(change)) params[k] = v.endsWith('.key') ? fixture(v) : v;
    const r = await iam(p, params);
    expect([r.status, r.error.code]).toEqual([400, code]);
    expect(p.store.serverCertificates.count('000000000000')).toBe(0);
  });

  it('a name taken is EntityAlreadyExists', async () => {
    const p = await pipeline(SEED);
    const params = { Action: 'UploadServerCertificate', ServerCertificateName: 'dup', CertificateBody: fixture('server-cert.pem'), PrivateKey: fixture('server-cert.key') };
    await iam(p, params);
    const again = await iam(p, params);
    expect([again.status, again.error.code, again.error.message]).toEqual([409, 'EntityAlreadyExists', 'The Server Certificate with name dup already exists.']);
  });
});
