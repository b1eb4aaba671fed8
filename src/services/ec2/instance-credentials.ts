// Owns what an EC2 instance's metadata service says about IAM: which role its instance profile
// delivers, the session EC2 assumes for it (session name = instance id; trust evaluated for
// `ec2.amazonaws.com`) and the keys that session carries: ec2:RoleDelivery (1.0 when fetched with
// IMDSv1, 2.0 with IMDSv2), ec2:SourceInstanceARN, aws:EC2InstanceSourceVPC and
// aws:EC2InstanceSourcePrivateIPv4.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html ;
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-ec2instancesourcevpc ;
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html (ec2:RoleDelivery, ec2:SourceInstanceARN)
import { parseArn } from '../../aws/arn';
import type { RequestContext } from '../../policy/types';
import type { Ec2Instance } from '../../store/repos/ec2-instances';
import type { InstanceProfile } from '../../store/repos/instance-profiles';
import type { Role } from '../../store/repos/roles';
import type { Store } from '../../store/store';
import type { ServiceAssumeResult, WorkloadSessionCache } from '../sts/service-role-session';

export const EC2_SERVICE_PRINCIPAL = 'ec2.amazonaws.com';

/** `1.0`: credentials read without a session token (IMDSv1); `2.0`: with one (IMDSv2). */
export type RoleDelivery = '1.0' | '2.0';

export function instanceArn(i: Pick<Ec2Instance, 'region' | 'accountId' | 'instanceId'>): string {
  return `arn:aws:ec2:${i.region}:${i.accountId}:instance/${i.instanceId}`;
}

/** The private DNS name EC2 gives an instance with a private IPv4 (`ip-10-0-1-25.ec2.internal`), else null. */
export function privateDnsName(i: Pick<Ec2Instance, 'privateIp' | 'region'>): string | null {
  if (!i.privateIp) return null;
  return `ip-${i.privateIp.replace(/\./g, '-')}.${i.region === 'us-east-1' ? 'ec2.internal' : `${i.region}.compute.internal`}`;
}

/** The instance profile an association names, if it still exists with that ARN. */
export function associatedProfile(store: Store, profileArn: string): InstanceProfile | null {
  const p = parseArn(profileArn);
  if (!p || p.service !== 'iam' || !p.resource.startsWith('instance-profile/')) return null;
  const name = p.resource.slice(p.resource.lastIndexOf('/') + 1);
  const profile = store.instanceProfiles.getByName(p.account, name);
  return profile && profile.arn === profileArn ? profile : null;
}

export interface InstanceIam {
  profile: InstanceProfile;
  /** The profile's role; null when the profile holds none (IMDS then has no credentials to list). */
  role: Role | null;
}

/** The profile associated with the instance and the role it holds; null without an association. */
export function instanceIam(store: Store, instance: Ec2Instance): InstanceIam | null {
  if (!instance.association || instance.association.state !== 'associated') return null;
  const profile = associatedProfile(store, instance.association.profileArn);
  if (!profile) return null;
  const roleId = store.instanceProfiles.roleIds(profile.id)[0];
  return { profile, role: roleId ? store.roles.getById(roleId) : null };
}

/** Keys the instance's role session carries into every later request. */
export function instanceSessionKeys(instance: Ec2Instance, delivery: RoleDelivery): RequestContext {
  const keys: RequestContext = { 'ec2:RoleDelivery': delivery, 'ec2:SourceInstanceARN': instanceArn(instance) };
  if (instance.vpcId) keys['aws:EC2InstanceSourceVPC'] = instance.vpcId;
  if (instance.privateIp) keys['aws:EC2InstanceSourcePrivateIPv4'] = instance.privateIp;
  return keys;
}

/**
 * The instance's current credentials for one delivery version (v1- and v2-delivered credentials are
 * distinct sessions, as in AWS), minted through the trust policy when none are held or they near expiry.
 * EC2 passes no aws:SourceAccount / aws:SourceArn when it assumes an instance role (⚠ not documented
 * as passed; trust policies that require them fail closed).
 */
export function instanceCredentials(cache: WorkloadSessionCache, instance: Ec2Instance, role: Role, delivery: RoleDelivery): ServiceAssumeResult {
  return cache.get(`ec2/${instance.instanceId}/${delivery}`, {
    service: EC2_SERVICE_PRINCIPAL,
    roleArn: role.arn,
    sessionName: instance.instanceId,
    region: instance.region,
    trustContext: {},
    sessionKeys: instanceSessionKeys(instance, delivery),
  });
}
