// Owns AWS's error vocabulary: ONE table of every error code iamlocal answers (code → HTTP status),
// the code a union type so a misspelt code does not compile, and the only constructor of AwsError.
// Handlers and auth only throw AwsError; the wire envelopes live in src/http/ (error-encode.ts for
// awsQuery XML, json-protocol.ts for JSON 1.1). Codes/messages: ../shared/reference/aws-protocol.md
// §3.3, §4.7, §5.2, §6.6–6.8; statuses from the botocore models' `httpError` (a shape without one
// is a client 400).

/**
 * Every AWS error code iamlocal can answer, with its HTTP status. `Sender` (4xx) / `Receiver` (5xx)
 * follows from the status. Add a code here (with the model it comes from) before throwing it.
 */
export const ERROR_CODES = {
  // Common to the Query services (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html)
  AccessDenied: 403,
  IncompleteSignature: 400,
  InvalidAction: 400,
  InvalidClientTokenId: 403,
  MissingAction: 400,
  MissingAuthenticationToken: 403,
  SignatureDoesNotMatch: 403,
  ExpiredToken: 403,
  InvalidParameterValue: 400,
  ValidationError: 400,
  ServiceFailure: 500,
  RequestEntityTooLarge: 413,
  IncompleteBody: 400,
  /** iamlocal's own: a request signed for a service it does not emulate (501: the SDKs do not retry it). */
  NotImplemented: 501,
  // IAM (botocore iam/2010-05-08/service-2.json)
  InvalidInput: 400,
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  DeleteConflict: 409,
  LimitExceeded: 409,
  MalformedPolicyDocument: 400,
  PolicyNotAttachable: 400,
  UnmodifiableEntity: 400,
  InvalidAuthenticationCode: 403,
  PolicyEvaluation: 500,
  ConcurrentModification: 409,
  EntityTemporarilyUnmodifiable: 409,
  PasswordPolicyViolation: 400,
  InvalidUserType: 400,
  ReportExpired: 410,
  ReportNotPresent: 410,
  ReportInProgress: 404,
  ReportGenerationLimitExceeded: 409,
  DuplicateCertificate: 409,
  DuplicateSSHPublicKey: 400,
  InvalidCertificate: 400,
  InvalidPublicKey: 400,
  KeyPairMismatch: 400,
  MalformedCertificate: 400,
  UnrecognizedPublicKeyEncoding: 400,
  NotSupportedService: 404,
  FeatureDisabled: 404,
  FeatureEnabled: 409,
  // Centralized root access (no httpError in the model: client 400s named by their shape)
  AccountNotManagementOrDelegatedAdministratorException: 400,
  CallerIsNotManagementAccountException: 400,
  OrganizationNotFoundException: 400,
  OrganizationNotInAllFeaturesModeException: 400,
  ServiceAccessNotEnabledException: 400,
  // STS (botocore sts/2011-06-15/service-2.json)
  InvalidIdentityToken: 400,
  ExpiredTokenException: 400,
  IDPCommunicationError: 400,
  IDPRejectedClaim: 403,
  PackedPolicyTooLarge: 400,
  InvalidAuthorizationMessageException: 400,
  RegionDisabledException: 403,
  SessionDurationEscalationException: 403,
  OutboundWebIdentityFederationDisabledException: 403,
  JWTPayloadSizeExceededException: 400,
  ExpiredTradeInTokenException: 400,
  // JSON protocols (smithy awsJson1_1 / restJson1 framework errors)
  SerializationException: 400,
  UnknownOperationException: 400,
  // Organizations (botocore organizations/2016-11-28/service-2.json: no shape has an httpError, so
  // every one is a client 400 — AccessDeniedException included; REST services map the pipeline's
  // AccessDenied to their own 403 AccessDeniedException in their codec)
  AWSOrganizationsNotInUseException: 400,
  AccessDeniedException: 400,
  AccountAlreadyClosedException: 400,
  AccountNotFoundException: 400,
  AlreadyInOrganizationException: 400,
  CreateAccountStatusNotFoundException: 400,
  MasterCannotLeaveOrganizationException: 400,
  OrganizationNotEmptyException: 400,
  ChildNotFoundException: 400,
  ConstraintViolationException: 400,
  DestinationParentNotFoundException: 400,
  DuplicateAccountException: 400,
  DuplicateOrganizationalUnitException: 400,
  DuplicatePolicyAttachmentException: 400,
  DuplicatePolicyException: 400,
  InvalidInputException: 400,
  MalformedPolicyDocumentException: 400,
  OrganizationalUnitNotEmptyException: 400,
  OrganizationalUnitNotFoundException: 400,
  ParentNotFoundException: 400,
  PolicyInUseException: 400,
  PolicyNotAttachedException: 400,
  PolicyNotFoundException: 400,
  PolicyTypeAlreadyEnabledException: 400,
  PolicyTypeNotAvailableForOrganizationException: 400,
  PolicyTypeNotEnabledException: 400,
  RootNotFoundException: 400,
  SourceParentNotFoundException: 400,
  TargetNotFoundException: 400,
  HandshakeConstraintViolationException: 400,
  HandshakeNotFoundException: 400,
  InvalidHandshakeTransitionException: 400,
  HandshakeAlreadyInStateException: 400,
  DuplicateHandshakeException: 400,
  AccountAlreadyRegisteredException: 400,
  AccountNotRegisteredException: 400,
  ResourcePolicyNotFoundException: 400,
  EffectivePolicyNotFoundException: 400,
  ResponsibilityTransferNotFoundException: 400,
  ResponsibilityTransferAlreadyInStatusException: 400,
  InvalidResponsibilityTransferTransitionException: 400,
  // EKS (botocore eks/2017-11-01/service-2.json; its AccessDeniedException is 403, which the restJson1
  // codec gives the pipeline's AccessDenied) and EKS Auth (eks-auth/2023-11-26: AccessDeniedException
  // and ExpiredTokenException 400, the same statuses as the entries above)
  ResourceNotFoundException: 404,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  ResourceInUseException: 409,
  ResourceLimitExceededException: 400,
  ServerException: 500,
  BadRequestException: 400,
  NotFoundException: 404,
  InvalidTokenException: 400,
  // IAM Access Analyzer (botocore accessanalyzer/2019-11-01/service-2.json `error.httpStatusCode`;
  // its AccessDeniedException is 403, answered by the restJson1 codec for the pipeline's AccessDenied)
  ValidationException: 400,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  UnprocessableEntityException: 422,
  ThrottlingException: 429,
  InternalServerException: 500,
  // EC2 (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html: client errors are 400,
  // UnauthorizedOperation 403, DryRunOperation 412); InvalidParameterValue is shared with the Query services above
  MissingParameter: 400,
  InvalidParameterCombination: 400,
  'InvalidInstanceID.NotFound': 400,
  'InvalidInstanceID.Malformed': 400,
  'InvalidAssociationID.NotFound': 400,
  IncorrectState: 400,
  DryRunOperation: 412,
  UnauthorizedOperation: 403,
  // Amazon S3 (REST XML; https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList),
  // answered by the authorizing proxy (src/proxy/). S3's own ExpiredToken is 400 and its unknown key is
  // InvalidAccessKeyId: the S3 codec (src/proxy/s3/errors.ts) maps the pipeline's codes onto S3's.
  InvalidRequest: 400,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  RequestTimeTooSkewed: 403,
  InvalidArgument: 400,
  InvalidAccessKeyId: 403,
  InvalidToken: 400,
  XAmzContentSHA256Mismatch: 400,
  /** An x-amz-checksum-* (header or trailer) that does not match the body (S3 checking-object-integrity). */
  BadDigest: 400,
  NoSuchBucketPolicy: 404,
  MalformedXML: 400,
  MalformedPolicy: 400,
  MethodNotAllowed: 405,
  BadGateway: 502,
  // Amazon DynamoDB (AWS JSON 1.0; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html:
  // every client error is a 400, AccessDeniedException and UnknownOperationException included), answered by the proxy
  UnrecognizedClientException: 400,
  InvalidSignatureException: 400,
  IncompleteSignatureException: 400,
  MissingAuthenticationTokenException: 400,
  // Amazon SQS (botocore sqs/2012-11-05/service-2.json: QueueDoesNotExist and QueueNameExists are 400s;
  // answered by the proxy's SQS codec, src/proxy/sqs/errors.ts, which also names the shared codes as SQS does)
  QueueDoesNotExist: 400,
  QueueNameExists: 400,
} as const satisfies Record<string, number>;

export type AwsErrorCode = keyof typeof ERROR_CODES;

export interface AwsErrorOptions {
  /** Extra response headers (e.g. x-amzn-AuthorizationMessage hints). */
  headers?: Record<string, string>;
  /** Opaque details kept for the decision log / DecodeAuthorizationMessage. */
  detail?: unknown;
  /** Extra members a JSON error body carries next to the message (Organizations' `Reason`, Access Analyzer's `fieldList`). */
  fields?: Record<string, unknown>;
}

/**
 * An AwsError is an answer to the caller (AccessDenied, NoSuchEntity…), never a bug report: nothing logs
 * its stack (app.ts and the admin routes log only other errors), so none is captured. Capturing the frames
 * was ~10 % of a denied call's CPU. `withoutFrames` runs as super()'s argument; the constructor restores
 * the limit right after.
 */
let savedStackTraceLimit = Error.stackTraceLimit;
function withoutFrames(message: string): string {
  savedStackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return message;
}

export class AwsError extends Error {
  readonly code: AwsErrorCode;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly detail?: unknown;
  readonly fields?: Record<string, unknown>;

  /** Build errors with `awsError()` (or a factory below); this module is the only caller. */
  constructor(code: AwsErrorCode, message: string, opts: AwsErrorOptions = {}) {
    super(withoutFrames(message));
    Error.stackTraceLimit = savedStackTraceLimit;
    this.name = code;
    this.code = code;
    this.status = ERROR_CODES[code];
    this.headers = opts.headers;
    this.detail = opts.detail;
    this.fields = opts.fields;
  }

  /** `Sender` for 4xx, `Receiver` for 5xx, as AWS writes it in <Error><Type>. */
  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }

  /** The same error with more response headers. */
  withHeaders(headers: Record<string, string>): AwsError {
    return new AwsError(this.code, this.message, { headers: { ...(this.headers ?? {}), ...headers }, detail: this.detail, fields: this.fields });
  }
}

/** The one way to build an error: the code's status comes from ERROR_CODES. */
export function awsError(code: AwsErrorCode, message: string, opts?: AwsErrorOptions): AwsError {
  return new AwsError(code, message, opts);
}

// Factories for the codes used across services.
export const awsErrors = {
  accessDenied: (message: string, opts?: { headers?: Record<string, string>; detail?: unknown }) =>
    awsError('AccessDenied', message, opts),
  validation: (message: string) => awsError('ValidationError', message),
  invalidInput: (message: string) => awsError('InvalidInput', message),
  invalidAction: (action: string, version: string) =>
    awsError('InvalidAction', `Could not find operation ${action} for version ${version}`),
  missingAction: () => awsError('MissingAction', 'Missing Action'),
  noSuchEntity: (message: string) => awsError('NoSuchEntity', message),
  entityAlreadyExists: (message: string) => awsError('EntityAlreadyExists', message),
  deleteConflict: (message: string) => awsError('DeleteConflict', message),
  limitExceeded: (message: string) => awsError('LimitExceeded', message),
  malformedPolicyDocument: (message: string) => awsError('MalformedPolicyDocument', message),
  policyNotAttachable: (message: string) => awsError('PolicyNotAttachable', message),
  unmodifiableEntity: (message: string) => awsError('UnmodifiableEntity', message),
  missingAuthenticationToken: () =>
    awsError('MissingAuthenticationToken', 'Request is missing Authentication Token'),
  incompleteSignature: (message: string) => awsError('IncompleteSignature', message),
  signatureDoesNotMatch: (
    message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ) => awsError('SignatureDoesNotMatch', message),
  invalidClientTokenId: () =>
    awsError('InvalidClientTokenId', 'The security token included in the request is invalid'),
  expiredToken: () => awsError('ExpiredToken', 'The security token included in the request is expired'),
  serviceFailure: (message = 'Service failure') => awsError('ServiceFailure', message),
  invalidAuthenticationCode: (message: string) => awsError('InvalidAuthenticationCode', message),
  // EC2 (Query protocol, EC2 flavour): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
  ec2MissingParameter: (name: string) => awsError('MissingParameter', `The request must contain the parameter ${name}`),
  ec2InvalidParameterValue: (message: string) => awsError('InvalidParameterValue', message),
  ec2InvalidParameterCombination: (message: string) => awsError('InvalidParameterCombination', message),
  ec2InstanceNotFound: (id: string) => awsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`),
  ec2InstanceMalformed: (id: string) => awsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`),
  ec2AssociationNotFound: (id: string) => awsError('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`),
  ec2IncorrectState: (message: string) => awsError('IncorrectState', message),
  /** DryRun=true on a call that would have been allowed (HTTP 412). */
  ec2DryRunOperation: () => awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'),
  /** EC2's AccessDenied: `UnauthorizedOperation` 403, the reason followed by the encoded authorization message. */
  ec2UnauthorizedOperation: (message: string, headers?: Record<string, string>) => awsError('UnauthorizedOperation', message, { headers }),
  /** The policy simulator could not evaluate (IAM `PolicyEvaluationException`, HTTP 500). */
  policyEvaluation: (message: string) => awsError('PolicyEvaluation', message),
} as const;
