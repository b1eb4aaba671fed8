// Owns the EKS operation table (restJson1, signing name `eks`): every EKS operation iamlocal answers,
// each with its IAM action, resource ARN and condition keys from the Service Authorization Reference
// for Amazon EKS (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html).
import { operationTable } from '../types';
import { createClusterOp, deleteClusterOp, describeClusterOp, listClustersOp } from './clusters';
import {
  createPodIdentityAssociationOp,
  deletePodIdentityAssociationOp,
  describePodIdentityAssociationOp,
  listPodIdentityAssociationsOp,
  updatePodIdentityAssociationOp,
} from './pod-identity-associations';
import { listTagsForResourceOp, tagResourceOp, untagResourceOp } from './tags';

export const eksOperations = operationTable([
  createClusterOp,
  describeClusterOp,
  listClustersOp,
  deleteClusterOp,
  tagResourceOp,
  untagResourceOp,
  listTagsForResourceOp,
  createPodIdentityAssociationOp,
  describePodIdentityAssociationOp,
  listPodIdentityAssociationsOp,
  updatePodIdentityAssociationOp,
  deletePodIdentityAssociationOp,
]);
