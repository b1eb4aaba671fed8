// Owns STS AssumeRoot: a privileged root session in a member account, scoped by one of AWS's task
// policies, for a principal of the organization's management account once centralized root access
// has RootSessions enabled. The session is the member's root user (GetCallerIdentity answers
// arn:aws:iam::MEMBER:root) whose access is what the task policy does not deny; at most 900 seconds.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { ensureAwsManagedPolicy } from '../../store/aws-managed-policies';
import { defineOperation, type Call, type Params } from '../types';
import { patterns, Validator } from '../validate';
import { managedOrganization, orgHasRootFeature } from '../iam/root-access';
import { credentialsOf, issueCallerSession } from './issue-session';

/** The AWS managed policies AssumeRoot accepts as TaskPolicyArn (the model's documentation lists them). */
export const ROOT_TASK_POLICIES: readonly string[] = [
  'IAMAuditRootUserCredentials',
  'IAMCreateRootUserPassword',
  'IAMDeleteRootUserCredentials',
  'S3UnlockBucketPolicy',
  'SQSUnlockQueuePolicy',
].map((n) => `arn:aws:iam::aws:policy/root-task/${n}`);

export const ASSUME_ROOT_MAX_SECONDS = 900;

export interface AssumeRootInput {
  targetAccount: string;
  taskPolicyArn: string;
  durationSeconds: number;
}

/** `123456789012` or `arn:aws:iam::123456789012:root`. */
function targetAccountOf(target: string): string | null {
  if (/^\d{12}$/.test(target)) return target;
  const m = /^arn:aws:iam::(\d{12}):root$/.exec(target);
  return m ? m[1] : null;
}

export const assumeRoot = defineOperation({
  name: 'AssumeRoot',
  service: 'sts',
  action: 'sts:AssumeRoot',
  mutating: true,
  input(params: Params): AssumeRootInput {
    const v = new Validator(params, 'sts');
    const target = v.string('TargetPrincipal', { required: true, min: 12, max: 2048 });
    const task = params.TaskPolicyArn;
    let taskPolicyArn: string | undefined;
    if (task === undefined || task === null) v.addClause("Value null at 'taskPolicyArn' failed to satisfy constraint: Member must not be null");
    else {
      const arn = typeof task === 'object' ? (task as Record<string, unknown>).arn : undefined;
      taskPolicyArn = typeof arn === 'string' ? arn : undefined;
      if (taskPolicyArn !== undefined) {
        const len = [...taskPolicyArn].length;
        if (!patterns.stsArn.re.test(taskPolicyArn)) v.addClause(`Value '${taskPolicyArn}' at 'taskPolicyArn.arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.stsArn.text}`);
        if (len < 20) v.addClause(`Value '${taskPolicyArn}' at 'taskPolicyArn.arn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
        if (len > 2048) v.addClause(`Value '${taskPolicyArn}' at 'taskPolicyArn.arn' failed to satisfy constraint: Member must have length less than or equal to 2048`);
      }
    }
    const durationSeconds = v.int('DurationSeconds', { min: 0, max: ASSUME_ROOT_MAX_SECONDS });
    v.done();
    const targetAccount = targetAccountOf(target);
    // ⚠ texts not captured from AWS for a malformed target or a policy that is not a task policy.
    if (!targetAccount) throw awsErrors.validation(`Invalid TargetPrincipal: ${target}. Use a member account ID or arn:aws:iam::ACCOUNT:root.`);
    if (taskPolicyArn === undefined || !ROOT_TASK_POLICIES.includes(taskPolicyArn)) {
      throw awsErrors.validation(`TaskPolicyArn must be one of: ${ROOT_TASK_POLICIES.join(', ')}`);
    }
    return { targetAccount, taskPolicyArn, durationSeconds: durationSeconds ?? ASSUME_ROOT_MAX_SECONDS };
  },
  guard(_input, call) {
    // "You cannot use root user credentials to make this call."
    if (call.principal.kind === 'root') throw awsErrors.accessDenied('Root user credentials cannot call AssumeRoot. Use credentials of an IAM principal in the management account.'); // ⚠ text not captured
  },
  // Resource type root-user: arn:${Partition}:iam::${Account}:root of the member account.
  resource: (input) => arns.root(input.targetAccount),
  conditionKeys: (input) => ({ 'sts:TaskPolicyArn': input.taskPolicyArn }),
  handler(input, call: Call) {
    const p = call.principal;
    if (p.kind === 'anonymous') throw awsErrors.missingAuthenticationToken();
    // ⚠ texts not captured: AWS answers these with AccessDenied.
    let org;
    try {
      org = managedOrganization(call.store, p.accountId, false);
    } catch {
      throw awsErrors.accessDenied('AssumeRoot can only be called with credentials from the management account of an organization with all features enabled.');
    }
    if (!orgHasRootFeature(call.store, org.id, 'RootSessions')) {
      throw awsErrors.accessDenied('Centralized root access is not enabled: enable root sessions for your organization (iam:EnableOrganizationsRootSessions) first.');
    }
    const placed = call.store.organizations.placement(input.targetAccount);
    if (!placed || placed.orgId !== org.id || input.targetAccount === org.managementAccountId) {
      throw awsErrors.accessDenied(`Account ${input.targetAccount} is not a member account of organization ${org.id}.`);
    }
    ensureAwsManagedPolicy(call.store, call.ids, input.taskPolicyArn);
    const session = issueCallerSession(call, input.targetAccount, {
      kind: 'root',
      via: 'AssumeRoot',
      seconds: input.durationSeconds,
      principalArn: arns.root(input.targetAccount),
      principalId: input.targetAccount,
      userId: null,
      userArn: null,
      // The task policy scopes the session (its Deny statements apply to the root session).
      sessionPolicyArns: [input.taskPolicyArn],
    });
    return { Credentials: credentialsOf(session) };
  },
});
