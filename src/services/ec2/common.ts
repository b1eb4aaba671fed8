// Owns what the EC2 operations share: reading EC2 Query parameters (`X.N` lists, `Filter.N.Name/Value.N`),
// finding the caller's instances (EC2 is regional: the SigV4 scope's region and the caller's account),
// instance ARNs and the condition keys an instance carries in every authorization.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
import { awsErrors } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { Ec2Instance } from '../../store/repos/ec2-instances';
import type { InstanceProfile } from '../../store/repos/instance-profiles';
import type { Call, Params } from '../types';
import { instanceArn } from './instance-credentials';

export const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

export function callerAccount(call: Call): string {
  return call.principal.accountId ?? call.config.defaultAccountId;
}

export function str(params: Params, name: string): string | undefined {
  const v = params[name];
  return typeof v === 'string' ? v : undefined;
}

export function required(params: Params, name: string): string {
  const v = str(params, name);
  if (v === undefined || v === '') throw awsErrors.ec2MissingParameter(name);
  return v;
}

/** An EC2 list parameter `Name.1`, `Name.2`, … in index order. */
export function list(params: Params, name: string): string[] {
  const v = params[name];
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>)
    .filter(([k, x]) => /^\d+$/.test(k) && typeof x === 'string')
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, x]) => x as string);
}

/** `Filter.N.Name` / `Filter.N.Value.M`. */
export function filters(params: Params): { name: string; values: string[] }[] {
  const v = params.Filter;
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>)
    .filter(([k, f]) => /^\d+$/.test(k) && f && typeof f === 'object')
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, f]) => {
      const o = f as Params;
      return { name: str(o, 'Name') ?? '', values: list(o, 'Value') };
    });
}

export function dryRun(params: Params): boolean {
  return str(params, 'DryRun')?.toLowerCase() === 'true';
}

export function instanceIdParam(params: Params): string {
  const id = required(params, 'InstanceId');
  if (!INSTANCE_ID.test(id)) throw awsErrors.ec2InstanceMalformed(id);
  return id;
}

/** The caller's instance in the request's region, or InvalidInstanceID.NotFound. */
export function requireInstance(call: Call, id: string): Ec2Instance {
  const i = call.store.ec2Instances.get(id);
  if (!i || i.accountId !== callerAccount(call) || i.region !== call.region) throw awsErrors.ec2InstanceNotFound(id);
  return i;
}

export function instanceResource(call: Call, id: string): string {
  return instanceArn({ region: call.region, accountId: callerAccount(call), instanceId: id });
}

/**
 * Keys of the instance resource every action on it carries (its tags come from the resource ARN, see
 * authz/request-context resourceTagContext): ec2:Region, ec2:AvailabilityZone, ec2:InstanceType,
 * ec2:InstanceProfile and its metadata options as they are now.
 */
export function instanceKeys(call: Call, id: string): RequestContext {
  const i = call.store.ec2Instances.get(id);
  const ctx: RequestContext = { 'ec2:Region': call.region };
  if (!i || i.accountId !== callerAccount(call) || i.region !== call.region) return ctx;
  ctx['ec2:AvailabilityZone'] = i.availabilityZone;
  ctx['ec2:InstanceType'] = i.instanceType;
  ctx['ec2:MetadataHttpTokens'] = i.httpTokens;
  ctx['ec2:MetadataHttpEndpoint'] = i.httpEndpoint;
  ctx['ec2:MetadataHttpPutResponseHopLimit'] = String(i.hopLimit);
  ctx['ec2:InstanceMetadataTags'] = i.metadataTags;
  if (i.association) ctx['ec2:InstanceProfile'] = i.association.profileArn;
  for (const t of i.tags) ctx[`ec2:ResourceTag/${t.Key}`] = t.Value;
  return ctx;
}

/** `IamInstanceProfile.Arn` or `IamInstanceProfile.Name`: the caller's profile, or InvalidParameterValue. */
export function profileParam(params: Params, call: Call): InstanceProfile {
  const p = params.IamInstanceProfile;
  const o = p && typeof p === 'object' ? (p as Params) : {};
  const arn = str(o, 'Arn');
  const name = str(o, 'Name');
  if (arn === undefined && name === undefined) throw awsErrors.ec2MissingParameter('IamInstanceProfile');
  const account = callerAccount(call);
  if (arn !== undefined) {
    const n = arn.slice(arn.lastIndexOf('/') + 1);
    const found = arn.startsWith(`arn:aws:iam::${account}:instance-profile/`) ? call.store.instanceProfiles.getByName(account, n) : null;
    if (!found || found.arn !== arn) throw awsErrors.ec2InvalidParameterValue(`Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`);
    if (name !== undefined && name !== found.name) throw awsErrors.ec2InvalidParameterCombination('The parameters iamInstanceProfile.arn and iamInstanceProfile.name name different instance profiles');
    return found;
  }
  const found = call.store.instanceProfiles.getByName(account, name!);
  if (!found) throw awsErrors.ec2InvalidParameterValue(`Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`);
  return found;
}

/** The role an instance profile would deliver (null when it holds none). */
export function profileRoleArn(call: Call, profile: InstanceProfile): string | null {
  const id = call.store.instanceProfiles.roleIds(profile.id)[0];
  return id ? (call.store.roles.getById(id)?.arn ?? null) : null;
}

export function newAssociationId(call: Call): string {
  return `iip-assoc-${call.ids.bytes(9).toString('hex').slice(0, 17)}`;
}
