// Owns the seed the e2e suites share: a developer user with a fixed key that may create and assume
// roles (root cannot assume roles in AWS), and a second user with no permissions at all.
export const DEV = { accessKeyId: 'AKIAE2EDEVELOPER0001', secretAccessKey: 'dev-secret-key-for-e2e-tests-only-00000001' };
export const NOBODY = { accessKeyId: 'AKIAE2ENOBODY0000001', secretAccessKey: 'nobody-secret-key-for-e2e-tests-only-0001' };

export const e2eSeed = {
  users: [
    {
      name: 'dev',
      accessKeys: [DEV],
      inlinePolicies: {
        admin: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:*'], Resource: '*' }] },
      },
    },
    { name: 'nobody', accessKeys: [NOBODY] },
  ],
};

/** A trust policy that lets the account's identities (with permission) assume the role. */
export function trustAccount(account = '000000000000'): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
  });
}

/** A trust policy that trusts only a service (no IAM principal can assume the role). */
export const trustLambdaOnly = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
