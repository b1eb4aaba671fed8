// The S3 operation table, table-driven from test/fixtures/proxy/s3-operations.json: addressing
// (path-style and virtual-hosted), operation, IAM action, resource ARN, condition keys and extra checks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveS3Address } from '../../src/proxy/s3/addressing';
import { identifyS3Operation, S3_OPERATIONS, bucketArn, objectArn, type S3Request } from '../../src/proxy/s3/operations';

interface Case {
  name: string;
  method: string;
  host: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  expect: { op: string; action: string; resource: string; keys?: Record<string, unknown>; extra?: { action: string; resource: string }[] } | { unknown: string };
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/proxy/s3-operations.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('S3 requests → operation, action, resource, condition keys', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const a = resolveS3Address(c.host, c.path)!;
    const r: S3Request = { method: c.method, bucket: a.bucket, key: a.key, query: new URLSearchParams(c.query ?? ''), headers: c.headers ?? {} };
    const id = identifyS3Operation(r);
    if ('unknown' in c.expect) {
      expect(id).toEqual({ unknown: c.expect.unknown });
      return;
    }
    expect('op' in id && id.op.name).toBe(c.expect.op);
    const op = (id as { op: (typeof S3_OPERATIONS)[number] }).op;
    expect(op.action(r)).toBe(c.expect.action);
    const resource = a.bucket === null ? '*' : a.key === null ? bucketArn(a.bucket) : objectArn(a.bucket, a.key);
    expect(resource).toBe(c.expect.resource);
    if (c.expect.keys) expect(op.conditionKeys?.(r)).toMatchObject(c.expect.keys);
    expect((op.extraChecks?.(r) ?? []).map(({ action, resource: res }) => ({ action, resource: res }))).toEqual(c.expect.extra ?? []);
  });
});

describe('the table itself', () => {
  it('names each operation once and every action in the s3: namespace', () => {
    const names = S3_OPERATIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    const r: S3Request = { method: 'GET', bucket: 'b', key: 'k', query: new URLSearchParams(), headers: {} };
    for (const op of S3_OPERATIONS) expect(op.action(r)).toMatch(/^s3:[A-Z][A-Za-z]+$/);
  });

  it('an undecodable path is refused', () => {
    expect(resolveS3Address('127.0.0.1:1', '/b/%E0%A4%A')).toBeNull();
  });
});
