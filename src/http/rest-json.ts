// Owns the AWS restJson1 wire protocol (EKS, EKS Auth, IAM Access Analyzer): routing a request by
// HTTP method and URI template to an operation, building its input from the path labels, query
// string and JSON body, and encoding results and errors the way SDK v3's AwsRestJson1Protocol and
// botocore's rest-json parser read them.
//
// Protocol: https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html
// - Request: the operation's `http` trait (method + URI template, e.g. `GET /clusters/{name}`);
//   `@httpLabel` members fill the `{labels}`, `@httpQuery` members come from the query string, the
//   rest of the input is the JSON body (`application/json`).
// - Success: the trait's status (200 unless the model says otherwise), the output as JSON;
//   timestamps in bodies are epoch seconds (JSON numbers).
// - Error: the error shape's `httpError` status, header `x-amzn-ErrorType: <Code>`, body
//   `{"message": "…", …members}`. SDK v3 reads the code from x-amzn-ErrorType (dropping anything
//   after `:`), botocore from the header or `__type`/`code`; both read `message` (or `Message`).
import { awsError, type AwsError } from '../aws/errors';
import { decodeForm } from './query-decode';
import { toJsonValue } from './json-protocol';

export const REST_JSON_CONTENT_TYPE = 'application/json';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';

/** An operation's `http` binding, as the service model states it. */
export interface RestBinding {
  method: HttpMethod;
  /** URI template, e.g. `/clusters/{name}/pod-identity-associations/{associationId}`; `{x+}` is greedy. */
  path: string;
  /** Query-string name → input member name (`@httpQuery`), e.g. `{ maxResults: 'maxResults' }`. */
  query?: Record<string, string>;
  /** Query members that are lists (repeated `name=a&name=b`). */
  queryLists?: readonly string[];
  /** The success status when the model's `http` trait names one (e.g. 201, 204). */
  successStatus?: number;
}

interface CompiledRoute<T> {
  method: HttpMethod;
  regex: RegExp;
  labels: string[];
  binding: RestBinding;
  value: T;
}

/** Matches request paths against URI templates; one router per service. */
export class RestRouter<T> {
  private readonly routes: CompiledRoute<T>[] = [];

  add(binding: RestBinding, value: T): void {
    const labels: string[] = [];
    const src = binding.path
      .split('/')
      .map((seg) =>
        seg.replace(/\{([A-Za-z0-9_]+)(\+?)\}|([^{}]+)/g, (_m, label: string | undefined, greedy: string, literal: string | undefined) => {
          if (label) {
            labels.push(label);
            return greedy ? '(.+)' : '([^/]+)';
          }
          return (literal ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }),
      )
      .join('/');
    this.routes.push({ method: binding.method, regex: new RegExp(`^${src}/?$`), labels, binding, value });
  }

  /** The route for `method path`; `methodMismatch` when the path exists under another method. */
  match(method: string, path: string): { value: T; binding: RestBinding; labels: Record<string, string> } | { methodMismatch: true } | null {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      if (r.method !== method) {
        pathMatched = true;
        continue;
      }
      const labels: Record<string, string> = {};
      r.labels.forEach((name, i) => {
        labels[name] = safeDecode(m[i + 1] ?? '');
      });
      return { value: r.value, binding: r.binding, labels };
    }
    return pathMatched ? { methodMismatch: true } : null;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The operation input: JSON body members, then `@httpQuery` members, then `@httpLabel` members
 * (labels win: a body cannot override the resource the path names). Query members not declared
 * by the binding are ignored, as the SDKs never send them and the service drops them.
 */
export function restInput(binding: RestBinding, labels: Record<string, string>, rawQuery: string, body: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = { ...decodeRestBody(body) };
  if (binding.query && rawQuery) {
    const q = decodeForm(rawQuery);
    for (const [name, member] of Object.entries(binding.query)) {
      const v = q.get(name);
      if (!v || v.length === 0) continue;
      out[member] = binding.queryLists?.includes(member) ? v : v[0];
    }
  }
  return Object.assign(out, labels);
}

/** The JSON body as an object; empty → `{}`; anything else is SerializationException. */
export function decodeRestBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // ⚠ Text not captured from AWS (restJson1 services answer SerializationException without a fixed text).
    throw awsError('SerializationException', 'Unable to parse the request body as JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw awsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return v as Record<string, unknown>;
}

export function encodeRestJsonSuccess(output: unknown, requestId: string, status = 200): { status: number; body: string; headers: Record<string, string> } {
  const body = status === 204 ? '' : JSON.stringify(output === undefined || output === null ? {} : toJsonValue(output));
  return { status, body, headers: { 'content-type': REST_JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId } };
}

/**
 * The shared stages raise errors in awsQuery vocabulary; restJson1 services name them as API
 * Gateway-fronted AWS services do (403 for authentication and authorization failures).
 * Sources: botocore models (AccessDeniedException httpError 403 in eks, eks-auth, accessanalyzer)
 * and the SDKs' recorded answers for unsigned/forged requests.
 */
const QUERY_TO_REST: Record<string, { code: string; status: number; message?: string }> = {
  AccessDenied: { code: 'AccessDeniedException', status: 403 },
  MissingAuthenticationToken: { code: 'MissingAuthenticationTokenException', status: 403, message: 'Missing Authentication Token' },
  InvalidClientTokenId: { code: 'UnrecognizedClientException', status: 403, message: 'The security token included in the request is invalid.' },
  SignatureDoesNotMatch: { code: 'InvalidSignatureException', status: 403 },
  IncompleteSignature: { code: 'IncompleteSignatureException', status: 403 },
  ExpiredToken: { code: 'ExpiredTokenException', status: 403, message: 'The security token included in the request is expired' },
  ServiceFailure: { code: 'InternalFailure', status: 500, message: 'We encountered an internal error. Please try again.' },
  RequestEntityTooLarge: { code: 'SerializationException', status: 413 },
  InvalidAction: { code: 'UnknownOperationException', status: 404, message: 'Not Found' },
  MissingAction: { code: 'UnknownOperationException', status: 404, message: 'Not Found' },
  UnknownOperationException: { code: 'UnknownOperationException', status: 404, message: 'Not Found' },
};

export function encodeRestJsonError(err: AwsError, requestId: string): { status: number; body: string; headers: Record<string, string> } {
  const mapped = QUERY_TO_REST[err.code];
  const code = mapped?.code ?? err.code;
  const message = mapped?.message ?? err.message;
  const status = mapped?.status ?? err.status;
  const body = JSON.stringify({ message, ...(err.fields ?? {}) });
  return {
    status,
    body,
    headers: { ...(err.headers ?? {}), 'content-type': REST_JSON_CONTENT_TYPE, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': code },
  };
}

/** The SigV4 signing name of a request (header or presigned query), without parsing or verifying it. */
export function signingNameOf(authorization: string | undefined, rawQuery: string): string | undefined {
  const fromHeader = authorization && /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(authorization);
  if (fromHeader) return fromHeader[1];
  const fromQuery = /(?:^|&)X-Amz-Credential=[^&/%]+(?:\/|%2F)\d{8}(?:\/|%2F)[^&/%]+(?:\/|%2F)([^&/%]+)(?:\/|%2F)aws4_request/i.exec(rawQuery);
  return fromQuery ? fromQuery[1] : undefined;
}
