// Owns the errors EKS Auth AssumeRoleForPodIdentity answers (codes and statuses from botocore
// eks-auth/2023-11-26/service-2.json: InvalidTokenException, ExpiredTokenException and
// AccessDeniedException 400, ResourceNotFoundException 404). AWS's texts are not recorded in any
// public source found; every message here is ⚠ our wording, kept in this one file so it can be
// corrected in one place, and says why.
import { awsError } from '../../aws/errors';

export const podIdentityErrors = {
  /** The token does not have the model's JwtToken shape (three base64url segments). */
  malformedToken: () => awsError('InvalidTokenException', 'The service account token is not a valid JWT.'),
  /** Any verification failure of the STS-style verifier (signature, algorithm, claims), with its reason. */
  invalidToken: (reason: string) => awsError('InvalidTokenException', `The service account token is invalid: ${reason}`),
  wrongIssuer: (cluster: string) => awsError('InvalidTokenException', `The service account token was not issued by cluster ${cluster}.`),
  wrongAudience: () => awsError('InvalidTokenException', 'The service account token audience must be pods.eks.amazonaws.com.'),
  notPodBound: () => awsError('InvalidTokenException', 'The service account token is not bound to a pod (no kubernetes.io.pod claim).'),
  expired: (message: string) => awsError('ExpiredTokenException', message),
  noAssociation: (cluster: string, namespace: string, serviceAccount: string) =>
    awsError('ResourceNotFoundException', `No Pod Identity Association found for service account ${serviceAccount} in namespace ${namespace} of cluster ${cluster}.`),
  invalidClusterName: (name: string) =>
    awsError('InvalidParameterException', `1 validation error detected: Value '${name}' at 'clusterName' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9A-Za-z][A-Za-z0-9\\-_]*`),
  /** The role's trust policy (or the target role's) refused: the evaluator's reason is appended. */
  accessDenied: (message: string) => awsError('AccessDeniedException', message),
} as const;
