// Owns STS GetDelegatedAccessToken: the partner that created a delegation request trades the exchange
// token SendDelegationToken released for credentials of the identity that accepted the request,
// scoped by the request's permission policy, until the delegation period ends (SessionDuration after
// the token was sent). A role approver gives a role session; an IAM user approver a federated-user
// session (the user's policies ∩ the permission policy), both with the policy as session policy.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetDelegatedAccessToken.html
import { arns } from '../../aws/arn';
import { awsError, awsErrors } from '../../aws/errors';
import { defineOperation, type Params } from '../types';
import { Validator } from '../validate';
import { credentialsOf, issueCallerSession, issueRoleSession, packedPolicySize, packedPolicyTooLarge } from './issue-session';

const expired = () =>
  awsError('ExpiredTradeInTokenException', 'The trade-in token provided in the request has expired and can no longer be exchanged for credentials. Request a new token and retry the operation.');

export const getDelegatedAccessToken = defineOperation({
  name: 'GetDelegatedAccessToken',
  service: 'sts',
  action: 'sts:GetDelegatedAccessToken',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'sts');
    const token = v.string('TradeInToken', { required: true });
    v.done();
    return { token };
  },
  resource: () => '*',
  handler(input, call) {
    const p = call.principal;
    if (p.kind === 'anonymous') throw awsErrors.missingAuthenticationToken();
    const d = call.store.delegationRequests.byTradeInToken(input.token);
    // An unknown token, another partner's, or one past its delegation period: nothing to trade (⚠ one answer for all).
    if (!d || d.requestorId !== p.accountId || !d.body.approver) throw expired();
    const remaining = Math.floor((Date.parse(d.expiresAt) - call.now.getTime()) / 1000);
    if (remaining < 1) throw expired();
    const policy = d.body.permissionPolicy;
    const size = packedPolicySize(policy, [], []);
    if (size > 100) throw packedPolicyTooLarge(size);
    const approver = d.body.approver;
    const sessionName = `delegation-${d.id}`.slice(0, 64);
    if (approver.kind === 'role') {
      const role = approver.entityId ? call.store.roles.getById(approver.entityId) : null;
      if (!role) throw expired();
      const session = issueRoleSession(call, {
        role, sessionName, seconds: remaining, via: 'GetDelegatedAccessToken', chained: false, parentAccessKeyId: null, sourceIdentity: null,
        sessionPolicy: policy, sessionPolicyArns: [], tags: [], transitiveTagKeys: [],
      });
      return { Credentials: credentialsOf(session), PackedPolicySize: size, AssumedPrincipal: role.arn };
    }
    const user = approver.entityId ? call.store.users.getById(approver.entityId) : null;
    if (!user) throw expired();
    const session = issueCallerSession(call, user.accountId, {
      kind: 'federated-user', via: 'GetDelegatedAccessToken', seconds: remaining,
      principalArn: arns.federatedUser(user.accountId, user.name), principalId: `${user.accountId}:${user.name}`,
      userId: user.id, userArn: user.arn, sessionPolicy: policy,
    });
    return { Credentials: credentialsOf(session), PackedPolicySize: size, AssumedPrincipal: user.arn };
  },
});
