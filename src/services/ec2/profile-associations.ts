// Owns EC2's instance profile associations: AssociateIamInstanceProfile, DescribeIamInstanceProfileAssociations,
// ReplaceIamInstanceProfileAssociation and DisassociateIamInstanceProfile. Giving an instance a profile
// passes its role to EC2, so iam:PassRole on that role is authorized too (iam:PassedToService
// ec2.amazonaws.com). iamlocal's associations take effect at once; the responses still say
// `associating` / `disassociating` as AWS's do.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateIamInstanceProfile.html ;
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html#permission-to-pass-iam-roles
import { awsErrors } from '../../aws/errors';
import type { Ec2Instance, ProfileAssociation } from '../../store/repos/ec2-instances';
import type { InstanceProfile } from '../../store/repos/instance-profiles';
import { defineOperation, type AuthzCheck, type Call, type Params } from '../types';
import {
  callerAccount,
  filters,
  instanceIdParam,
  instanceKeys,
  instanceResource,
  list,
  newAssociationId,
  profileParam,
  profileRoleArn,
  required,
  requireInstance,
  str,
} from './common';
import { EC2_SERVICE_PRINCIPAL, instanceArn } from './instance-credentials';

function associationShape(call: Call, instanceId: string, a: ProfileAssociation, state: string) {
  const profile = profileOf(call, a.profileArn);
  return { associationId: a.associationId, instanceId, iamInstanceProfile: { arn: a.profileArn, id: profile?.id }, state };
}

function profileOf(call: Call, arn: string): InstanceProfile | null {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const p = call.store.instanceProfiles.getByName(callerAccount(call), name);
  return p && p.arn === arn ? p : null;
}

/** iam:PassRole for the role the profile holds, if the profile exists and holds one. */
function passRoleChecks(params: Params, call: Call, instanceId: string | null): AuthzCheck[] {
  let profile: InstanceProfile;
  try {
    profile = profileParam(params, call);
  } catch {
    return []; // the handler answers InvalidParameterValue
  }
  const roleArn = profileRoleArn(call, profile);
  if (!roleArn) return [];
  const context: Record<string, string> = { 'iam:PassedToService': EC2_SERVICE_PRINCIPAL };
  if (instanceId) context['iam:AssociatedResourceArn'] = instanceResource(call, instanceId);
  return [{ action: 'iam:PassRole', resource: roleArn, context }];
}

/** The caller's instance an association id names (in this region), or InvalidAssociationID.NotFound. */
function byAssociation(call: Call, associationId: string): Ec2Instance {
  const i = call.store.ec2Instances.byAssociation(associationId);
  if (!i || i.accountId !== callerAccount(call) || i.region !== call.region) throw awsErrors.ec2AssociationNotFound(associationId);
  return i;
}

function associationResource(call: Call, associationId: string): string {
  const i = call.store.ec2Instances.byAssociation(associationId);
  return i && i.accountId === callerAccount(call) && i.region === call.region ? instanceArn(i) : `arn:aws:ec2:${call.region}:${callerAccount(call)}:instance/*`;
}

/** `ec2:NewInstanceProfile`: the ARN of the profile being attached, when it exists. */
function newProfileKey(params: Params, call: Call): Record<string, string> {
  try {
    return { 'ec2:NewInstanceProfile': profileParam(params, call).arn };
  } catch {
    return {}; // the handler answers InvalidParameterValue
  }
}

/** The keys of the instance an association belongs to (ec2:Region alone when there is none). */
function associationKeys(call: Call, associationId: string): Record<string, string | string[]> {
  const i = call.store.ec2Instances.byAssociation(associationId);
  return i ? instanceKeys(call, i.instanceId) : { 'ec2:Region': call.region };
}

// ------------------------------------------------------------------ AssociateIamInstanceProfile

interface AssociateInput {
  instanceId: string;
  params: Params;
}

export const associateIamInstanceProfile = defineOperation({
  name: 'AssociateIamInstanceProfile',
  service: 'ec2',
  action: 'ec2:AssociateIamInstanceProfile',
  mutating: true,
  input: (params): AssociateInput => {
    const instanceId = instanceIdParam(params);
    if (params.IamInstanceProfile === undefined) throw awsErrors.ec2MissingParameter('IamInstanceProfile');
    return { instanceId, params };
  },
  resource: (input, call) => instanceResource(call, input.instanceId),
  conditionKeys: (input, call) => ({ ...instanceKeys(call, input.instanceId), ...newProfileKey(input.params, call) }),
  extraChecks: (input, call) => passRoleChecks(input.params, call, input.instanceId),
  handler(input, call) {
    const instance = requireInstance(call, input.instanceId);
    const profile = profileParam(input.params, call);
    if (instance.association) throw awsErrors.ec2IncorrectState(`There is an existing association for instance ${instance.instanceId}`);
    const a: ProfileAssociation = { associationId: newAssociationId(call), profileArn: profile.arn, state: 'associated' };
    call.store.ec2Instances.setAssociation(instance.instanceId, a);
    return { iamInstanceProfileAssociation: associationShape(call, instance.instanceId, a, 'associating') };
  },
});

// ------------------------------------------------------------------ DescribeIamInstanceProfileAssociations

interface DescribeInput {
  associationIds: string[];
  filters: { name: string; values: string[] }[];
  maxResults: number | null;
  nextToken: string | null;
}

export const describeIamInstanceProfileAssociations = defineOperation({
  name: 'DescribeIamInstanceProfileAssociations',
  service: 'ec2',
  action: 'ec2:DescribeIamInstanceProfileAssociations',
  mutating: false,
  input: (params): DescribeInput => {
    const max = str(params, 'MaxResults');
    let maxResults: number | null = null;
    if (max !== undefined) {
      maxResults = /^\d+$/.test(max) ? Number(max) : NaN;
      if (!(maxResults >= 5 && maxResults <= 1000)) throw awsErrors.ec2InvalidParameterValue(`Value (${max}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    }
    const associationIds = list(params, 'AssociationId');
    if (associationIds.length > 0 && maxResults !== null) {
      throw awsErrors.ec2InvalidParameterCombination('The parameter AssociationIds cannot be used with the parameter maxResults');
    }
    const fs = filters(params);
    for (const f of fs) if (f.name !== 'instance-id' && f.name !== 'state') throw awsErrors.ec2InvalidParameterValue(`The filter '${f.name}' is invalid`);
    return { associationIds, filters: fs, maxResults, nextToken: str(params, 'NextToken') ?? null };
  },
  resource: () => '*',
  conditionKeys: (_input, call) => ({ 'ec2:Region': call.region }),
  handler(input, call) {
    const all = call.store.ec2Instances
      .list(callerAccount(call))
      .filter((i) => i.region === call.region && i.association)
      .map((i) => ({ instanceId: i.instanceId, a: i.association! }))
      .sort((x, y) => x.a.associationId.localeCompare(y.a.associationId));
    for (const id of input.associationIds) if (!all.some((x) => x.a.associationId === id)) throw awsErrors.ec2AssociationNotFound(id);
    let rows = input.associationIds.length > 0 ? all.filter((x) => input.associationIds.includes(x.a.associationId)) : all;
    for (const f of input.filters) {
      rows = rows.filter((x) => (f.name === 'instance-id' ? f.values.includes(x.instanceId) : f.values.includes(x.a.state)));
    }
    let start = 0;
    if (input.nextToken !== null) {
      const after = Buffer.from(input.nextToken, 'base64url').toString('utf8');
      if (!after.startsWith('iip-assoc-')) throw awsErrors.ec2InvalidParameterValue('The parameter NextToken is invalid');
      start = rows.findIndex((x) => x.a.associationId > after);
      if (start < 0) start = rows.length;
    }
    const page = input.maxResults === null ? rows.slice(start) : rows.slice(start, start + input.maxResults);
    const more = start + page.length < rows.length;
    return {
      iamInstanceProfileAssociationSet: page.map((x) => associationShape(call, x.instanceId, x.a, x.a.state)),
      nextToken: more ? Buffer.from(page[page.length - 1]!.a.associationId).toString('base64url') : undefined,
    };
  },
});

// ------------------------------------------------------------------ ReplaceIamInstanceProfileAssociation

interface ReplaceInput {
  associationId: string;
  params: Params;
}

export const replaceIamInstanceProfileAssociation = defineOperation({
  name: 'ReplaceIamInstanceProfileAssociation',
  service: 'ec2',
  action: 'ec2:ReplaceIamInstanceProfileAssociation',
  mutating: true,
  input: (params): ReplaceInput => {
    const associationId = required(params, 'AssociationId');
    if (params.IamInstanceProfile === undefined) throw awsErrors.ec2MissingParameter('IamInstanceProfile');
    return { associationId, params };
  },
  resource: (input, call) => associationResource(call, input.associationId),
  conditionKeys: (input, call) => ({ ...associationKeys(call, input.associationId), ...newProfileKey(input.params, call) }),
  extraChecks: (input, call) => passRoleChecks(input.params, call, call.store.ec2Instances.byAssociation(input.associationId)?.instanceId ?? null),
  handler(input, call) {
    const instance = byAssociation(call, input.associationId);
    const profile = profileParam(input.params, call);
    // A replacement is a new association (new id), as in AWS.
    const a: ProfileAssociation = { associationId: newAssociationId(call), profileArn: profile.arn, state: 'associated' };
    call.store.ec2Instances.setAssociation(instance.instanceId, a);
    return { iamInstanceProfileAssociation: associationShape(call, instance.instanceId, a, 'associating') };
  },
});

// ------------------------------------------------------------------ DisassociateIamInstanceProfile

export const disassociateIamInstanceProfile = defineOperation({
  name: 'DisassociateIamInstanceProfile',
  service: 'ec2',
  action: 'ec2:DisassociateIamInstanceProfile',
  mutating: true,
  input: (params) => ({ associationId: required(params, 'AssociationId') }),
  resource: (input, call) => associationResource(call, input.associationId),
  conditionKeys: (input, call) => associationKeys(call, input.associationId),
  handler(input, call) {
    const instance = byAssociation(call, input.associationId);
    const a = instance.association!;
    call.store.ec2Instances.setAssociation(instance.instanceId, null);
    return { iamInstanceProfileAssociation: associationShape(call, instance.instanceId, a, 'disassociating') };
  },
});

export const profileAssociationOperations = [associateIamInstanceProfile, describeIamInstanceProfileAssociations, replaceIamInstanceProfileAssociation, disassociateIamInstanceProfile];
