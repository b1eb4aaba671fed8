// Owns STS DecodeAuthorizationMessage: opens the sealed message an iamlocal AccessDenied carried
// (header `x-amzn-authorization-message`) and returns AWS's DecodedMessage JSON (iam-evaluation §16).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
import { AwsError, awsError } from '../../aws/errors';
import { defineOperation } from '../types';
import { Validator } from '../validate';
import { decodeAuthorizationMessage, MAX_ENCODED_MESSAGE } from './authorization-message';

/** ⚠ AWS's text is not recorded; worded after the model's documentation of the error. */
export const invalidAuthorizationMessage = () =>
  awsError('InvalidAuthorizationMessageException', 'The message passed to DecodeAuthorizationMessage was invalid.');

export const decodeAuthorizationMessageOp = defineOperation({
  name: 'DecodeAuthorizationMessage',
  service: 'sts',
  action: 'sts:DecodeAuthorizationMessage',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'sts');
    // The member is not sensitive, but echoing a 10 KB value helps no one; AWS's echo of it is not recorded.
    const encodedMessage = v.string('EncodedMessage', { required: true, min: 1, max: MAX_ENCODED_MESSAGE });
    v.done();
    return { encodedMessage };
  },
  // No resource-level permissions: `Resource: "*"`.
  resource: () => '*',
  handler(input, call) {
    // A message decodes only for callers of the account the denial happened in.
    const decoded = call.principal.accountId ? decodeAuthorizationMessage(input.encodedMessage.trim(), call.principal.accountId) : null;
    if (!decoded) throw invalidAuthorizationMessage();
    return { DecodedMessage: JSON.stringify(decoded) };
  },
});
