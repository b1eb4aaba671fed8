// Owns the EC2 operation table: the small part of the EC2 API that decides how instances get
// credentials (instance profile associations, metadata options) plus a minimal DescribeInstances.
import { operationTable } from '../types';
import { instanceOperations } from './instances';
import { profileAssociationOperations } from './profile-associations';

export const ec2Operations = operationTable([...profileAssociationOperations, ...instanceOperations]);
