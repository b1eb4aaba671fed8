// Grammar validation with AWS's MalformedPolicyDocument messages (fixture: test/fixtures/policy/validation.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyValidationError, validatePolicyDocument, type DocumentKind } from '../../src/policy/index';

interface ValidationCase {
  name: string;
  kind: DocumentKind;
  document: string;
  error: string | null;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/policy/validation.json', import.meta.url), 'utf8')) as ValidationCase[];

describe('validatePolicyDocument', () => {
  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, () => {
      if (c.error === null) {
        expect(() => validatePolicyDocument(c.document, c.kind)).not.toThrow();
        return;
      }
      let err: unknown;
      try {
        validatePolicyDocument(c.document, c.kind);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyValidationError);
      expect((err as PolicyValidationError).code).toBe('MalformedPolicyDocument');
      expect((err as Error).message).toBe(c.error);
    });
  }

  it('accepts every policy document of the conformance fixtures for its kind', () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*' }] });
    expect(() => validatePolicyDocument(doc, 'identity')).not.toThrow();
  });
});
