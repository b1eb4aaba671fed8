// AWS identifier formats used by the services: key ids that carry their account (GetAccessKeyInfo),
// unique-id prefixes, secrets, ARNs and percent-encoded policy documents (aws-protocol §5.5, §6.4).
import { describe, expect, it } from 'vitest';
import { arns, parseRoleArn } from '../../src/aws/arn';
import { accountFromAccessKeyId, newAccessKeyId, newSecretAccessKey, newUniqueId } from '../../src/aws/ids';
import { encodePolicyDocument, policySize } from '../../src/aws/policy-encoding';
import { seededIds } from '../../src/runtime';

describe('access key ids', () => {
  it('decodes the account of a real-format key (aws-protocol §5.5 vector)', () => {
    expect(accountFromAccessKeyId('AKIARZPUZDIKGB2VALC4')).toBe('123456789012');
  });

  it('encodes the account for every account, odd and even', () => {
    const ids = seededIds(3);
    for (const acct of ['000000000000', '000000000001', '111111111111', '123456789012', '999999999999']) {
      for (const prefix of ['AKIA', 'ASIA'] as const) {
        const k = newAccessKeyId(ids, prefix, acct);
        expect(k).toMatch(new RegExp(`^${prefix}[A-Z2-7]{16}$`));
        expect(accountFromAccessKeyId(k)).toBe(acct);
      }
    }
  });

  it('still encodes each account right across more accounts than the encodings kept (1,024), twice over', () => {
    const ids = seededIds(5);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        const acct = String(i * 333_333_333 + round).padStart(12, '0').slice(-12);
        expect(accountFromAccessKeyId(newAccessKeyId(ids, 'ASIA', acct))).toBe(acct);
      }
    }
  });

  it('unique ids, secrets and tokens have AWS shapes', () => {
    const ids = seededIds(4);
    expect(newUniqueId(ids, 'AROA')).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(newSecretAccessKey(ids)).toMatch(/^[A-Za-z0-9/+]{40}$/);
  });
});

describe('ARNs', () => {
  it('builds the IAM/STS forms', () => {
    expect(arns.role('000000000000', '/a/b/', 'r')).toBe('arn:aws:iam::000000000000:role/a/b/r');
    expect(arns.assumedRole('000000000000', 'r', 's')).toBe('arn:aws:sts::000000000000:assumed-role/r/s');
    expect(arns.oidcProvider('000000000000', 'oidc.eks.us-east-1.amazonaws.com/id/X')).toBe('arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X');
  });

  it('parses role ARNs with paths, and rejects other shapes', () => {
    expect(parseRoleArn('arn:aws:iam::000000000000:role/a/b/r')).toEqual({ account: '000000000000', path: '/a/b/', name: 'r' });
    expect(parseRoleArn('arn:aws:iam::000000000000:role/r')).toEqual({ account: '000000000000', path: '/', name: 'r' });
    expect(parseRoleArn('arn:aws:iam::000000000000:user/r')).toBeNull();
    expect(parseRoleArn('arn:aws:iam::abc:role/r')).toBeNull();
    expect(parseRoleArn('arn:aws:iam::000000000000:role/')).toBeNull();
  });
});

describe('policy documents on the wire', () => {
  it('percent-encodes every byte except unreserved ones, %20 for spaces, %25 for a literal %', () => {
    expect(encodePolicyDocument('{"a": "b c!*\'()%3A"}')).toBe('%7B%22a%22%3A%20%22b%20c%21%2A%27%28%29%253A%22%7D');
    expect(decodeURIComponent(encodePolicyDocument('ü ✓'))).toBe('ü ✓');
  });

  it('sizes ignore whitespace', () => {
    expect(policySize('{ "a" :\n\t"b" }')).toBe('{"a":"b"}'.length);
  });
});
