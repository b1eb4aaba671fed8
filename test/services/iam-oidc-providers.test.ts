// IAM OIDC provider handlers: lifecycle, shapes (Url without scheme, empty lists still sent), client
// ids and thumbprints, tags at create, the pinned JWKS left alone, and AWS's errors (fixtures).
import { describe, expect, it } from 'vitest';
import { iamOperations } from '../../src/services/iam/index';
import {
  addClientIDToOpenIDConnectProvider,
  createOpenIDConnectProvider,
  deleteOpenIDConnectProvider,
  getOpenIDConnectProvider,
  listOpenIDConnectProviders,
  removeClientIDFromOpenIDConnectProvider,
  updateOpenIDConnectProviderThumbprint,
} from '../../src/services/iam/oidc-providers';
import fixtures from '../fixtures/services/oidc-providers/errors.json';
import { harness, thrown } from '../helpers/services';

const TP1 = '990F4193972F2BECF12DDEDA5237F9C952F20D9E';
const TP2 = '6938FD4D98BAB03FAADB97B34396831E3780AEA1';
const seed = { oidcProviders: [{ url: 'https://existing.example.com', clientIds: ['sts.amazonaws.com'], jwks: { keys: [] } }] };

function expand(params: Record<string, unknown>): Record<string, unknown> {
  const out = { ...params };
  for (const [k, v] of Object.entries(out)) {
    if (Array.isArray(v) && v[0] === '@@6@@') out[k] = Array.from({ length: 6 }, (_, i) => String(i).repeat(40));
    if (Array.isArray(v) && v[0] === '@@101@@') out[k] = Array.from({ length: 101 }, (_, i) => `client-${i}`);
    if (v === '@@256@@') out[k] = 'c'.repeat(256);
  }
  return out;
}

describe('OIDC provider lifecycle', () => {
  it('create → get → list → client ids → thumbprints → delete', async () => {
    const h = await harness();
    const created = h.run(createOpenIDConnectProvider, { Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: [TP1], Tags: [{ Key: 'ci', Value: 'github' }] }, h.root());
    const arn = 'arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com';
    expect(created).toEqual({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'ci', Value: 'github' }] });

    expect(h.run(getOpenIDConnectProvider, { OpenIDConnectProviderArn: arn }, h.root())).toEqual({
      Url: 'token.actions.githubusercontent.com',
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: [TP1],
      CreateDate: new Date('2026-11-29T12:00:00Z'),
      Tags: [{ Key: 'ci', Value: 'github' }],
    });
    expect(h.run(listOpenIDConnectProviders, {}, h.root())).toEqual({ OpenIDConnectProviderList: [{ Arn: arn }] });

    h.run(addClientIDToOpenIDConnectProvider, { OpenIDConnectProviderArn: arn, ClientID: 'my-app' }, h.root());
    h.run(addClientIDToOpenIDConnectProvider, { OpenIDConnectProviderArn: arn, ClientID: 'my-app' }, h.root()); // idempotent
    h.run(removeClientIDFromOpenIDConnectProvider, { OpenIDConnectProviderArn: arn, ClientID: 'sts.amazonaws.com' }, h.root());
    h.run(removeClientIDFromOpenIDConnectProvider, { OpenIDConnectProviderArn: arn, ClientID: 'never-added' }, h.root());
    h.run(updateOpenIDConnectProviderThumbprint, { OpenIDConnectProviderArn: arn, ThumbprintList: [TP2, TP1] }, h.root());
    expect(h.run(getOpenIDConnectProvider, { OpenIDConnectProviderArn: arn }, h.root())).toMatchObject({ ClientIDList: ['my-app'], ThumbprintList: [TP2, TP1] });

    h.run(deleteOpenIDConnectProvider, { OpenIDConnectProviderArn: arn }, h.root());
    expect(h.run(listOpenIDConnectProviders, {}, h.root())).toEqual({ OpenIDConnectProviderList: [] });
    expect(h.store.tags.list('oidc-provider', arn)).toEqual([]);
  });

  it('thumbprints are optional; empty ClientIDList and Tags are still returned as lists; nothing is fetched', async () => {
    const h = await harness();
    const out = h.run(createOpenIDConnectProvider, { Url: 'https://auth.example.com/realms/dev' }, h.root());
    expect(out).toEqual({ OpenIDConnectProviderArn: 'arn:aws:iam::000000000000:oidc-provider/auth.example.com/realms/dev', Tags: undefined });
    const got = h.run(getOpenIDConnectProvider, { OpenIDConnectProviderArn: out.OpenIDConnectProviderArn }, h.root());
    expect(got).toMatchObject({ Url: 'auth.example.com/realms/dev', ClientIDList: [], ThumbprintList: [], Tags: [] });
    const stored = h.store.oidcProviders.get(out.OpenIDConnectProviderArn)!;
    expect(stored).toMatchObject({ jwks: null, allowNetworkFetch: false });
  });

  it('UpdateOpenIDConnectProviderThumbprint keeps a pinned JWKS (the STS side’s) intact', async () => {
    const h = await harness(seed);
    const arn = 'arn:aws:iam::000000000000:oidc-provider/existing.example.com';
    h.run(updateOpenIDConnectProviderThumbprint, { OpenIDConnectProviderArn: arn, ThumbprintList: [TP1] }, h.root());
    h.run(addClientIDToOpenIDConnectProvider, { OpenIDConnectProviderArn: arn, ClientID: 'x' }, h.root());
    expect(h.store.oidcProviders.get(arn)).toMatchObject({ jwks: '{"keys":[]}', thumbprints: [TP1], clientIds: ['sts.amazonaws.com', 'x'] });
  });

  it('the 101st client id added one at a time is LimitExceeded', async () => {
    const h = await harness();
    const arn = h.run(createOpenIDConnectProvider, { Url: 'https://many.example.com', ClientIDList: Array.from({ length: 100 }, (_, i) => `c${i}`) }, h.root()).OpenIDConnectProviderArn;
    expect(thrown(() => h.run(addClientIDToOpenIDConnectProvider, { OpenIDConnectProviderArn: arn, ClientID: 'c100' }, h.root()))).toEqual({
      code: 'LimitExceeded', message: 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100', status: 409,
    });
  });

  it('CreateOpenIDConnectProvider is authorized on the provider ARN with aws:RequestTag and needs iam:TagOpenIDConnectProvider for tags', async () => {
    const h = await harness();
    const call = h.call(h.root());
    const input = createOpenIDConnectProvider.input({ Url: 'https://x.example.com', Tags: [{ Key: 'k', Value: 'v' }] }, call);
    expect(createOpenIDConnectProvider.resource(input, call)).toBe('arn:aws:iam::000000000000:oidc-provider/x.example.com');
    expect(createOpenIDConnectProvider.conditionKeys!(input, call)).toEqual({ 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] });
    expect(createOpenIDConnectProvider.extraChecks!(input, call)).toEqual([{ action: 'iam:TagOpenIDConnectProvider', resource: 'arn:aws:iam::000000000000:oidc-provider/x.example.com' }]);
  });
});

describe('OIDC provider errors (fixtures/services/oidc-providers/errors.json)', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness({ ...seed, accounts: [{ id: '111111111111' }] });
      expect(thrown(() => h.run(iamOperations.get(c.op)!, expand(c.params), h.root()))).toEqual({ code: c.code, message: c.message, status: c.status });
    });
  }
});
