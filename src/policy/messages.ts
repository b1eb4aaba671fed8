// Owns AWS's AccessDenied message text built from a Decision.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
// Shape: `User: <arn> is not authorized to perform: <action> on resource: <resource> <because …|with an explicit deny in …>`.

import type { Decision } from './types';

/**
 * The AccessDenied message for a denied decision. A role trust policy that does not allow the
 * caller gets no reason clause (AWS: `… is not authorized to perform: sts:AssumeRole on resource: <role>`).
 * Actions without resource-level permissions (resource `*` or empty) omit the `on resource:` part.
 * AssumeRoleWithWebIdentity / AssumeRoleWithSAML: `Not authorized to perform sts:AssumeRoleWithWebIdentity`.
 */
export function accessDeniedMessage(callerArn: string, action: string, resource: string, d: Decision): string {
  // Federation calls are unsigned: there is no caller ARN, and AWS says only this.
  const a = action.toLowerCase();
  if (a === 'sts:assumerolewithwebidentity' || a === 'sts:assumerolewithsaml') return `Not authorized to perform ${action}`;
  let msg = `User: ${callerArn} is not authorized to perform: ${action}`;
  if (resource && resource !== '*') msg += ` on resource: ${resource}`;
  const c = d.cause;
  if (d.decision !== 'allowed' && c && c.phrase && c.code !== 'trustPolicyDoesNotAllow') {
    // Recompute the implicit phrase with the action as the caller spelled it.
    msg += ' ' + (c.explicit ? c.phrase : c.phrase.replace(/allows the .* action$/, `allows the ${action} action`));
  }
  return msg;
}
