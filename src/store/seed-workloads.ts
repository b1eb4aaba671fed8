// Owns the mock workloads' seed sections — `instances:` (EC2 instances) and `tasks:` (ECS tasks) —
// in one place: their fields, defaults and checks, and applying them. The admin endpoints
// (/_iamlocal/instances, /_iamlocal/tasks) take the same fields and go through the same code.
// Format: seed/README.md "instances" and "tasks".
import { createHash } from 'node:crypto';
import { arns, parseArn, parseRoleArn } from '../aws/arn';
import { newUniqueId } from '../aws/ids';
import type { IdSource } from '../runtime';
import type { Ec2Instance } from './repos/ec2-instances';
import type { EcsTask } from './repos/ecs-tasks';
import type { InstanceProfile } from './repos/instance-profiles';
import type { Ctx } from './seed-schema';
import type { Store } from './store';

export const WORKLOAD_SECTIONS = ['instances', 'tasks'] as const;

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const NAME = /^[\w+=,.@-]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An `instances:` entry: the instance's own fields plus how its instance profile is found or made. */
export interface SeedInstance
  extends Pick<Ec2Instance, 'region' | 'availabilityZone' | 'instanceType' | 'imageId' | 'vpcId' | 'subnetId' | 'privateIp' | 'httpTokens' | 'httpEndpoint' | 'hopLimit' | 'metadataTags' | 'imdsPort' | 'tags'> {
  /** Null: generated (admin endpoint only; seeds name their instances so re-applying is an upsert). */
  id: string | null;
  account: string;
  /** Name or ARN of an existing instance profile, or the profile to create for `role`. */
  instanceProfile: string | null;
  /** A role name (or ARN) to deliver: its instance profile (same name unless given) is created as needed. */
  role: string | null;
}

export interface SeedTask {
  account: string;
  region: string;
  cluster: string;
  /** Null: generated (admin endpoint only). */
  taskId: string | null;
  taskRoleArn: string;
  credentialsId: string | null;
  authorizationToken: string | null;
}

function choice<T extends string>(c: Ctx, e: Record<string, unknown>, key: string, allowed: readonly T[], dflt: T): T {
  const v = c.str(e, key) ?? dflt;
  if (!allowed.includes(v as T)) c.fail(`${key} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function int(c: Ctx, e: Record<string, unknown>, key: string, min: number, max: number): number | null {
  const v = e[key];
  if (v === undefined || v === null) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) c.fail(`${key} must be an integer from ${min} to ${max}`);
  return n;
}

/** One `instances:` entry (or admin request body). `requireId`: seeds must name the instance. */
export function parseInstanceEntry(c: Ctx, e: Record<string, unknown>, defaultAccount: string, requireId: boolean): SeedInstance {
  const region = c.str(e, 'region', { re: REGION }) ?? 'us-east-1';
  const instanceProfile = c.str(e, 'instanceProfile', { max: 2048 });
  const role = c.str(e, 'role', { max: 2048 });
  return {
    id: c.str(e, 'id', { required: requireId, re: INSTANCE_ID }),
    account: c.str(e, 'account', { re: ACCOUNT }) ?? defaultAccount,
    region,
    availabilityZone: c.str(e, 'availabilityZone', { re: /^[a-z]{2}(-[a-z]+)+-\d{1,2}[a-z]$/ }) ?? `${region}a`,
    instanceType: c.str(e, 'instanceType', { re: /^[a-z0-9-]+\.[a-z0-9]+$/ }) ?? 't3.micro',
    imageId: c.str(e, 'imageId', { re: /^ami-[0-9a-f]{8,17}$/ }) ?? 'ami-0abcdef1234567890',
    vpcId: c.str(e, 'vpcId', { re: /^vpc-[0-9a-f]{8,17}$/ }),
    subnetId: c.str(e, 'subnetId', { re: /^subnet-[0-9a-f]{8,17}$/ }),
    privateIp: c.str(e, 'privateIp', { re: IPV4 }),
    instanceProfile,
    role,
    // Instances launched from current AMIs require IMDSv2 (ImdsSupport v2.0); `optional` allows IMDSv1.
    httpTokens: choice(c, e, 'httpTokens', ['required', 'optional'] as const, 'required'),
    httpEndpoint: choice(c, e, 'httpEndpoint', ['enabled', 'disabled'] as const, 'enabled'),
    hopLimit: int(c, e, 'httpPutResponseHopLimit', 1, 64) ?? 1,
    metadataTags: choice(c, e, 'instanceMetadataTags', ['enabled', 'disabled'] as const, 'disabled'),
    imdsPort: int(c, e, 'imdsPort', 0, 65535),
    tags: c.tags(e),
  };
}

/** One `tasks:` entry (or admin request body). */
export function parseTaskEntry(c: Ctx, e: Record<string, unknown>, defaultAccount: string, requireId: boolean): SeedTask {
  let account = c.str(e, 'account', { re: ACCOUNT }) ?? defaultAccount;
  let region = c.str(e, 'region', { re: REGION }) ?? 'us-east-1';
  let cluster = c.str(e, 'cluster', { re: /^[A-Za-z0-9_-]{1,255}$/ }) ?? 'default';
  let taskId = c.str(e, 'taskId', { re: /^[0-9a-f]{32}$/ });
  const taskArn = c.str(e, 'taskArn');
  if (taskArn) {
    const m = /^arn:aws:ecs:([a-z0-9-]+):(\d{12}):task\/([A-Za-z0-9_-]{1,255})\/([0-9a-f]{32})$/.exec(taskArn);
    if (!m) c.fail('taskArn must look like arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/TASK_ID (32 hex)');
    [region, account, cluster, taskId] = [m[1]!, m[2]!, m[3]!, m[4]!];
  }
  if (requireId && !taskId) c.fail('taskId (32 hex) or taskArn is required');
  const roleRef = c.str(e, 'taskRoleArn') ?? c.str(e, 'taskRole') ?? c.fail('taskRoleArn is required');
  const taskRoleArn = roleRef.startsWith('arn:') ? roleRef : arns.role(account, '/', roleRef);
  if (!parseRoleArn(taskRoleArn)) c.fail(`taskRoleArn ${JSON.stringify(roleRef)} is not a role ARN or name`);
  return {
    account,
    region,
    cluster,
    taskId,
    taskRoleArn,
    credentialsId: c.str(e, 'credentialsId', { re: /^[A-Za-z0-9-]{1,128}$/ }),
    authorizationToken: c.str(e, 'authorizationToken', { min: 1, max: 4096 }),
  };
}

function hex(ids: IdSource, n: number): string {
  return ids.bytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

/** A UUID-shaped id derived from a string (seeded tasks keep their credentials id across restarts). */
function derivedUuid(from: string): string {
  const h = createHash('sha256').update(from).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function profileByRef(store: Store, account: string, ref: string): InstanceProfile | null {
  if (ref.startsWith('arn:')) {
    const p = parseArn(ref);
    if (!p || p.service !== 'iam' || !p.resource.startsWith('instance-profile/')) return null;
    const found = store.instanceProfiles.getByName(p.account, p.resource.slice(p.resource.lastIndexOf('/') + 1));
    return found && found.arn === ref ? found : null;
  }
  return store.instanceProfiles.getByName(account, ref);
}

/**
 * The instance profile the entry names: an existing one, or — with `role` — the profile of that name
 * (default: the role's name, as the console creates it) holding that role, created when missing.
 */
function resolveProfile(store: Store, ids: IdSource, at: string, s: SeedInstance): InstanceProfile | null {
  if (!s.role) {
    if (!s.instanceProfile) return null;
    return profileByRef(store, s.account, s.instanceProfile) ?? fail(`instance profile ${JSON.stringify(s.instanceProfile)} does not exist`);
  }
  const roleParts = s.role.startsWith('arn:') ? parseRoleArn(s.role) : { account: s.account, name: s.role, path: null };
  if (!roleParts || !NAME.test(roleParts.name)) fail(`role ${JSON.stringify(s.role)} is not a role name or ARN`);
  const role = store.roles.getByName(roleParts.account, roleParts.name) ?? fail(`role ${JSON.stringify(s.role)} does not exist`);
  const name = s.instanceProfile && !s.instanceProfile.startsWith('arn:') ? s.instanceProfile : role.name;
  let profile = s.instanceProfile?.startsWith('arn:') ? profileByRef(store, role.accountId, s.instanceProfile) : store.instanceProfiles.getByName(role.accountId, name);
  if (!profile) {
    if (s.instanceProfile?.startsWith('arn:')) fail(`instance profile ${s.instanceProfile} does not exist`);
    profile = store.instanceProfiles.create({ id: newUniqueId(ids, 'AIPA'), accountId: role.accountId, name, path: '/', arn: arns.instanceProfile(role.accountId, '/', name), createdAt: at });
  }
  const held = store.instanceProfiles.roleIds(profile.id);
  if (held.length === 0) store.instanceProfiles.addRole(profile.id, role.id);
  else if (held[0] !== role.id) fail(`instance profile ${profile.name} already holds another role`);
  return profile;
}

function fail(problem: string): never {
  throw new Error(problem);
}

/** Creates or updates an instance (the association keeps its id while it names the same profile). */
export function applyInstance(store: Store, ids: IdSource, now: Date, s: SeedInstance): Ec2Instance {
  const at = now.toISOString();
  store.accounts.ensure({ id: s.account, createdAt: at });
  const instanceId = s.id ?? `i-${hex(ids, 17)}`;
  const existing = store.ec2Instances.get(instanceId);
  if (existing && existing.accountId !== s.account) fail(`instance ${instanceId} already exists in account ${existing.accountId}`);
  const profile = resolveProfile(store, ids, at, s);
  if (profile && profile.accountId !== s.account) fail(`instance profile ${profile.arn} is in another account`);
  const association = profile
    ? existing?.association?.profileArn === profile.arn
      ? existing.association
      : { associationId: `iip-assoc-${hex(ids, 17)}`, profileArn: profile.arn, state: 'associated' }
    : null;
  const { id: _id, account: _account, instanceProfile: _profile, role: _role, ...own } = s;
  return store.ec2Instances.put({ ...own, instanceId, accountId: s.account, association, launchTime: existing?.launchTime ?? at });
}

export function applyTask(store: Store, ids: IdSource, now: Date, s: SeedTask): EcsTask {
  const at = now.toISOString();
  store.accounts.ensure({ id: s.account, createdAt: at });
  const taskId = s.taskId ?? hex(ids, 32);
  const taskArn = `arn:aws:ecs:${s.region}:${s.account}:task/${s.cluster}/${taskId}`;
  const existing = store.ecsTasks.byTaskArn(taskArn);
  const credentialsId = s.credentialsId ?? existing?.credentialsId ?? (s.taskId ? derivedUuid(taskArn) : derivedUuid(taskArn + hex(ids, 16)));
  const clash = store.ecsTasks.get(credentialsId);
  if (clash && clash.taskArn !== taskArn) fail(`credentials id ${credentialsId} already belongs to ${clash.taskArn}`);
  return store.ecsTasks.put({
    credentialsId,
    accountId: s.account,
    region: s.region,
    cluster: s.cluster,
    taskArn,
    taskRoleArn: s.taskRoleArn,
    authorizationToken: s.authorizationToken,
    createdAt: existing?.createdAt ?? at,
  });
}
