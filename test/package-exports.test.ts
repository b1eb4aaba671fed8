// The published entry points: `iamlocal` (startIamLocal) and `iamlocal/policy` (the evaluator alone),
// resolved through package.json "exports" against the built dist/ (npm ci builds it via `prepare`),
// each with its type declarations.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('package exports', () => {
  it('iamlocal/policy evaluates a policy with no server', async () => {
    const policy = await import('iamlocal/policy');
    const d = policy.evaluate({
      principal: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', account: '111122223333' },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::bucket/key',
      context: {},
      policies: {
        identity: [{ id: 'p', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } }],
        boundary: null, scps: null, rcps: null, session: null, resource: null,
      },
    });
    expect(d.decision).toBe('allowed');
    expect(() => policy.validatePolicyDocument('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}', 'identity')).toThrow();
  });

  it('iamlocal exports startIamLocal', async () => {
    const main = await import('iamlocal');
    expect(typeof main.startIamLocal).toBe('function');
  });

  it('every export has its type declarations', () => {
    for (const entry of Object.values(pkg.exports) as { types: string }[]) {
      expect(existsSync(new URL(`../${entry.types}`, import.meta.url)), entry.types).toBe(true);
    }
  });
});
