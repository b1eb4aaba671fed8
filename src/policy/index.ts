// Owns the public surface of the evaluator (`iamlocal/policy`): a pure module, values in, decisions out.
// It imports nothing from the rest of iamlocal. Semantics: ../shared/reference/iam-evaluation.md.

export * from './types';
export { evaluate } from './evaluate';
export { validatePolicyDocument } from './validate';
export { accessDeniedMessage } from './messages';
export { getContextKeysForPolicies } from './context-keys';
export { clearPolicyCache } from './document';
export { explainDecision, consultedPolicies, statementText, POLICY_KIND_LABEL, type Explanation, type ExplainedCondition, type ExplainedPolicy, type ExplainedStatement } from './explain';
