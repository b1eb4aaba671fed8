// Owns the ECS container credentials endpoint iamlocal serves for its mock ECS tasks: what the ECS
// agent answers at `169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (`/v2/credentials/<id>`),
// also reachable as AWS_CONTAINER_CREDENTIALS_FULL_URI (loopback), with the optional
// AWS_CONTAINER_AUTHORIZATION_TOKEN check of the full-URI form.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html ;
// error bodies as the agent writes them (amazon-ecs-agent handlers: code, message, HTTPErrorCode).
import { timingSafeEqual } from 'node:crypto';
import { taskCredentials } from '../services/ecs/task-credentials';
import type { WorkloadDeps, WorkloadSessionCache } from '../services/sts/service-role-session';
import type { ImdsRequest, ImdsResponse } from './imds';

export const ECS_CREDENTIALS_PREFIX = '/v2/credentials';

function json(status: number, doc: Record<string, unknown>): ImdsResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) };
}

function agentError(status: number, code: string, message: string): ImdsResponse {
  return json(status, { code, message, HTTPErrorCode: status });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class EcsCredentialsEndpoint {
  constructor(
    private readonly deps: WorkloadDeps,
    private readonly cache: WorkloadSessionCache,
  ) {}

  handle(req: ImdsRequest): ImdsResponse {
    if (req.path !== ECS_CREDENTIALS_PREFIX && !req.path.startsWith(`${ECS_CREDENTIALS_PREFIX}/`)) return agentError(404, 'NotFound', 'Not found');
    if (req.method !== 'GET') return agentError(405, 'MethodNotAllowed', 'Method not allowed');
    let id: string;
    try {
      id = decodeURIComponent(req.path.slice(ECS_CREDENTIALS_PREFIX.length + 1)).replace(/\/$/, '');
    } catch {
      return agentError(400, 'InvalidIdInRequest', 'CredentialsV2Request: Credentials not found');
    }
    if (id === '') return agentError(400, 'NoIdInRequest', 'CredentialsV2Request: No ID in the request');
    const task = id.length <= 256 ? this.deps.store.ecsTasks.get(id) : null;
    if (!task) return agentError(400, 'InvalidIdInRequest', 'CredentialsV2Request: Credentials not found');
    if (task.authorizationToken !== null) {
      // ⚠ iamlocal's own answer: the ECS agent does not check a token; Greengrass / pod identity style endpoints do.
      const sent = req.headers.authorization;
      if (sent === undefined || !sameSecret(sent, task.authorizationToken)) {
        return agentError(401, 'InvalidAuthorizationToken', 'CredentialsV2Request: The Authorization header does not carry the task\'s authorization token');
      }
    }
    const r = taskCredentials(this.cache, task);
    if (!r.ok) {
      this.deps.logger.warn('ecs: task role not delivered', { taskArn: task.taskArn, role: task.taskRoleArn, reason: r.detail });
      // ⚠ the agent's code for "no credentials for this id"; the message says why, which ECS would report at task start.
      return agentError(400, 'NoCredentialsAssociated', `CredentialsV2Request: ${r.detail}`);
    }
    const s = r.session;
    return json(200, {
      RoleArn: task.taskRoleArn,
      AccessKeyId: s.accessKeyId,
      SecretAccessKey: s.secret,
      Token: s.sessionToken,
      Expiration: new Date(s.expiresAt).toISOString().slice(0, 19) + 'Z',
    });
  }
}
