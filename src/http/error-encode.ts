// Owns the awsQuery error envelope: AwsError → HTTP status, `<ErrorResponse>` body and headers.
//
// Shape: aws-protocol.md §3.3 (verbatim real STS response) and §3.4 (how the SDKs classify it).
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
import { AwsError, awsErrors } from '../aws/errors';
import { escapeXml } from './xml-encode';

/**
 * `<ErrorResponse xmlns=ns><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 * `Type` is `Sender` for 4xx and `Receiver` for 5xx; `RequestId` is a direct child of ErrorResponse
 * (not inside ResponseMetadata). The status is the error's own (never 200 with an error body, §3.4).
 * Headers: `Content-Type: text/xml`, `x-amzn-RequestId` (SDK v3 reads the request id only from
 * headers), plus any extra headers the error carries.
 */
export function encodeError(
  err: AwsError,
  requestId: string,
  namespace: string,
): { status: number; body: string; headers: Record<string, string> } {
  const status = Number.isInteger(err.status) && err.status >= 300 && err.status <= 599 ? err.status : 500;
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${escapeXml(namespace)}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId>` +
    `</ErrorResponse>`;
  return {
    status,
    body,
    headers: { ...(err.headers ?? {}), 'content-type': 'text/xml', 'x-amzn-RequestId': requestId },
  };
}

/**
 * Anything thrown that is not an AwsError is a bug in iamlocal: it becomes `ServiceFailure` 500
 * (Receiver) with AWS's generic text, never the exception's own message or stack (those go to the log).
 * Client mistakes must be thrown as AwsError 4xx — botocore retries 5xx four times (§3.4).
 */
export function toAwsError(e: unknown): AwsError {
  if (e instanceof AwsError) return e;
  return awsErrors.serviceFailure();
}
