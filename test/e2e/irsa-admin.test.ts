// The mock EKS issuer's admin surface over HTTP: creating clusters (EKS-shaped issuer, kube kid, a matching
// IAM OIDC provider), the public discovery document and JWKS, the key pair for kind (trust mode A), and
// pinning a kind cluster's own JWKS on an IAM OIDC provider (trust mode B) so its tokens are accepted.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { jwks, keyIdFromPublicKey, MSG_NO_VERIFICATION_KEY } from '../../src/oidc/index';
import { admin, mintToken } from '../helpers/admin-client';
import { send } from '../helpers/raw-client';
import { fixtureKey, keyPem } from '../oidc/helpers';

const KIND_ISSUER = 'https://kubernetes.default.svc.cluster.local';
const KIND_PROVIDER = 'arn:aws:iam::000000000000:oidc-provider/kubernetes.default.svc.cluster.local';

let iam: IamLocal;
beforeAll(async () => {
  iam = await startIamLocal({
    seed: {
      // A stock kind cluster's issuer, registered without keys: tokens fail until its JWKS is uploaded.
      oidcProviders: [{ url: KIND_ISSUER, clientIds: ['sts.amazonaws.com'] }],
      roles: [
        {
          name: 'kind-app',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: KIND_PROVIDER },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: { StringEquals: { 'kubernetes.default.svc.cluster.local:sub': 'system:serviceaccount:apps:web' } },
              },
            ],
          },
        },
      ],
    },
  });
});
afterAll(async () => {
  await iam?.stop();
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const sts = () => new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });

describe('clusters', () => {
  it('POST creates a cluster with an EKS issuer, a kube kid and the IAM OIDC provider; GET lists it', async () => {
    const created = await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'dev', region: 'eu-west-1' });
    expect(created.status, created.text).toBe(201);
    const c = created.json;
    expect(c.issuer).toMatch(/^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    expect(c.oidcProviderArn).toBe(`arn:aws:iam::000000000000:oidc-provider/${c.issuer.slice(8)}`);
    expect(c.discoveryPath).toBe(`/_iamlocal/oidc/${c.id}/.well-known/openid-configuration`);

    const pub = await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/dev/sa.pub');
    expect(c.kid).toBe(keyIdFromPublicKey(pub.text));
    const key = await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/dev/sa.key');
    expect(key.text).toContain('-----BEGIN RSA PRIVATE KEY-----');
    expect(createPublicKey(createPrivateKey(key.text)).export({ type: 'spki', format: 'pem' })).toBe(pub.text);

    // Public, like EKS's issuer: no credentials needed.
    const disco = await send(iam.endpoint, { method: 'GET', path: c.discoveryPath });
    expect(disco.status).toBe(200);
    expect(JSON.parse(disco.body)).toMatchObject({ issuer: c.issuer, jwks_uri: `${c.issuer}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    const keys = JSON.parse((await send(iam.endpoint, { method: 'GET', path: c.jwksPath })).body);
    expect(keys.keys).toEqual([expect.objectContaining({ use: 'sig', kty: 'RSA', kid: c.kid, alg: 'RS256' })]);
    expect(keys.keys[0].d).toBeUndefined();

    const list = await admin(iam.endpoint, 'GET', '/_iamlocal/clusters');
    expect(list.json.clusters.map((x: { name: string }) => x.name)).toContain('dev');
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'dev', region: 'eu-west-1' })).json.error.code).toBe('EntityAlreadyExists');
  });

  it('a cluster can be created from an existing key (a kind cluster’s sa.key) and its tokens assume roles', async () => {
    const created = await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'imported', privateKeyPem: keyPem('cluster-ec', 'key'), oidcProvider: { clientIds: ['sts.amazonaws.com', 'vault'] } });
    expect(created.status, created.text).toBe(201);
    expect(created.json.kid).toBe(fixtureKey('cluster-ec').kid);
    const token = await mintToken(iam.endpoint, 'imported', { namespace: 'apps', serviceAccount: 'web', audience: 'vault' });
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'ES256', kid: fixtureKey('cluster-ec').kid });
  });

  it('bad requests get clear errors; non-root callers are refused', async () => {
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'bad name' })).json.error.code).toBe('ValidationError');
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'x', id: 'lowercase' })).json.error.code).toBe('ValidationError');
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clusters/nope/tokens', { namespace: 'a', serviceAccount: 'b' })).status).toBe(404);
    const short = await admin(iam.endpoint, 'POST', '/_iamlocal/clusters/dev/tokens', { namespace: 'a', serviceAccount: 'b', lifetimeSeconds: 60 });
    expect(short.json.error).toEqual({ code: 'ValidationError', message: 'expirationSeconds: may not specify a duration less than 10 minutes' });
    expect((await admin(iam.endpoint, 'GET', '/_iamlocal/clusters', undefined, { accessKeyId: 'test', secretAccessKey: 'wrong' })).status).toBe(403);
  });
});

describe('trust mode B: a kind cluster’s own JWKS pinned on the IAM OIDC provider', () => {
  // A token as a stock kind cluster's kube-apiserver would sign it (key: the cluster's sa.key).
  function kindToken(): string {
    const now = Math.floor(iam.clock.now().getTime() / 1000);
    const key = fixtureKey('other-rsa');
    const header = { alg: 'RS256', kid: key.kid };
    const claims = { aud: ['sts.amazonaws.com'], exp: now + 3600, iat: now, iss: KIND_ISSUER, nbf: now, sub: 'system:serviceaccount:apps:web' };
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(keyPem('other-rsa', 'key'))).toString('base64url')}`;
  }
  const assume = () => sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/kind-app', RoleSessionName: 'kind', WebIdentityToken: kindToken() }));

  it('before the upload the token cannot be verified; after it, it assumes the role', async () => {
    await expect(assume()).rejects.toMatchObject({ name: 'InvalidIdentityTokenException', message: MSG_NO_VERIFICATION_KEY });
    // What `kubectl get --raw /openid/v1/jwks` prints.
    const upload = await admin(iam.endpoint, 'PUT', '/_iamlocal/oidc-providers/jwks', { providerArn: KIND_PROVIDER, jwks: jwks([fixtureKey('other-rsa').publicJwk]) });
    expect(upload.status, upload.text).toBe(200);
    expect(upload.json).toEqual({ providerArn: KIND_PROVIDER, keyIds: [fixtureKey('other-rsa').kid] });
    const out = await assume();
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/kind-app/kind');
    expect(out.Provider).toBe(KIND_PROVIDER);
  });

  it('refuses private keys, empty sets and unknown providers', async () => {
    const priv = await admin(iam.endpoint, 'PUT', '/_iamlocal/oidc-providers/jwks', { providerArn: KIND_PROVIDER, jwks: { keys: [fixtureKey('other-rsa').privateJwk] } });
    expect(priv.json.error.code).toBe('ValidationError');
    expect(priv.json.error.message).toContain('private key');
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/oidc-providers/jwks', { providerArn: KIND_PROVIDER, jwks: { keys: [] } })).json.error.code).toBe('ValidationError');
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/oidc-providers/jwks', { providerArn: 'arn:aws:iam::000000000000:oidc-provider/nope', jwks: { keys: [] } })).status).toBe(404);
  });
});
