// Owns SQS's error envelopes for the proxy's own refusals, in the request's protocol:
// - AWS JSON 1.0 (SDK v3, botocore ≥ 1.31.64): `{"__type": …, "message": …}` with
//   `x-amzn-query-error: <query code>;Sender|Receiver` — SQS is `awsQueryCompatible`, so the SDKs take
//   the error code from that header (AccessDenied, AWS.SimpleQueueService.NonExistentQueue, …);
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html
// - query protocol: `<ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse>`;
//   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html
import type { AwsError, AwsErrorCode } from '../../aws/errors';
import { escapeXml } from '../../http/xml-encode';

export const JSON_10 = 'application/x-amz-json-1.0';

/** The JSON `__type` and the query-protocol code SQS answers for each code the proxy throws. */
const SQS_NAMES: Partial<Record<AwsErrorCode, [jsonType: string, queryCode: string]>> = {
  AccessDenied: ['com.amazon.coral.service#AccessDeniedException', 'AccessDenied'],
  InvalidClientTokenId: ['com.amazon.coral.service#UnrecognizedClientException', 'InvalidClientTokenId'],
  SignatureDoesNotMatch: ['com.amazon.coral.service#InvalidSignatureException', 'SignatureDoesNotMatch'],
  IncompleteSignature: ['com.amazon.coral.service#IncompleteSignatureException', 'IncompleteSignature'],
  MissingAuthenticationToken: ['com.amazon.coral.service#MissingAuthenticationTokenException', 'MissingAuthenticationToken'],
  ExpiredToken: ['com.amazon.coral.service#ExpiredTokenException', 'ExpiredToken'],
  InvalidAction: ['com.amazon.coral.service#UnknownOperationException', 'InvalidAction'],
  QueueDoesNotExist: ['com.amazonaws.sqs#QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'],
  QueueNameExists: ['com.amazonaws.sqs#QueueNameExists', 'QueueAlreadyExists'],
  SerializationException: ['com.amazon.coral.service#SerializationException', 'SerializationException'],
};

export function sqsErrorResponse(err: AwsError, protocol: 'json' | 'query', requestId: string): { status: number; headers: Record<string, string>; body: string } {
  const [jsonType, queryCode] = SQS_NAMES[err.code] ?? [`com.amazonaws.sqs#${err.code}`, err.code];
  if (protocol === 'json') {
    const body = JSON.stringify({ __type: jsonType, message: err.message });
    return { status: err.status, body, headers: { 'content-type': JSON_10, 'x-amzn-query-error': `${queryCode};${err.type}`, 'x-amzn-requestid': requestId } };
  }
  const body =
    `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">` +
    `<Error><Type>${err.type}</Type><Code>${escapeXml(queryCode)}</Code><Message>${escapeXml(err.message)}</Message><Detail/></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
  return { status: err.status, body, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId } };
}
