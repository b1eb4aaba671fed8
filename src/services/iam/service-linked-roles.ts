// Owns service-linked roles: CreateServiceLinkedRole (AWS's role name and managed policy for the
// service, path /aws-service-role/<service>/, a trust policy for the service principal, protected
// from customer changes), DeleteServiceLinkedRole and GetServiceLinkedRoleDeletionStatus. A deletion
// runs at once here (no resources of the service use the role in iamlocal), so the task SUCCEEDS.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { newUniqueId } from '../../aws/ids';
import { ensureAwsManagedPolicy } from '../../store/aws-managed-policies';
import { defineOperation, type Call, type Params } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, requireRole, roleCreateShape, roleNameRule } from './common';
import { ROLES_PER_ACCOUNT } from './roles';

interface LinkedService {
  roleName: string;
  /** The AWS managed policy the service attaches (under /aws-service-role/ unless it says otherwise). */
  policy?: string;
  /** "Some services support a custom suffix" (autoscaling does). */
  suffix?: boolean;
}

/**
 * Role names and policies of the services teams most often create service-linked roles for
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html,
 * each service's "Using service-linked roles" page). Every policy named here is in the AWS managed
 * policy catalogue iamlocal ships (a test checks it).
 */
export const LINKED_SERVICES: Record<string, LinkedService> = {
  'eks.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonEKS', policy: 'AmazonEKSServiceRolePolicy' },
  'eks-nodegroup.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonEKSNodegroup', policy: 'AWSServiceRoleForAmazonEKSNodegroup' },
  'eks-fargate.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonEKSForFargate', policy: 'AmazonEKSForFargateServiceRolePolicy' },
  'elasticloadbalancing.amazonaws.com': { roleName: 'AWSServiceRoleForElasticLoadBalancing', policy: 'AWSElasticLoadBalancingServiceRolePolicy' },
  'autoscaling.amazonaws.com': { roleName: 'AWSServiceRoleForAutoScaling', policy: 'AutoScalingServiceRolePolicy', suffix: true },
  'ecs.amazonaws.com': { roleName: 'AWSServiceRoleForECS', policy: 'AmazonECSServiceRolePolicy' },
  'rds.amazonaws.com': { roleName: 'AWSServiceRoleForRDS', policy: 'AmazonRDSServiceRolePolicy' },
  'spot.amazonaws.com': { roleName: 'AWSServiceRoleForEC2Spot', policy: 'AWSEC2SpotServiceRolePolicy' },
  'spotfleet.amazonaws.com': { roleName: 'AWSServiceRoleForEC2SpotFleet', policy: 'AWSEC2SpotFleetServiceRolePolicy' },
  'organizations.amazonaws.com': { roleName: 'AWSServiceRoleForOrganizations', policy: 'AWSOrganizationsServiceTrustPolicy' },
  'access-analyzer.amazonaws.com': { roleName: 'AWSServiceRoleForAccessAnalyzer', policy: 'AccessAnalyzerServiceRolePolicy' },
  'elasticache.amazonaws.com': { roleName: 'AWSServiceRoleForElastiCache', policy: 'ElastiCacheServiceRolePolicy' },
  'opensearchservice.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonOpenSearchService', policy: 'AmazonOpenSearchServiceRolePolicy' },
  'es.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonElasticsearchService', policy: 'AmazonElasticsearchServiceRolePolicy' },
  'config.amazonaws.com': { roleName: 'AWSServiceRoleForConfig', policy: 'AWSConfigServiceRolePolicy' },
  'cloudtrail.amazonaws.com': { roleName: 'AWSServiceRoleForCloudTrail', policy: 'CloudTrailServiceRolePolicy' },
  'sso.amazonaws.com': { roleName: 'AWSServiceRoleForSSO', policy: 'AWSSSOServiceRolePolicy' },
  'guardduty.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonGuardDuty', policy: 'AmazonGuardDutyServiceRolePolicy' },
  'ecs.application-autoscaling.amazonaws.com': { roleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService', policy: 'AWSApplicationAutoscalingECSServicePolicy' },
  'dynamodb.application-autoscaling.amazonaws.com': { roleName: 'AWSServiceRoleForApplicationAutoScaling_DynamoDBTable', policy: 'AWSApplicationAutoscalingDynamoDBTablePolicy' },
  'replicator.lambda.amazonaws.com': { roleName: 'AWSServiceRoleForLambdaReplicator', policy: 'AWSLambdaReplicator' },
  'ops.apigateway.amazonaws.com': { roleName: 'AWSServiceRoleForAPIGateway', policy: 'APIGatewayServiceRolePolicy' },
  'ssm.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonSSM', policy: 'AmazonSSMServiceRolePolicy' },
  'trustedadvisor.amazonaws.com': { roleName: 'AWSServiceRoleForTrustedAdvisor', policy: 'AWSTrustedAdvisorServiceRolePolicy' },
  'emr-containers.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonEMRContainers', policy: 'AmazonEMRContainersServiceRolePolicy' },
  'kafka.amazonaws.com': { roleName: 'AWSServiceRoleForKafka', policy: 'KafkaServiceRolePolicy' },
  'support.amazonaws.com': { roleName: 'AWSServiceRoleForSupport', policy: 'AWSSupportServiceRolePolicy' },
  'redshift.amazonaws.com': { roleName: 'AWSServiceRoleForRedshift', policy: 'AmazonRedshiftServiceLinkedRolePolicy' },
  'replication.dynamodb.amazonaws.com': { roleName: 'AWSServiceRoleForDynamoDBReplication', policy: 'DynamoDBReplicationServiceRolePolicy' },
  'globalaccelerator.amazonaws.com': { roleName: 'AWSServiceRoleForGlobalAccelerator', policy: 'AWSGlobalAcceleratorSLRPolicy' },
  'backup.amazonaws.com': { roleName: 'AWSServiceRoleForBackup', policy: 'AWSBackupServiceLinkedRolePolicyForBackup' },
  'acm.amazonaws.com': { roleName: 'AWSServiceRoleForCertificateManager', policy: 'CertificateManagerServiceRolePolicy' },
  'inspector2.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonInspector2', policy: 'AmazonInspector2ServiceRolePolicy' },
  'securityhub.amazonaws.com': { roleName: 'AWSServiceRoleForSecurityHub', policy: 'AWSSecurityHubServiceRolePolicy' },
  'mq.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonMQ', policy: 'AmazonMQServiceRolePolicy' },
  'elasticbeanstalk.amazonaws.com': { roleName: 'AWSServiceRoleForElasticBeanstalk', policy: 'AWSElasticBeanstalkServiceRolePolicy' },
  'airflow.amazonaws.com': { roleName: 'AWSServiceRoleForAmazonMWAA', policy: 'AmazonMWAAServiceRolePolicy' },
};

/**
 * The role a service gets. A service outside the table but named like an AWS service principal gets
 * AWS's naming scheme (`AWSServiceRoleFor` + the service's first label) and no policy; anything else
 * is refused ⚠ (AWS's text for an unknown service is not captured).
 */
export function linkedService(service: string): LinkedService {
  const known = LINKED_SERVICES[service];
  if (known) return known;
  const m = /^([a-z0-9][a-z0-9-]*)(\.[a-z0-9-]+)*\.amazonaws\.com$/.exec(service);
  if (!m) throw awsErrors.invalidInput(`Invalid service name: ${service}`);
  const pascal = m[1].split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return { roleName: `AWSServiceRoleFor${pascal}` };
}

function trustPolicyFor(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: 'sts:AssumeRole' }] });
}

function slrPath(service: string): string {
  return `/aws-service-role/${service}/`;
}

// ------------------------------------------------------------------ CreateServiceLinkedRole

interface CreateInput {
  service: string;
  description?: string;
  customSuffix?: string;
  roleName: string;
}

export const createServiceLinkedRole = defineOperation({
  name: 'CreateServiceLinkedRole',
  service: 'iam',
  action: 'iam:CreateServiceLinkedRole',
  mutating: true,
  input(params: Params): CreateInput {
    const v = new Validator(params, 'iam');
    const service = v.string('AWSServiceName', { required: true, min: 1, max: 128, pattern: patterns.name });
    const description = v.string('Description', { max: 1000, pattern: patterns.description });
    const customSuffix = v.string('CustomSuffix', { min: 1, max: 64, pattern: patterns.name });
    v.done();
    const linked = linkedService(service);
    if (customSuffix !== undefined && !linked.suffix) {
      throw awsErrors.invalidInput(`Custom suffix is not allowed for ${service}`); // ⚠ text not captured
    }
    return { service, description, customSuffix, roleName: customSuffix ? `${linked.roleName}_${customSuffix}` : linked.roleName };
  },
  resource: (input, call) => arns.role(accountOf(call), slrPath(input.service), input.roleName),
  // iam:AWSServiceName: "Filters access by the AWS service to which this role is attached".
  conditionKeys: (input) => ({ 'iam:AWSServiceName': input.service }),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    if (input.roleName.length > 64) throw awsErrors.invalidInput(`Role name ${input.roleName} is longer than 64 characters.`); // ⚠
    // Recorded (terraform-aws-hasura#17, pathfinding-labs#23): the name of an existing role is "taken".
    if (store.roles.getByName(account, input.roleName)) {
      throw awsErrors.invalidInput(`Service role name ${input.roleName} has been taken in this account, please try a different suffix.`);
    }
    if (store.roles.count(account) >= ROLES_PER_ACCOUNT) throw awsErrors.limitExceeded(`Cannot exceed quota for RolesPerAccount: ${ROLES_PER_ACCOUNT}`);
    const path = slrPath(input.service);
    const linked = linkedService(input.service);
    const role = store.roles.create({
      id: newUniqueId(call.ids, 'AROA'),
      accountId: account,
      name: input.roleName,
      path,
      arn: arns.role(account, path, input.roleName),
      trustPolicy: trustPolicyFor(input.service),
      description: input.description ?? null,
      maxSessionDuration: 3600,
      boundaryArn: null,
      serviceLinked: true,
      createdAt: call.now.toISOString(),
    });
    if (linked.policy) {
      const policy = ensureAwsManagedPolicy(store, call.ids, `arn:aws:iam::aws:policy/aws-service-role/${linked.policy}`);
      // The service attaches its own policy; a catalogue without it leaves the role without permissions (fail closed).
      if (policy) store.managedPolicies.attach(policy.arn, 'role', role.id, call.now.toISOString());
    }
    return { Role: roleCreateShape(store, role) };
  },
});

// ------------------------------------------------------------------ DeleteServiceLinkedRole

export const deleteServiceLinkedRole = defineOperation({
  name: 'DeleteServiceLinkedRole',
  service: 'iam',
  action: 'iam:DeleteServiceLinkedRole',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    v.done();
    return { roleName };
  },
  resource: (input, call) => call.store.roles.getByName(accountOf(call), input.roleName)?.arn ?? arns.role(accountOf(call), '/', input.roleName),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const role = requireRole(store, account, input.roleName);
    if (!role.serviceLinked) {
      throw awsErrors.invalidInput(`Role ${input.roleName} is not a service-linked role.`); // ⚠ text not captured
    }
    const service = role.path.replace(/^\/aws-service-role\//, '').replace(/\/$/, '');
    const taskId = `task/aws-service-role/${service}/${role.name}/${call.ids.requestId()}`;
    for (const p of store.managedPolicies.attachedTo('role', role.id)) store.managedPolicies.detach(p.arn, 'role', role.id);
    for (const ip of store.instanceProfiles.forRole(role.id)) store.instanceProfiles.removeRole(ip.id, role.id);
    store.roles.delete(role.id);
    store.accountSettings.addDeletionTask({ taskId, accountId: account, roleArn: role.arn, status: 'SUCCEEDED', reason: null, createdAt: call.now.toISOString() });
    return { DeletionTaskId: taskId };
  },
});

// ------------------------------------------------------------------ GetServiceLinkedRoleDeletionStatus

/** `task/aws-service-role/<service>/<role>/<uuid>` → the role's ARN (what the action is authorized on). */
function taskRoleArn(call: Call, taskId: string): string {
  const m = /^task\/aws-service-role\/([^/]+)\/([^/]+)\/[^/]+$/.exec(taskId);
  if (!m) return arns.role(accountOf(call), '/aws-service-role/', '');
  return arns.role(accountOf(call), slrPath(m[1]), m[2]);
}

export const getServiceLinkedRoleDeletionStatus = defineOperation({
  name: 'GetServiceLinkedRoleDeletionStatus',
  service: 'iam',
  action: 'iam:GetServiceLinkedRoleDeletionStatus',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const taskId = v.string('DeletionTaskId', { required: true, min: 1, max: 1000 });
    v.done();
    return { taskId };
  },
  resource: (input, call) => taskRoleArn(call, input.taskId),
  handler(input, call) {
    const t = call.store.accountSettings.deletionTask(input.taskId);
    if (!t || t.accountId !== accountOf(call)) {
      // ⚠ text not captured; a malformed id is InvalidInput, an unknown one NoSuchEntity (the model lists both).
      if (!/^task\/aws-service-role\//.test(input.taskId)) throw awsErrors.invalidInput(`Invalid deletion task id: ${input.taskId}`);
      throw awsErrors.noSuchEntity(`Deletion task ${input.taskId} cannot be found.`);
    }
    return { Status: t.status, Reason: t.reason ? { Reason: t.reason } : undefined };
  },
});

export const serviceLinkedRoleOperations = [createServiceLinkedRole, deleteServiceLinkedRole, getServiceLinkedRoleDeletionStatus];
