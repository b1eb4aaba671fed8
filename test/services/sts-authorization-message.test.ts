// The sealed authorization message: AES-256-GCM over the decoded decision, opened only by this server
// and only for callers of the account the denial happened in; any altered byte is refused.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/policy/index';
import type { EvalRequest } from '../../src/policy/types';
import { authorizationMessageHeader, AUTHORIZATION_MESSAGE_HEADER, decodeAuthorizationMessage, decodedMessageOf, encodeAuthorizationMessage, MAX_ENCODED_MESSAGE } from '../../src/authz/authorization-message';

const request: EvalRequest = {
  principal: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ana', account: '111122223333', userId: 'AIDAEXAMPLEEXAMPLE001', name: 'ana' },
  action: 'ec2:RunInstances',
  resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*',
  context: { 'ec2:InstanceType': 't2.micro', 'aws:username': 'ana' },
  policies: {
    identity: [
      {
        id: 'user/ana/inline/p',
        document: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'VisualEditor0', Effect: 'Deny', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'ec2:InstanceType': 't2.micro' } } },
            { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
          ],
        }),
      },
    ],
    boundary: null,
    scps: null,
    rcps: null,
    session: null,
    resource: null,
  },
};

describe('authorization messages', () => {
  const decision = evaluate(request);

  it('decode to AWS’s DecodedMessage shape (iam-evaluation §16)', () => {
    const m = decodedMessageOf(request, decision);
    expect(m).toMatchObject({ allowed: false, explicitDeny: true, failures: { items: [] } });
    expect(m.matchedStatements.items).toContainEqual({
      statementId: 'VisualEditor0',
      effect: 'DENY',
      principals: { items: [] },
      principalGroups: { items: [] },
      actions: { items: [{ value: 'ec2:RunInstances' }] },
      resources: { items: [{ value: '*' }] },
      conditions: { items: [{ key: 'StringEquals:ec2:InstanceType', values: { items: [{ value: 't2.micro' }] } }] },
      // iamlocal names the policy of every matched statement.
      policy: { type: 'identity-based policy', id: 'user/ana/inline/p' },
    });
    expect(m.iamlocal).toMatchObject({ decidedBy: 'identity-based policy', policy: { type: 'identity-based policy', id: 'user/ana/inline/p' } });
    expect(m.context).toEqual({
      // IAM users are named, as AWS does.
      principal: { id: 'AIDAEXAMPLEEXAMPLE001', name: 'ana', arn: 'arn:aws:iam::111122223333:user/ana' },
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*',
      conditions: {
        items: [
          { key: 'aws:username', values: { items: [{ value: 'ana' }] } },
          { key: 'ec2:InstanceType', values: { items: [{ value: 't2.micro' }] } },
        ],
      },
    });
  });

  it('round-trip for the same account only; every flipped byte is refused', () => {
    const header = authorizationMessageHeader(request, decision)[AUTHORIZATION_MESSAGE_HEADER];
    expect(decodeAuthorizationMessage(header, '111122223333')).toEqual(decodedMessageOf(request, decision));
    expect(decodeAuthorizationMessage(header, '444455556666')).toBeNull();
    const raw = Buffer.from(header, 'base64url');
    for (let i = 0; i < raw.length; i += 7) {
      const bad = Buffer.from(raw);
      bad[i] ^= 1;
      expect(decodeAuthorizationMessage(bad.toString('base64url'), '111122223333')).toBeNull();
    }
    expect(decodeAuthorizationMessage('not base64url!', '111122223333')).toBeNull();
    expect(decodeAuthorizationMessage(Buffer.from(JSON.stringify({ v: 1, account: '111122223333', message: {} })).toString('base64url'), '111122223333')).toBeNull();
  });

  it('small messages are sealed uncompressed, large ones deflated; both round-trip and neither is readable', () => {
    const small = decodedMessageOf(request, decision);
    const big: typeof small = {
      ...small,
      context: {
        ...small.context,
        conditions: { items: Array.from({ length: 120 }, (_, i) => ({ key: `aws:RequestTag/k${i}`, values: { items: [{ value: `value-${i}-`.padEnd(40, 'x') }] } })) },
      },
    };
    for (const m of [small, big]) {
      const sealed = encodeAuthorizationMessage('111122223333', m);
      expect(sealed.length).toBeLessThanOrEqual(MAX_ENCODED_MESSAGE);
      expect(decodeAuthorizationMessage(sealed, '111122223333')).toEqual(m);
      const bytes = Buffer.from(sealed, 'base64url').toString('latin1');
      expect(bytes).not.toContain('111122223333');
      expect(bytes).not.toContain(m.context.action);
    }
    // The big one is over the raw bound as JSON, so only compression made it fit.
    expect(JSON.stringify(big).length).toBeGreaterThan(6000);
  });

  it('messages sealed one after another at any keystream offset each decode, in any order', () => {
    const base = decodedMessageOf(request, decision);
    const sealed = Array.from({ length: 40 }, (_, i) => {
      const m = { ...base, failures: { items: Array.from({ length: i % 7 }, (_, j) => ({ value: `failure ${i}.${j}`.repeat(1 + (i % 3)) })) } };
      return { m, s: encodeAuthorizationMessage('111122223333', m) };
    });
    for (const { m, s } of [...sealed].reverse()) expect(decodeAuthorizationMessage(s, '111122223333')).toEqual(m);
  });

  it('a sealed message moved to another offset, or given a MAC of its own, is refused', () => {
    const raw = Buffer.from(encodeAuthorizationMessage('111122223333', decodedMessageOf(request, decision)), 'base64url');
    const moved = Buffer.from(raw);
    moved.writeBigUInt64BE(moved.readBigUInt64BE(0) + 16n, 0);
    expect(decodeAuthorizationMessage(moved.toString('base64url'), '111122223333')).toBeNull();
    const zeroTag = Buffer.from(raw);
    zeroTag.fill(0, 8, 24);
    expect(decodeAuthorizationMessage(zeroTag.toString('base64url'), '111122223333')).toBeNull();
    expect(decodeAuthorizationMessage(raw.subarray(0, 25).toString('base64url'), '111122223333')).toBeNull();
  });

  it('is sealed with fresh keystream: the same message never encodes the same way twice', () => {
    const m = decodedMessageOf(request, decision);
    expect(encodeAuthorizationMessage('111122223333', m)).not.toBe(encodeAuthorizationMessage('111122223333', m));
  });
});
