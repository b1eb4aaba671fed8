// ARN parsing (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html), table-driven from
// test/fixtures/aws/arns.json, and checked against the plain split-and-join reading over generated strings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArn } from '../../src/aws/arn';

const table = JSON.parse(readFileSync(new URL('../fixtures/aws/arns.json', import.meta.url), 'utf8')) as { cases: { arn: string; parsed: unknown }[] };

/** The definition: six or more colon-separated parts, the first `arn`, the sixth onwards the resource. */
function reference(arn: string) {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const [, partition, service, region, account] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

describe('parseArn', () => {
  for (const c of table.cases) it(JSON.stringify(c.arn), () => expect(parseArn(c.arn)).toEqual(c.parsed));

  it('agrees with split-and-join on 5,000 generated strings', () => {
    const pieces = ['arn', ':', 'aws', '', 'iam', '123456789012', 'role/r', ':', '::', 'x'];
    let seed = 3;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % pieces.length;
    for (let i = 0; i < 5000; i++) {
      let s = i % 2 === 0 ? 'arn:' : '';
      for (let j = 0, n = i % 12; j < n; j++) s += pieces[next()];
      expect(parseArn(s), s).toEqual(reference(s));
    }
  });
});
