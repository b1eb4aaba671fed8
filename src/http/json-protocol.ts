// Owns the AWS JSON 1.1 wire protocol (AWS Organizations): recognising a JSON request, reading the
// operation from X-Amz-Target, decoding the body, and encoding results and errors the way
// smithy's awsJson1_1 protocol and botocore's JSON parser read them.
//
// Protocol: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
// - Request: `POST /`, `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: <prefix>.<Operation>`,
//   body a JSON object (`{}` when the operation has no input).
// - Success: 200, the output structure as JSON (`{}` for operations without output); timestamps are
//   epoch seconds as JSON numbers (fractional milliseconds allowed).
// - Error: the error's status, body `{"__type": "<Code>", "Message": "…", …extra members}` and header
//   `x-amzn-ErrorType: <Code>`. SDK v3 reads the code from x-amzn-ErrorType, then `code`, then `__type`
//   (dropping anything after `:` and before `#`); botocore reads `__type` and `message`/`Message`.
import { AwsError, awsError } from '../aws/errors';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** True when the request speaks JSON (an X-Amz-Target header, or an x-amz-json content type). */
export function isJsonRequest(target: string | undefined, contentType: string | undefined): boolean {
  if (target !== undefined && target !== '') return true;
  return (contentType ?? '').trim().toLowerCase().startsWith('application/x-amz-json-');
}

/** `AWSOrganizationsV20161128.ListAccounts` → { prefix, operation }; null when there is no `.`. */
export function parseTarget(target: string | undefined): { prefix: string; operation: string } | null {
  if (!target) return null;
  const i = target.lastIndexOf('.');
  if (i <= 0 || i === target.length - 1) return null;
  return { prefix: target.slice(0, i), operation: target.slice(i + 1) };
}

export function unknownOperation(): AwsError {
  // Coral answers an unknown target with UnknownOperationException and no message of its own.
  return awsError('UnknownOperationException', 'Unknown operation');
}

/**
 * The request body as a JSON object. An empty body is `{}` (some clients send nothing for
 * operations without input); anything that is not a JSON object is SerializationException.
 */
export function decodeJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // ⚠ Text not captured from AWS (Coral's SerializationException usually carries no message).
    throw awsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw awsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return v as Record<string, unknown>;
}

/** Handler output → JSON value: Dates become epoch seconds, undefined members are dropped. */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      out[k] = toJsonValue(x);
    }
    return out;
  }
  return v;
}

export function encodeJsonSuccess(output: unknown, requestId: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(output === undefined || output === null ? {} : toJsonValue(output));
  return { body, headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId } };
}

/**
 * The errors the shared stages raise in awsQuery vocabulary, as JSON-protocol services name them.
 * JSON services answer authentication failures with 400s (UnrecognizedClientException,
 * InvalidSignatureException, …), and Organizations answers an authorization failure with
 * AccessDeniedException 400 (the model gives these errors no httpError, so they are client 400s).
 */
const QUERY_TO_JSON: Record<string, { code: string; status: number; message?: string }> = {
  AccessDenied: { code: 'AccessDeniedException', status: 400 },
  MissingAuthenticationToken: { code: 'MissingAuthenticationTokenException', status: 400, message: 'Missing Authentication Token' },
  InvalidClientTokenId: { code: 'UnrecognizedClientException', status: 400, message: 'The security token included in the request is invalid.' },
  SignatureDoesNotMatch: { code: 'InvalidSignatureException', status: 400 },
  IncompleteSignature: { code: 'IncompleteSignatureException', status: 400 },
  ExpiredToken: { code: 'ExpiredTokenException', status: 400, message: 'The security token included in the request is expired' },
  ServiceFailure: { code: 'ServiceException', status: 500, message: 'AWS Organizations can\'t complete your request because of an internal service error. Try again later.' },
  RequestEntityTooLarge: { code: 'SerializationException', status: 413 },
  InvalidAction: { code: 'UnknownOperationException', status: 400, message: 'Unknown operation' },
  MissingAction: { code: 'UnknownOperationException', status: 400, message: 'Unknown operation' },
};

export function encodeJsonError(err: AwsError, requestId: string): { status: number; body: string; headers: Record<string, string> } {
  const mapped = QUERY_TO_JSON[err.code];
  const code = mapped?.code ?? err.code;
  const message = mapped?.message ?? err.message;
  const rawStatus = mapped?.status ?? err.status;
  const status = Number.isInteger(rawStatus) && rawStatus >= 300 && rawStatus <= 599 ? rawStatus : 500;
  const fields = err.fields ?? {};
  const body = JSON.stringify({ __type: code, Message: message, ...fields });
  return {
    status,
    body,
    headers: { ...(err.headers ?? {}), 'content-type': JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': code },
  };
}
