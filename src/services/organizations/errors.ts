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
} as const;
export type ConstraintReason = keyof typeof CONSTRAINT_REASONS;

export const orgErrors = {
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
};
