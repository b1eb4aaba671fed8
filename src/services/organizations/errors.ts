// Owns AWS Organizations' error vocabulary: each exception with AWS's code, status (the model gives
// none a status, so all are client 400s) and message text, and InvalidInputException /
// ConstraintViolationException with their Reason member.
// Codes: botocore/data/organizations/2016-11-28/service-2.json; texts as AWS prints them where
// recorded (GitHub issues quoting real responses), else the model's documentation sentence (⚠).
import { awsError, type AwsErrorCode } from '../../aws/errors';

const e = (code: AwsErrorCode, message: string) => awsError(code, message);

/** InvalidInputException reasons and their texts (the model documents each reason). */
export const INPUT_REASONS = {
  INPUT_REQUIRED: 'You must include a value for all required parameters.', // ⚠ model doc text
  INVALID_PATTERN: 'You provided a value that does not match the required pattern.', // recorded (aws-ia/terraform-aws-control_tower_account_factory#287)
  INVALID_PATTERN_TARGET_ID: "You specified a policy target ID that doesn't match the required pattern.", // ⚠
  MAX_LENGTH_EXCEEDED: 'You provided a string parameter that is longer than allowed.', // ⚠
  MIN_LENGTH_EXCEEDED: 'You provided a string parameter that is shorter than allowed.', // ⚠
  MAX_VALUE_EXCEEDED: 'You provided a numeric parameter that has a larger value than allowed.', // ⚠
  MIN_VALUE_EXCEEDED: 'You provided a numeric parameter that has a smaller value than allowed.', // ⚠
  INVALID_ENUM: 'You specified an invalid value.', // ⚠
  INVALID_ENUM_POLICY_TYPE: 'You specified an invalid policy type string.', // ⚠
  INVALID_NEXT_TOKEN: 'Get the value for the NextToken parameter from the response to a previous call of the operation.', // ⚠
  IMMUTABLE_POLICY: "You specified a policy that is managed by AWS and can't be modified.", // ⚠
  NON_DETACHABLE_POLICY: "You can't detach this AWS Managed Policy.", // ⚠
  DUPLICATE_TAG_KEY: 'Tag keys must be unique among the tags attached to the same entity.', // ⚠
  TARGET_NOT_SUPPORTED: "You can't perform the specified operation on that target entity.", // ⚠
  INVALID_SYSTEM_TAGS_PARAMETER: "You specified a tag key that is a system tag. You can't add, edit, or delete system tag keys because they're reserved for AWS use.", // ⚠ model doc text
  INVALID_LIST_MEMBER: 'You provided a list to a parameter that contains at least one invalid value.', // ⚠ model doc text
  MAX_LIMIT_EXCEEDED_FILTER: 'You can specify only one filter parameter for the operation.', // ⚠ model doc text
  INVALID_PARTY_TYPE_TARGET: 'You specified the wrong type of entity (account, organization, or email) as a party.', // ⚠ model doc text
  INVALID_EMAIL_ADDRESS_TARGET: 'You specified an invalid email address for the invited account owner.', // ⚠
  UNRECOGNIZED_SERVICE_PRINCIPAL: "You specified a service principal that isn't recognized.", // ⚠ model doc text
  INVALID_RESOURCE_POLICY_JSON: 'The provided resource policy is not a valid JSON document.', // ⚠ (no model text)
  INVALID_PRINCIPAL: 'You specified an invalid principal element in the policy.', // ⚠ model doc text
  UNSUPPORTED_ACTION_IN_RESOURCE_POLICY: 'The action specified in the resource policy is not supported.', // ⚠
  UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY: 'The resource specified in the resource policy is not supported.', // ⚠
  START_DATE_NOT_BEGINNING_OF_MONTH: 'You provided an invalid start date. The start date must be the first day of the month.', // ⚠ model doc text
  START_DATE_TOO_EARLY: 'You provided an invalid start date. The start date is too early.', // ⚠ model doc text
  END_DATE_NOT_END_OF_MONTH: 'You provided an invalid end date. The end date must be the end of the last day of the month (23.59.59.999).', // ⚠ model doc text
  END_DATE_TOO_EARLY: 'You provided an invalid end date. It is too early for the transfer to end.', // ⚠ model doc text
} as const;
export type InputReason = keyof typeof INPUT_REASONS;

/** ConstraintViolationException reasons used here, with the model's texts (⚠). */
export const CONSTRAINT_REASONS = {
  MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED:
    'You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.',
  MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED: 'You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.',
  OU_DEPTH_LIMIT_EXCEEDED: 'You attempted to create an OU tree that is too many levels deep.',
  OU_NUMBER_LIMIT_EXCEEDED: 'You attempted to exceed the number of OUs that you can have in an organization.',
  POLICY_CONTENT_LIMIT_EXCEEDED: 'You attempted to create a policy that is larger than the maximum size.',
  POLICY_NUMBER_LIMIT_EXCEEDED: 'You attempted to exceed the number of policies that you can have in an organization.',
  MAX_TAG_LIMIT_EXCEEDED: 'You have exceeded the number of tags allowed on this resource.',
  ORGANIZATION_NOT_IN_ALL_FEATURES_MODE: "You attempted to perform an operation that requires the organization to be configured to support all features. An organization that supports only consolidated billing features can't perform this operation.",
  /** Recorded (aws-solutions/quota-monitor-for-aws#102). */
  CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR: 'You cannot register master account/yourself as delegated administrator for your organization.',
  CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR: 'You cannot register a suspended account as a delegated administrator.',
  CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG: 'You attempted to remove an account that is registered as a delegated administrator for a service integrated with your organization. To complete this operation, you must first deregister this account as a delegated administrator.',
  MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED: 'To complete this operation, the management account must have an associated account in the Amazon Web Services GovCloud (US-West) Region. For more information, see Organizations in the Amazon Web Services GovCloud User Guide.',
  DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE:
    'You attempted to register an Amazon Web Services account as a delegated administrator for an Amazon Web Services service that already has a delegated administrator. To complete this operation, you must first deregister any existing delegated administrators for this service.',
  POLICY_TYPE_ENABLED_FOR_THIS_SERVICE:
    'You attempted to disable service access before you disabled the policy type (for example, SECURITYHUB_POLICY). To complete this operation, you must first disable the policy type.',
} as const;

/** HandshakeConstraintViolationException reasons used here, with the model's texts (⚠). */
export const HANDSHAKE_REASONS = {
  ALREADY_IN_AN_ORGANIZATION: 'The handshake request is invalid because the invited account is already a member of an organization.',
  ORGANIZATION_ALREADY_HAS_ALL_FEATURES: 'The handshake request is invalid because the organization has already enabled all features.',
  SOURCE_AND_TARGET_CANNOT_MATCH: "An account can't accept a transfer invitation if it is both the sender and recipient of the invitation.",
  RESPONSIBILITY_TRANSFER_ALREADY_EXISTS: 'You cannot perform this operation with the current transfer.',
} as const;
export type HandshakeReason = keyof typeof HANDSHAKE_REASONS;
export type ConstraintReason = keyof typeof CONSTRAINT_REASONS;

export const orgErrors = {
  handshakeConstraint: (reason: HandshakeReason) =>
    awsError('HandshakeConstraintViolationException', HANDSHAKE_REASONS[reason], { fields: { Reason: reason } }),
  handshakeNotFound: () => e('HandshakeNotFoundException', "We can't find a handshake with the HandshakeId that you specified."), // ⚠ model doc text
  invalidHandshakeTransition: () =>
    e('InvalidHandshakeTransitionException', "You can't perform the operation on the handshake in its current state. For example, you can't cancel a handshake that was already accepted or accept a handshake that was already declined."), // ⚠ model doc text
  handshakeAlreadyInState: () =>
    e('HandshakeAlreadyInStateException', "The specified handshake is already in the requested state. For example, you can't accept a handshake that was already accepted."), // ⚠ model doc text
  duplicateHandshake: () => e('DuplicateHandshakeException', 'A handshake with the same action and target already exists.'), // ⚠ model doc text (first sentence)
  /** Recorded: pepperize/cdk-organizations#716. */
  accountAlreadyRegistered: () => e('AccountAlreadyRegisteredException', 'The provided account is already a delegated administrator for your organization.'),
  accountNotRegistered: () => e('AccountNotRegisteredException', 'The specified account is not a delegated administrator for this Amazon Web Services service.'), // ⚠ model doc text
  resourcePolicyNotFound: () => e('ResourcePolicyNotFoundException', "We can't find a resource policy request with the parameter that you specified."), // ⚠ model doc text
  effectivePolicyNotFound: () =>
    e('EffectivePolicyNotFoundException', "If you ran this action on the management account, this policy type is not enabled. If you ran the action on a member account, the account doesn't have an effective policy of this type. Contact the administrator of your organization about attaching a policy of this type to the account."), // ⚠ model doc text
  transferNotFound: () => e('ResponsibilityTransferNotFoundException', "We can't find a transfer that you specified."), // ⚠ model doc text
  transferAlreadyInStatus: () => e('ResponsibilityTransferAlreadyInStatusException', 'The responsibility transfer is already in the status that you specified.'), // ⚠
  invalidTransferTransition: () =>
    e('InvalidResponsibilityTransferTransitionException', "The responsibility transfer can't transition to the requested state because it's not in a valid state for this operation."), // ⚠
  invalidInput: (reason: InputReason) => awsError('InvalidInputException', INPUT_REASONS[reason], { fields: { Reason: reason } }),
  constraintViolation: (reason: ConstraintReason) =>
    awsError('ConstraintViolationException', CONSTRAINT_REASONS[reason], { fields: { Reason: reason } }),
  /** Recorded: cloud-custodian/cloud-custodian#8106, duo-labs/cloudmapper#733. */
  notInUse: () => e('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.'),
  /** A member account calling a management-account operation. Recorded: awslabs/aws-innovation-sandbox#6, prowler-cloud/prowler#2133. */
  notManagementAccount: () => e('AccessDeniedException', "You don't have permissions to access this resource."),
  /** Recorded text (moto mirrors it). */
  accountNotFound: () => e('AccountNotFoundException', "You specified an account that doesn't exist."),
  parentNotFound: () => e('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified."), // ⚠
  sourceParentNotFound: () => e('SourceParentNotFoundException', "We can't find a source root or OU with the ParentId that you specified."), // ⚠
  destinationParentNotFound: () =>
    e('DestinationParentNotFoundException', "We can't find the destination container (a root or OU) with the ParentId that you specified."), // ⚠
  duplicateAccount: () => e('DuplicateAccountException', 'That account is already present in the specified destination.'), // ⚠
  childNotFound: () => e('ChildNotFoundException', "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."), // ⚠
  ouNotFound: () => e('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified."), // ⚠
  ouNotEmpty: () =>
    e('OrganizationalUnitNotEmptyException', 'The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.'), // ⚠
  duplicateOu: () => e('DuplicateOrganizationalUnitException', 'An OU with the same name already exists.'),
  duplicatePolicy: () => e('DuplicatePolicyException', 'A policy with the same name already exists.'),
  policyNotFound: () => e('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified."),
  targetNotFound: () => e('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified."), // ⚠
  rootNotFound: () => e('RootNotFoundException', "We can't find a root with the RootId that you specified."), // ⚠
  policyInUse: () =>
    e('PolicyInUseException', 'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.'),
  policyNotAttached: () => e('PolicyNotAttachedException', "The policy isn't attached to the specified target in the specified root."), // ⚠
  duplicatePolicyAttachment: () => e('DuplicatePolicyAttachmentException', 'The selected policy is already attached to the specified target.'), // ⚠
  policyTypeNotEnabled: () => e('PolicyTypeNotEnabledException', 'This operation can be performed only for enabled policy types.'),
  policyTypeAlreadyEnabled: () => e('PolicyTypeAlreadyEnabledException', 'The specified policy type is already enabled.'),
  policyTypeNotAvailable: () =>
    e('PolicyTypeNotAvailableForOrganizationException', "You can't use the specified policy type with the feature set currently enabled for this organization."), // ⚠
  /** Organizations' text is the same whatever is wrong (org-formation/org-formation-cli#225). */
  malformedPolicy: () => e('MalformedPolicyDocumentException', 'The provided policy document does not meet the requirements of the specified policy type.'),
  alreadyInOrganization: () => e('AlreadyInOrganizationException', 'This account is already a member of an organization.'), // ⚠ model doc text
  organizationNotEmpty: () =>
    e('OrganizationNotEmptyException', 'The organization isn\'t empty. To delete an organization, you must first remove all accounts except the management account.'), // ⚠
  createAccountStatusNotFound: () => e('CreateAccountStatusNotFoundException', "We can't find a create account request with the CreateAccountRequestId that you specified."), // ⚠
  accountAlreadyClosed: () => e('AccountAlreadyClosedException', 'You attempted to close an account that is already closed.'), // ⚠
  /** The management account can't leave, be removed or be closed through Organizations. */
  masterCannotLeave: () =>
    e('MasterCannotLeaveOrganizationException', "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account."), // ⚠ model doc text
};
