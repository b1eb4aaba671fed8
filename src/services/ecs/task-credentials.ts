// Owns the ECS task role credentials the ECS agent vends: a session of the task role assumed by
// `ecs-tasks.amazonaws.com` (session name = the task id), trust evaluated with aws:SourceAccount (the
// task's account) and aws:SourceArn (the task ARN), as ECS passes them for confused-deputy checks.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
import type { EcsTask } from '../../store/repos/ecs-tasks';
import type { ServiceAssumeResult, WorkloadSessionCache } from '../sts/service-role-session';

export const ECS_TASKS_SERVICE_PRINCIPAL = 'ecs-tasks.amazonaws.com';

/** The task id: the last segment of `arn:aws:ecs:R:A:task/CLUSTER/ID`. */
export function taskId(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}

export function taskCredentials(cache: WorkloadSessionCache, task: EcsTask): ServiceAssumeResult {
  return cache.get(`ecs/${task.credentialsId}`, {
    service: ECS_TASKS_SERVICE_PRINCIPAL,
    roleArn: task.taskRoleArn,
    sessionName: taskId(task.taskArn),
    region: task.region,
    trustContext: { 'aws:SourceAccount': task.accountId, 'aws:SourceArn': task.taskArn },
    sessionKeys: {},
  });
}
