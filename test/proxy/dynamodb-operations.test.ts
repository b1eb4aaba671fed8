// The DynamoDB proxy's operation table (src/proxy/dynamodb/operations.ts): what each call is authorized
// as, table-driven from test/fixtures/proxy/dynamodb-operations.json, grouped by AWS topic.
import { describe, expect, it } from 'vitest';
import { DYNAMODB_OPERATIONS, partiqlTarget, type Json } from '../../src/proxy/dynamodb/operations';
import fixture from '../fixtures/proxy/dynamodb-operations.json';

const topics = [...new Set(fixture.cases.map((c) => c.topic))];
for (const topic of topics) {
  describe(topic, () => {
    for (const c of fixture.cases.filter((k) => k.topic === topic)) {
      it(`${c.operation}: ${c.checks.map((k) => ('action' in k ? k.action : `dynamodb:${c.operation}`)).join(', ') || '*'}`, () => {
        const op = DYNAMODB_OPERATIONS.get(c.operation);
        expect(op, c.operation).toBeDefined();
        const got = op!.checks(c.body as Json).map(({ keys: _k, query: _q, ...rest }) => rest);
        expect(got).toEqual(c.checks);
      });
    }
  });
}

describe('PartiQL statements not read fail closed', () => {
  it('a statement naming no table is checked against table "" (only a grant on every table matches)', () => {
    expect(partiqlTarget('EXPLAIN something')).toEqual({ action: 'dynamodb:PartiQLSelect', table: '' });
    expect(partiqlTarget('SELECT 1')).toEqual({ action: 'dynamodb:PartiQLSelect', table: '' });
  });
  it('quoted names keep their inner quotes', () => {
    expect(partiqlTarget('SELECT * FROM "we""ird"')).toEqual({ action: 'dynamodb:PartiQLSelect', table: 'we"ird' });
  });
});
