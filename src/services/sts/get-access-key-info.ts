// Owns STS GetAccessKeyInfo: the account an access key id belongs to — an issued key (long-term or session)
// is looked up first, any other id is decoded from the key itself (aws-protocol §5.5).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
import { AwsError, awsError } from '../../aws/errors';
import { accountFromAccessKeyId } from '../../aws/ids';
import type { Store } from '../../store/store';
import { defineOperation } from '../types';
import { Validator } from '../validate';

/** The account of a key id; null when it is neither issued here nor decodable. */
export function accountOfAccessKey(store: Store, keyId: string): string | null {
  const key = store.accessKeys.get(keyId);
  if (key) return key.accountId;
  const session = store.sessions.get(keyId);
  if (session) return session.accountId;
  return accountFromAccessKeyId(keyId);
}

export const getAccessKeyInfo = defineOperation({
  name: 'GetAccessKeyInfo',
  service: 'sts',
  action: 'sts:GetAccessKeyInfo',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'sts');
    const accessKeyId = v.string('AccessKeyId', { required: true, min: 16, max: 128, pattern: { text: '[\\w]*', re: /^\w*$/ } });
    v.done();
    return { accessKeyId };
  },
  // sts:GetAccessKeyInfo has no resource-level permissions.
  resource: () => '*',
  handler(input, call) {
    const account = accountOfAccessKey(call.store, input.accessKeyId);
    // ⚠ AWS decodes any well-formed id (legacy ids give garbage); an id outside the key alphabet has no account.
    if (account === null) throw awsError('InvalidParameterValue', `The access key ID ${input.accessKeyId} is not valid.`);
    return { Account: account };
  },
});
