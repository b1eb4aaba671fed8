// The README's example, verbatim except for the import path (keeps the documentation honest).
import { describe, expect, it } from 'vitest';
import { evaluate, type EvalRequest } from '../../src/policy/index';

const readOwnPrefix = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team-bucket/${aws:username}/*' },
    { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ],
};

const request = (key: string, tls = 'true'): EvalRequest => ({
  principal: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', account: '111122223333' },
  action: 's3:GetObject',
  resource: `arn:aws:s3:::team-bucket/${key}`,
  context: { 'aws:username': 'alice', 'aws:SecureTransport': tls },
  policies: { identity: [{ id: 'read-own-prefix', document: readOwnPrefix }], boundary: null, scps: null, rcps: null, session: null, resource: null },
});

describe('read-own-prefix', () => {
  it('lets alice read her prefix', () => expect(evaluate(request('alice/notes.txt')).decision).toBe('allowed'));
  it('not somebody else’s', () => {
    const d = evaluate(request('bob/notes.txt'));
    expect(d.decision).toBe('implicitDeny');
    expect(d.cause?.phrase).toBe('because no identity-based policy allows the s3:GetObject action');
  });
  it('and never without TLS', () => expect(evaluate(request('alice/notes.txt', 'false')).decision).toBe('explicitDeny'));
});
