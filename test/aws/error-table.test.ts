// The error vocabulary has one source: src/aws/errors.ts's ERROR_CODES table. Every AwsError is
// built there (awsError() / the awsErrors factories), so a code's HTTP status cannot drift between
// call sites and a misspelt code does not compile (AwsErrorCode is a union of the table's keys).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AwsError, awsError, ERROR_CODES } from '../../src/aws/errors';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('one table of AWS error codes', () => {
  it('no file but src/aws/errors.ts constructs an AwsError directly', () => {
    const offenders = sources('src')
      .filter((p) => p !== join('src', 'aws', 'errors.ts'))
      .filter((p) => /new\s+AwsError\s*\(/.test(readFileSync(p, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('no error class extends AwsError (extra JSON members travel as `fields`)', () => {
    const offenders = sources('src').filter((p) => /extends\s+AwsError\b/.test(readFileSync(p, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the status comes from the table, Sender for 4xx and Receiver for 5xx', () => {
    const denied = awsError('AccessDenied', 'no');
    expect([denied.status, denied.type]).toEqual([403, 'Sender']);
    const failure = awsError('ServiceFailure', 'x');
    expect([failure.status, failure.type]).toEqual([500, 'Receiver']);
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(awsError(code as keyof typeof ERROR_CODES, 'm').status).toBe(status);
    }
  });

  it('withHeaders keeps code, message, detail and fields', () => {
    const e = awsError('InvalidInputException', 'bad', { fields: { Reason: 'INVALID_PATTERN' }, detail: { a: 1 } }).withHeaders({ 'x-a': '1' });
    expect(e).toBeInstanceOf(AwsError);
    expect([e.code, e.message, e.fields, e.detail, e.headers]).toEqual(['InvalidInputException', 'bad', { Reason: 'INVALID_PATTERN' }, { a: 1 }, { 'x-a': '1' }]);
  });
});
