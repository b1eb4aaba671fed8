// Owns checking submitted policy documents: grammar through the evaluator's validator (→
// MalformedPolicyDocument with AWS's text) and, for trust policies, that named principals of accounts
// iamlocal hosts exist ("Invalid principal in policy"), as IAM checks when the policy is saved.
import { parseArn } from '../aws/arn';
import { awsErrors } from '../aws/errors';
import { validatePolicyDocument } from '../policy/index';
import { PolicyValidationError, type DocumentKind } from '../policy/types';
import type { Store } from './store';

export function checkPolicyDocument(text: string, kind: DocumentKind): void {
  try {
    validatePolicyDocument(text, kind);
  } catch (e) {
    if (e instanceof PolicyValidationError) throw awsErrors.malformedPolicyDocument(e.message);
    throw e;
  }
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/**
 * IAM resolves user/role principals to their unique ids when a trust policy is saved and rejects ones
 * that do not exist: `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/x"` (aws-protocol §6.7).
 * Only accounts this iamlocal hosts are checked; principals of other accounts cannot be known.
 */
export function checkTrustPrincipals(store: Store, text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return; // grammar was checked first
  }
  const statements = asList((doc as { Statement?: unknown })?.Statement);
  for (const st of statements) {
    const principal = (st as { Principal?: unknown })?.Principal;
    if (!principal || typeof principal !== 'object') continue;
    for (const value of asList((principal as Record<string, unknown>).AWS)) {
      if (typeof value !== 'string') continue;
      const arn = parseArn(value);
      if (!arn || arn.service !== 'iam' || !store.accounts.get(arn.account)) continue;
      const res = arn.resource;
      const exists =
        res === 'root' ? true
        : res.startsWith('user/') ? !!store.users.getByArn(value)
        : res.startsWith('role/') ? !!store.roles.getByArn(value)
        : true;
      if (!exists || /[*?]/.test(res)) {
        throw awsErrors.malformedPolicyDocument(`Invalid principal in policy: "AWS":"${value}"`);
      }
    }
  }
}
