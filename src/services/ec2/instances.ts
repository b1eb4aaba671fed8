// Owns ModifyInstanceMetadataOptions (HttpTokens, HttpPutResponseHopLimit, HttpEndpoint,
// InstanceMetadataTags: omitted parameters keep their value) and a minimal DescribeInstances that shows
// the mock instances' placement, network, instance profile, tags and metadata options.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataOptions.html ;
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
import { awsErrors } from '../../aws/errors';
import type { Ec2Instance, MetadataOptions } from '../../store/repos/ec2-instances';
import { defineOperation, type Call } from '../types';
import { privateDnsName } from './instance-credentials';
import { callerAccount, dryRun, filters, INSTANCE_ID, instanceIdParam, instanceKeys, instanceResource, list, requireInstance, str } from './common';

function metadataOptionsShape(i: MetadataOptions, state: 'pending' | 'applied') {
  return {
    state,
    httpTokens: i.httpTokens,
    httpPutResponseHopLimit: i.hopLimit,
    httpEndpoint: i.httpEndpoint,
    httpProtocolIpv6: 'disabled',
    instanceMetadataTags: i.metadataTags,
  };
}

function toggle(v: string | undefined, name: string): 'enabled' | 'disabled' | undefined {
  if (v === undefined) return undefined;
  if (v !== 'enabled' && v !== 'disabled') throw awsErrors.ec2InvalidParameterValue(`Value (${v}) for parameter ${name} is invalid. Valid values are enabled, disabled.`);
  return v;
}

interface ModifyInput {
  instanceId: string;
  change: Partial<MetadataOptions>;
  dryRun: boolean;
}

export const modifyInstanceMetadataOptions = defineOperation({
  name: 'ModifyInstanceMetadataOptions',
  service: 'ec2',
  action: 'ec2:ModifyInstanceMetadataOptions',
  mutating: true,
  input: (params): ModifyInput => {
    const instanceId = instanceIdParam(params);
    const change: Partial<MetadataOptions> = {};
    const tokens = str(params, 'HttpTokens');
    if (tokens !== undefined) {
      if (tokens !== 'required' && tokens !== 'optional') throw awsErrors.ec2InvalidParameterValue(`Value (${tokens}) for parameter HttpTokens is invalid. Valid values are optional, required.`);
      change.httpTokens = tokens;
    }
    const hop = str(params, 'HttpPutResponseHopLimit');
    // -1: no preference (the current value stays).
    if (hop !== undefined && hop !== '-1') {
      const n = /^\d+$/.test(hop) ? Number(hop) : NaN;
      if (!(n >= 1 && n <= 64)) throw awsErrors.ec2InvalidParameterValue(`Value (${hop}) for parameter HttpPutResponseHopLimit is invalid. Possible values are from 1 to 64.`);
      change.hopLimit = n;
    }
    const endpoint = toggle(str(params, 'HttpEndpoint'), 'HttpEndpoint');
    if (endpoint) change.httpEndpoint = endpoint;
    const tags = toggle(str(params, 'InstanceMetadataTags'), 'InstanceMetadataTags');
    if (tags) change.metadataTags = tags;
    toggle(str(params, 'HttpProtocolIpv6'), 'HttpProtocolIpv6');
    return { instanceId, change, dryRun: dryRun(params) };
  },
  resource: (input, call) => instanceResource(call, input.instanceId),
  conditionKeys: (input, call) => instanceKeys(call, input.instanceId),
  handler(input, call) {
    const i = requireInstance(call, input.instanceId);
    if (input.dryRun) throw awsErrors.ec2DryRunOperation();
    const next: MetadataOptions = { httpTokens: i.httpTokens, httpEndpoint: i.httpEndpoint, hopLimit: i.hopLimit, metadataTags: i.metadataTags, ...input.change };
    call.store.ec2Instances.setMetadataOptions(i.instanceId, next);
    return { instanceId: i.instanceId, instanceMetadataOptions: metadataOptionsShape(next, 'pending') };
  },
});

function instanceShape(call: Call, i: Ec2Instance) {
  const profileName = i.association?.profileArn.slice(i.association.profileArn.lastIndexOf('/') + 1);
  const profile = profileName ? call.store.instanceProfiles.getByName(i.accountId, profileName) : null;
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: 16, name: 'running' },
    privateDnsName: privateDnsName(i) ?? '',
    amiLaunchIndex: 0,
    instanceType: i.instanceType,
    launchTime: new Date(i.launchTime),
    placement: { availabilityZone: i.availabilityZone, tenancy: 'default' },
    subnetId: i.subnetId ?? undefined,
    vpcId: i.vpcId ?? undefined,
    privateIpAddress: i.privateIp ?? undefined,
    iamInstanceProfile: i.association ? { arn: i.association.profileArn, id: profile?.id } : undefined,
    tagSet: i.tags.length > 0 ? i.tags.map((t) => ({ key: t.Key, value: t.Value })) : undefined,
    metadataOptions: metadataOptionsShape(i, 'applied'),
  };
}

export const describeInstances = defineOperation({
  name: 'DescribeInstances',
  service: 'ec2',
  action: 'ec2:DescribeInstances',
  mutating: false,
  input: (params) => {
    const ids = list(params, 'InstanceId');
    for (const id of ids) if (!INSTANCE_ID.test(id)) throw awsErrors.ec2InstanceMalformed(id);
    const fs = filters(params);
    for (const f of fs) if (f.name !== 'instance-id' && !f.name.startsWith('tag:')) throw awsErrors.ec2InvalidParameterValue(`The filter '${f.name}' is invalid`);
    return { ids, filters: fs, dryRun: dryRun(params) };
  },
  resource: () => '*',
  conditionKeys: (_input, call) => ({ 'ec2:Region': call.region }),
  handler(input, call) {
    if (input.dryRun) throw awsErrors.ec2DryRunOperation();
    const mine = call.store.ec2Instances.list(callerAccount(call)).filter((i) => i.region === call.region);
    for (const id of input.ids) if (!mine.some((i) => i.instanceId === id)) throw awsErrors.ec2InstanceNotFound(id);
    let rows = input.ids.length > 0 ? mine.filter((i) => input.ids.includes(i.instanceId)) : mine;
    for (const f of input.filters) {
      if (f.name === 'instance-id') rows = rows.filter((i) => f.values.includes(i.instanceId));
      else rows = rows.filter((i) => i.tags.some((t) => t.Key === f.name.slice(4) && f.values.includes(t.Value)));
    }
    // One reservation per instance (each mock instance is launched on its own).
    return {
      reservationSet: rows.map((i) => ({
        reservationId: `r-${i.instanceId.slice(2)}`,
        ownerId: i.accountId,
        groupSet: [],
        instancesSet: [instanceShape(call, i)],
      })),
    };
  },
});

export const instanceOperations = [modifyInstanceMetadataOptions, describeInstances];
