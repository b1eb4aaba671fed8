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
  // EC2 (Query protocol, EC2 flavour): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
  ec2MissingParameter: (name: string) => new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  ec2InvalidParameterValue: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  ec2InvalidParameterCombination: (message: string) => new AwsError('InvalidParameterCombination', message, 400),
  ec2InstanceNotFound: (id: string) => new AwsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`, 400),
  ec2InstanceMalformed: (id: string) => new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400),
  ec2AssociationNotFound: (id: string) => new AwsError('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`, 400),
  ec2IncorrectState: (message: string) => new AwsError('IncorrectState', message, 400),
  /** DryRun=true on a call that would have been allowed (HTTP 412). */
  ec2DryRunOperation: () => new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412),
  /** EC2's AccessDenied: `UnauthorizedOperation` 403, the reason followed by the encoded authorization message. */
  ec2UnauthorizedOperation: (message: string, headers?: Record<string, string>) => new AwsError('UnauthorizedOperation', message, 403, { headers }),
  /** The policy simulator could not evaluate (IAM `PolicyEvaluationException`, HTTP 500). */
  policyEvaluation: (message: string) => new AwsError('PolicyEvaluation', message, 500),
} as const;
