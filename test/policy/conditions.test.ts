// Condition value parsing and three-valued evaluation of single conditions.
import { describe, expect, it } from 'vitest';
import { compileCondition, evalCondition, F, parseDate, parseNumber, parseOperator, T, U, type CondEnv } from '../../src/policy/conditions';

function env(ctx: Record<string, string | string[]>): CondEnv & { missed: string[] } {
  const lower = new Map(Object.entries(ctx).map(([k, v]) => [k.toLowerCase(), v]));
  const missed: string[] = [];
  return { missed, lookup: (_k, kl) => lower.get(kl), missing: (k) => void missed.push(k) };
}

const ev = (op: string, key: string, values: unknown, ctx: Record<string, string | string[]> = {}, variables = true) =>
  evalCondition(compileCondition(op, key, values, variables), env(ctx));

describe('operators', () => {
  it('parses set prefixes and IfExists', () => {
    expect(parseOperator('ForAllValues:StringLikeIfExists')).toMatchObject({ set: 1, ifExists: true, info: { name: 'StringLike' } });
    expect(parseOperator('ForAnyValue:ArnEquals')).toMatchObject({ set: 2, ifExists: false });
    expect(parseOperator('NullIfExists')).toBeNull();
    expect(parseOperator('ForAllValues:Null')).toBeNull();
    expect(parseOperator('StringEqualz')).toBeNull();
  });

  it('unknown operator evaluates U (never a silent pass)', () => {
    expect(ev('StringEqualz', 'aws:username', 'a', { 'aws:username': 'a' })).toBe(U);
  });
});

describe('values', () => {
  it('numbers', () => {
    expect(parseNumber('10.0')).toBe(10);
    expect(parseNumber('-1e3')).toBe(-1000);
    expect(parseNumber('0x10')).toBeNull();
    expect(parseNumber('')).toBeNull();
  });
  it('dates: ISO 8601 forms and epoch seconds', () => {
    const t = Date.UTC(2024, 5, 1, 12, 0, 0);
    expect(parseDate('2024-06-01T12:00:00Z')).toBe(t);
    expect(parseDate('2024-06-01T12:00:00.000Z')).toBe(t);
    expect(parseDate('2024-06-01T14:00:00+02:00')).toBe(t);
    expect(parseDate('2024-06-01T12:00Z')).toBe(t);
    expect(parseDate('1717243200')).toBe(t);
    expect(parseDate('2024-06-01')).toBe(Date.UTC(2024, 5, 1));
    // Digits only are epoch seconds (as IAM's own parser reads them), not a bare year.
    expect(parseDate('2024')).toBe(2_024_000);
    expect(parseDate('2024-06')).toBe(Date.UTC(2024, 5, 1));
    expect(parseDate('June 1 2024')).toBeNull();
    expect(parseDate('2024-13-01')).toBeNull();
  });
});

describe('semantics', () => {
  it('missing key: false, negated true, IfExists true; recorded as missing', () => {
    const e = env({});
    expect(evalCondition(compileCondition('StringEquals', 'aws:PrincipalTag/x', 'a', true), e)).toBe(F);
    expect(e.missed).toEqual(['aws:PrincipalTag/x']);
    expect(ev('StringNotEquals', 'k:x', 'a')).toBe(T);
    expect(ev('StringEqualsIfExists', 'k:x', 'a')).toBe(T);
    expect(ev('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8')).toBe(T);
    expect(ev('ArnNotLike', 'aws:SourceArn', 'arn:aws:s3:::*')).toBe(T);
  });
  it('several values OR; negated NOR', () => {
    expect(ev('StringEquals', 'k:x', ['a', 'b'], { 'k:x': 'b' })).toBe(T);
    expect(ev('StringNotEquals', 'k:x', ['a', 'b'], { 'k:x': 'b' })).toBe(F);
    expect(ev('StringNotEquals', 'k:x', ['a', 'b'], { 'k:x': 'c' })).toBe(T);
  });
  it('keys are case-insensitive, values follow the operator', () => {
    expect(ev('StringEquals', 'AWS:SourceIP', '1.2.3.4', { 'aws:SourceIp': '1.2.3.4' })).toBe(T);
    expect(ev('StringEquals', 'k:x', 'A', { 'k:x': 'a' })).toBe(F);
    expect(ev('StringEqualsIgnoreCase', 'k:x', 'A', { 'k:x': 'a' })).toBe(T);
    expect(ev('StringLike', 'k:x', 'A*', { 'k:x': 'abc' })).toBe(F);
  });
  it('numeric, date, bool, binary, ip', () => {
    expect(ev('NumericLessThanEquals', 'k:n', '3600', { 'k:n': '3600' })).toBe(T);
    expect(ev('NumericLessThan', 'k:n', 'x', { 'k:n': '1' })).toBe(U);
    expect(ev('NumericLessThan', 'k:n', '5', { 'k:n': 'x' })).toBe(U);
    expect(ev('DateGreaterThan', 'aws:CurrentTime', '2024-01-01T00:00:00Z', { 'aws:CurrentTime': '2024-06-01T12:00:00Z' })).toBe(T);
    expect(ev('Bool', 'aws:SecureTransport', false, { 'aws:SecureTransport': 'false' })).toBe(T);
    expect(ev('Bool', 'aws:SecureTransport', 'maybe', { 'aws:SecureTransport': 'false' })).toBe(U);
    expect(ev('BinaryEquals', 'k:b', 'AAEC', { 'k:b': 'AAEC' })).toBe(T);
    expect(ev('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.113.255' })).toBe(T);
    expect(ev('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '203.0.114.0' })).toBe(F);
    expect(ev('IpAddress', 'aws:SourceIp', '2001:DB8::/32', { 'aws:SourceIp': '2001:db8:ffff::1' })).toBe(T);
    expect(ev('IpAddress', 'aws:SourceIp', '203.0.113.0/24', { 'aws:SourceIp': '2001:db8::1' })).toBe(F);
    expect(ev('IpAddress', 'aws:SourceIp', '203.0.113.7', { 'aws:SourceIp': '203.0.113.7' })).toBe(T);
  });
  it('set operators and the empty set', () => {
    expect(ev('ForAllValues:StringEquals', 'aws:TagKeys', ['a', 'b'], {})).toBe(T);
    expect(ev('ForAllValues:StringEquals', 'aws:TagKeys', ['a', 'b'], { 'aws:TagKeys': [] })).toBe(T);
    expect(ev('ForAllValues:StringEquals', 'aws:TagKeys', ['a', 'b'], { 'aws:TagKeys': ['a', 'c'] })).toBe(F);
    expect(ev('ForAnyValue:StringEquals', 'aws:TagKeys', ['a'], {})).toBe(F);
    expect(ev('ForAnyValue:StringEquals', 'aws:TagKeys', ['a'], { 'aws:TagKeys': ['c', 'a'] })).toBe(T);
  });
  it('Null', () => {
    expect(ev('Null', 'aws:TokenIssueTime', 'true', {})).toBe(T);
    expect(ev('Null', 'aws:TokenIssueTime', 'false', {})).toBe(F);
    expect(ev('Null', 'aws:TokenIssueTime', 'false', { 'aws:TokenIssueTime': 'x' })).toBe(T);
  });
  it('variables in values: resolved, defaulted, or matching nothing', () => {
    expect(ev('StringEquals', 'k:x', '${aws:username}', { 'k:x': 'al', 'aws:username': 'al' })).toBe(T);
    expect(ev('StringEquals', 'k:x', "${aws:PrincipalTag/t, 'd'}", { 'k:x': 'd' })).toBe(T);
    expect(ev('StringEquals', 'k:x', '${aws:username}', { 'k:x': 'al' })).toBe(F);
    expect(ev('StringNotEquals', 'k:x', '${aws:username}', { 'k:x': 'al' })).toBe(T);
    expect(ev('StringLike', 'k:x', 'a${*}', { 'k:x': 'a*' })).toBe(T);
    expect(ev('StringLike', 'k:x', 'a${*}', { 'k:x': 'ab' })).toBe(F);
    // Without Version 2012-10-17 the text is literal.
    expect(ev('StringEquals', 'k:x', '${aws:username}', { 'k:x': '${aws:username}', 'aws:username': 'al' }, false)).toBe(T);
  });
});
