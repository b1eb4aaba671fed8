// Owns ARN splitting and the Resource-element wildcard rules (segment boundaries, colons).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits `arn:partition:service:region:account:resource` (the resource part may hold colons). */
export function parseArn(arn: string): ArnParts | null {
  if (!arn.startsWith('arn:')) return null;
  const parts: string[] = [];
  let start = 4;
  for (let i = 0; i < 4; i++) {
    const c = arn.indexOf(':', start);
    if (c < 0) return null;
    parts.push(arn.slice(start, c));
    start = c + 1;
  }
  return { partition: parts[0]!, service: parts[1]!, region: parts[2]!, account: parts[3]!, resource: arn.slice(start) };
}

/** The six colon-delimited components (`arn` + five), the last keeping any further colons; null if fewer. */
export function arnComponents(arn: string): string[] | null {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const c = arn.indexOf(':', start);
    if (c < 0) return null;
    out.push(arn.slice(start, c));
    start = c + 1;
  }
  out.push(arn.slice(start));
  return out;
}

/** Index just after the 5th colon (start of the resource part), or -1. */
export function resourcePartStart(s: string): number {
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.indexOf(':', start);
    if (c < 0) return -1;
    start = c + 1;
  }
  return start;
}

/**
 * For a Resource-element pattern: may the wildcard at `index` match `:`?
 * Inside the resource part (after the 5th colon) wildcards span colons. In the earlier segments a `*`
 * that is the last character of its segment "can expand to match beyond the colon boundaries"
 * (current Resource element page); a `*` or `?` in the middle of a segment stays within it.
 */
export function resourceWildcardNoColon(pattern: string, index: number): boolean {
  const rp = resourcePartStart(pattern);
  if (rp >= 0 && index >= rp) return false;
  if (!pattern.startsWith('arn:')) return false;
  if (pattern[index] === '*') {
    const next = pattern[index + 1];
    if (next === undefined || next === ':') return false;
  }
  return true;
}

export function accountFromArn(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const p = parseArn(arn);
  return p && p.account ? p.account : undefined;
}
