// Owns STS GetCallerIdentity: who the signed caller is (UserId, Account, Arn; aws-protocol §5.5).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
import { awsErrors } from '../../aws/errors';
import { defineOperation } from '../types';

export const getCallerIdentity = defineOperation({
  name: 'GetCallerIdentity',
  service: 'sts',
  action: 'sts:GetCallerIdentity',
  mutating: false,
  noAuthorization: {
    reason: 'AWS: "No permissions are required to perform this operation" — even an explicit deny does not stop it.',
  },
  input: () => ({}),
  resource: () => '*',
  handler(_input, call) {
    const p = call.principal;
    if (p.kind === 'anonymous') throw awsErrors.missingAuthenticationToken();
    return { UserId: p.userId, Account: p.accountId, Arn: p.arn };
  },
});
