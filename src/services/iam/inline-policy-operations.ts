// Owns the shape shared by the inline-policy operations of roles, users and groups:
// Put/Get/List/Delete{Role,User,Group}Policy built from one entity-kind spec.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html ; aws-protocol §6.3–6.4, §6.7, §6.9.
import { awsErrors } from '../../aws/errors';
import { encodePolicyDocument, policySize } from '../../aws/policy-encoding';
import type { RequestContext } from '../../policy/types';
import type { PolicyOwnerKind } from '../../store/repos/inline-policies';
import type { Store } from '../../store/store';
import { checkPolicyDocument } from '../../store/policy-documents';
import { defineOperation, type Call, type Operation, type Params } from '../types';
import { Validator } from '../validate';
import { accountOf, pageFields, policyDocumentRule, policyNameRule, readPaging, type PagingInput } from './common';

export interface InlinePolicyEntitySpec {
  kind: PolicyOwnerKind;
  /** `Role`, `User`, `Group` as in the operation names. */
  title: 'Role' | 'User' | 'Group';
  /** The request parameter naming the entity, which is also the response field (`RoleName`, …). */
  nameParam: 'RoleName' | 'UserName' | 'GroupName';
  nameRule: { required: true; min: number; max: number; pattern: { text: string; re: RegExp } };
  /** The entity or NoSuchEntity. */
  require(store: Store, account: string, name: string): { id: string; name: string };
  /** The ARN the entity name is authorized against. */
  resource(call: Call, name: string): string;
  /** Aggregate size of all inline policies of one entity (whitespace not counted). */
  aggregateMax: number;
  /** How AccessDenied names the entity, where IAM does not print the ARN. */
  label?(name: string): string;
  /** Condition keys on the operations that change the entity's permissions (Put and Delete). */
  boundaryKeys?(call: Call, name: string): RequestContext;
  /** Refuses changes to an entity only AWS may change (service-linked roles). */
  requireModifiable?(entity: { id: string; name: string }): void;
}

export interface NamedPolicyInput {
  entityName: string;
  policyName: string;
}

export interface PutPolicyInput extends NamedPolicyInput {
  policyDocument: string;
}

export interface ListPoliciesInput extends PagingInput {
  entityName: string;
}

export interface ListPoliciesOutput {
  PolicyNames: string[];
  IsTruncated: boolean;
  Marker?: string;
}

/** The operation fields every inline-policy operation of a kind shares: resource, label. */
function entityFields(spec: InlinePolicyEntitySpec) {
  return {
    resource: (input: { entityName: string }, call: Call) => spec.resource(call, input.entityName),
    ...(spec.label ? { resourceLabel: (input: { entityName: string }) => spec.label!(input.entityName) } : {}),
  };
}

/** Put and Delete also carry the entity's boundary keys where the kind has them. */
function changingFields(spec: InlinePolicyEntitySpec) {
  return {
    ...entityFields(spec),
    ...(spec.boundaryKeys ? { conditionKeys: (input: { entityName: string }, call: Call) => spec.boundaryKeys!(call, input.entityName) } : {}),
  };
}

function readNamedPolicy(spec: InlinePolicyEntitySpec, params: Params): NamedPolicyInput {
  const v = new Validator(params, 'iam');
  const entityName = v.string(spec.nameParam, spec.nameRule);
  const policyName = v.string('PolicyName', policyNameRule);
  v.done();
  return { entityName, policyName };
}

function missingPolicy(spec: InlinePolicyEntitySpec, name: string) {
  return awsErrors.noSuchEntity(`The ${spec.kind} policy with name ${name} cannot be found.`);
}

export function putInlinePolicyOperation(spec: InlinePolicyEntitySpec): Operation<PutPolicyInput, undefined> {
  return defineOperation<PutPolicyInput, undefined>({
    name: `Put${spec.title}Policy`,
    service: 'iam',
    action: `iam:Put${spec.title}Policy`,
    mutating: true,
    input(params) {
      const v = new Validator(params, 'iam');
      const entityName = v.string(spec.nameParam, spec.nameRule);
      const policyName = v.string('PolicyName', policyNameRule);
      const policyDocument = v.string('PolicyDocument', policyDocumentRule);
      v.done();
      return { entityName, policyName, policyDocument };
    },
    ...changingFields(spec),
    handler(input, call) {
      const { store } = call;
      const entity = spec.require(store, accountOf(call), input.entityName);
      spec.requireModifiable?.(entity);
      checkPolicyDocument(input.policyDocument, 'identity');
      let total = policySize(input.policyDocument);
      for (const p of store.inlinePolicies.all(spec.kind, entity.id)) if (p.name !== input.policyName) total += policySize(p.document);
      if (total > spec.aggregateMax) {
        throw awsErrors.limitExceeded(`Maximum policy size of ${spec.aggregateMax} bytes exceeded for ${spec.kind} ${entity.name}`);
      }
      store.inlinePolicies.put(spec.kind, entity.id, input.policyName, input.policyDocument, call.now.toISOString());
      return undefined;
    },
  });
}

export function getInlinePolicyOperation(spec: InlinePolicyEntitySpec): Operation<NamedPolicyInput, Record<string, string>> {
  return defineOperation<NamedPolicyInput, Record<string, string>>({
    name: `Get${spec.title}Policy`,
    service: 'iam',
    action: `iam:Get${spec.title}Policy`,
    mutating: false,
    input: (params) => readNamedPolicy(spec, params),
    ...entityFields(spec),
    handler(input, call) {
      const entity = spec.require(call.store, accountOf(call), input.entityName);
      const p = call.store.inlinePolicies.get(spec.kind, entity.id, input.policyName);
      if (!p) throw missingPolicy(spec, input.policyName);
      return { [spec.nameParam]: entity.name, PolicyName: p.name, PolicyDocument: encodePolicyDocument(p.document) };
    },
  });
}

export function listInlinePoliciesOperation(spec: InlinePolicyEntitySpec): Operation<ListPoliciesInput, ListPoliciesOutput> {
  return defineOperation<ListPoliciesInput, ListPoliciesOutput>({
    name: `List${spec.title}Policies`,
    service: 'iam',
    action: `iam:List${spec.title}Policies`,
    mutating: false,
    input(params) {
      const v = new Validator(params, 'iam');
      const entityName = v.string(spec.nameParam, spec.nameRule);
      const paging = readPaging(v);
      v.done();
      return { entityName, ...paging };
    },
    ...entityFields(spec),
    handler(input, call) {
      const entity = spec.require(call.store, accountOf(call), input.entityName);
      const page = call.store.inlinePolicies.names(spec.kind, entity.id, input);
      return { PolicyNames: page.items, ...pageFields(page) };
    },
  });
}

export function deleteInlinePolicyOperation(spec: InlinePolicyEntitySpec): Operation<NamedPolicyInput, undefined> {
  return defineOperation<NamedPolicyInput, undefined>({
    name: `Delete${spec.title}Policy`,
    service: 'iam',
    action: `iam:Delete${spec.title}Policy`,
    mutating: true,
    input: (params) => readNamedPolicy(spec, params),
    ...changingFields(spec),
    handler(input, call) {
      const entity = spec.require(call.store, accountOf(call), input.entityName);
      spec.requireModifiable?.(entity);
      if (!call.store.inlinePolicies.get(spec.kind, entity.id, input.policyName)) throw missingPolicy(spec, input.policyName);
      call.store.inlinePolicies.delete(spec.kind, entity.id, input.policyName);
      return undefined;
    },
  });
}
