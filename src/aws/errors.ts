// Owns AWS's error vocabulary: one typed error whose code, HTTP status and message are AWS's own.
// The XML envelope lives in src/http/error-encode.ts; handlers and auth only throw AwsError.
// Codes/messages: ../shared/reference/aws-protocol.md §3.3, §4.7, §5.2, §6.6–6.8.

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra response headers (e.g. x-amzn-AuthorizationMessage hints); optional. */
  readonly headers?: Record<string, string>;
  /** Opaque details kept for the decision log / DecodeAuthorizationMessage. */
  readonly detail?: unknown;

  constructor(code: string, message: string, status = 400, opts: { headers?: Record<string, string>; detail?: unknown } = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.headers = opts.headers;
    this.detail = opts.detail;
  }

  /** `Sender` for 4xx, `Receiver` for 5xx, as AWS writes it in <Error><Type>. */
  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

// Factories for the codes used across services. Add more here, never ad-hoc strings elsewhere.
export const awsErrors = {
  accessDenied: (message: string, opts?: { headers?: Record<string, string>; detail?: unknown }) =>
    new AwsError('AccessDenied', message, 403, opts),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  invalidInput: (message: string) => new AwsError('InvalidInput', message, 400),
  invalidAction: (action: string, version: string) =>
    new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400),
  missingAction: () => new AwsError('MissingAction', 'Missing Action', 400),
  noSuchEntity: (message: string) => new AwsError('NoSuchEntity', message, 404),
  entityAlreadyExists: (message: string) => new AwsError('EntityAlreadyExists', message, 409),
  deleteConflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  limitExceeded: (message: string) => new AwsError('LimitExceeded', message, 409),
  malformedPolicyDocument: (message: string) => new AwsError('MalformedPolicyDocument', message, 400),
  policyNotAttachable: (message: string) => new AwsError('PolicyNotAttachable', message, 400),
  unmodifiableEntity: (message: string) => new AwsError('UnmodifiableEntity', message, 400),
  missingAuthenticationToken: () =>
    new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  incompleteSignature: (message: string) => new AwsError('IncompleteSignature', message, 400),
  signatureDoesNotMatch: (
    message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ) => new AwsError('SignatureDoesNotMatch', message, 403),
  invalidClientTokenId: () =>
    new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid', 403),
  expiredToken: () => new AwsError('ExpiredToken', 'The security token included in the request is expired', 403),
  serviceFailure: (message = 'Service failure') => new AwsError('ServiceFailure', message, 500),
  invalidAuthenticationCode: (message: string) => new AwsError('InvalidAuthenticationCode', message, 403),
  /** The policy simulator could not evaluate (IAM `PolicyEvaluationException`, HTTP 500). */
  policyEvaluation: (message: string) => new AwsError('PolicyEvaluation', message, 500),
} as const;
