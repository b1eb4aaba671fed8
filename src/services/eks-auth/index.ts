// Owns the EKS Auth operation table (restJson1, signing name `eks-auth`): its one operation and its
// IAM action eks-auth:AssumeRoleForPodIdentity on the cluster ARN
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneksauth.html).
import { operationTable } from '../types';
import { assumeRoleForPodIdentity } from './assume-role-for-pod-identity';

export const eksAuthOperations = operationTable([assumeRoleForPodIdentity]);
