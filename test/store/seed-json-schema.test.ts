// Strict seeds and the published JSON Schema: seed/schema/seed.schema.json is the one generated from the field
// declarations; it accepts every shipped seed; and every unknown or misspelt field is refused by both
// the start-up validator (naming file, entry, field and the closest expected name) and the schema.
import Ajv2020 from 'ajv/dist/2020';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load as parseYaml } from 'js-yaml';
import { parseSeedDocument, SeedError, seedJsonSchema } from '../../src/store/seed-schema';
import { closestName } from '../../src/store/seed-fields';
import unknownFields from '../fixtures/seed/unknown-fields.json';

const published = JSON.parse(readFileSync('seed/schema/seed.schema.json', 'utf8'));
const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(published);
const shipped = readdirSync('seed').filter((f) => /\.ya?ml$/.test(f));

describe('seed/schema/seed.schema.json', () => {
  it('is the schema generated from the declarations (npm run seed-schema)', () => {
    expect(published).toEqual(seedJsonSchema());
  });

  it.each(shipped)('accepts the shipped seed %s, as the validator does', (file) => {
    const doc = parseYaml(readFileSync(join('seed', file), 'utf8'));
    expect(() => parseSeedDocument(doc, file, '000000000000')).not.toThrow();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('unknown or misspelt fields stop start-up (and the schema refuses them)', () => {
  for (const c of unknownFields.cases) {
    it(c.name, () => {
      let err: unknown;
      try {
        parseSeedDocument(c.seed, 'seed[0]', '000000000000');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SeedError);
      expect((err as Error).message).toBe(c.message);
      expect(validate(c.seed)).toBe(false);
      expect(validate.errors!.some((e) => e.keyword === 'additionalProperties')).toBe(true);
    });
  }

  it('the suggestion is the closest expected name, and none when nothing is close', () => {
    expect(closestName('managedPolicy', ['inlinePolicies', 'managedPolicies'])).toBe('managedPolicies');
    expect(closestName('rolez', ['roles', 'users'])).toBe('roles');
    expect(closestName('colour', ['url', 'tags'])).toBeNull();
  });
});
