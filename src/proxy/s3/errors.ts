// Owns S3's error wire format for the authorizing proxy: the REST XML <Error> document with S3's own
// codes, statuses and messages (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
// The shared verifier and authorizer speak the Query services' vocabulary; this maps it onto S3's
// (an unknown key is InvalidAccessKeyId, a bad session token InvalidToken, an expired one a 400).
import { awsError, AwsError } from '../../aws/errors';

/** Escapes element text as S3 writes it. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** The pipeline's error as S3 answers it. `hadToken`: the request carried a session token. */
export function toS3Error(e: AwsError, ctx: { accessKeyId?: string; hadToken: boolean; form?: 'header' | 'query' }): AwsError {
  switch (e.code) {
    case 'InvalidClientTokenId':
      return ctx.hadToken
        ? awsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', { fields: {} })
        : awsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { fields: ctx.accessKeyId ? { AWSAccessKeyId: ctx.accessKeyId } : {} });
    case 'ExpiredToken':
      return awsError('ExpiredToken', 'The provided token has expired.', { fields: {} });
    case 'IncompleteSignature':
      return ctx.form === 'query'
        ? awsError('AuthorizationQueryParametersError', e.message)
        : awsError('AuthorizationHeaderMalformed', e.message);
    default:
      return e;
  }
}

/** S3's status for a code where it differs from the Query services' (ExpiredToken is 400 in S3). */
function s3Status(e: AwsError): number {
  return e.code === 'ExpiredToken' ? 400 : e.status;
}

export interface EncodedS3Error {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `<Error><Code/><Message/>…fields…<RequestId/><HostId/></Error>`; HEAD responses carry no body. */
export function encodeS3Error(e: AwsError, requestId: string, hostId: string): EncodedS3Error {
  let body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message>`;
  for (const [k, v] of Object.entries(e.fields ?? {})) body += `<${k}>${xmlEscape(String(v))}</${k}>`;
  body += `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  return {
    status: s3Status(e),
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': hostId },
    body,
  };
}
