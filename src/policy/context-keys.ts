// Owns listing the condition keys (and policy-variable keys) a set of policies refers to,
// for GetContextKeysForPrincipalPolicy / GetContextKeysForCustomPolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForPrincipalPolicy.html

import { compilePolicy } from './document';
import { templateVariableKeys } from './variables';

/** Keys in first-seen spelling, de-duplicated case-insensitively, in document order. */
export function getContextKeysForPolicies(docs: (string | object)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (k: string) => {
    const l = k.toLowerCase();
    if (seen.has(l)) return;
    seen.add(l);
    out.push(k);
  };
  for (const doc of docs) {
    const c = compilePolicy(doc);
    for (const st of c.statements) {
      for (const r of st.resources ?? []) if (r.tpl) templateVariableKeys(r.tpl).forEach(add);
      for (const cond of st.conditions) {
        add(cond.key);
        cond.variableKeys.forEach(add);
      }
    }
  }
  return out;
}
