// Owns the STS operation table: every STS Action iamlocal answers, each with its IAM action and
// resource declared next to its handler. An Action not listed here is InvalidAction, never unauthorized.
import { operationTable } from '../types';
import { assumeRole } from './assume-role';
import { getCallerIdentity } from './get-caller-identity';

export const stsOperations = operationTable([getCallerIdentity, assumeRole]);
