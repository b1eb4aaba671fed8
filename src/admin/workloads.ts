// Owns the mock workload admin endpoints (root credentials only): create/list/get/delete EC2
// instances and ECS tasks with the same fields as the seed sections `instances:` / `tasks:`
// (src/store/seed-workloads.ts), each shown with the endpoint its credentials come from.
// Endpoints are documented in README.md "Instance and task credentials".
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app';
import { AwsError, awsErrors } from '../aws/errors';
import { ECS_CREDENTIALS_PREFIX } from '../metadata/ecs';
import { taskId } from '../services/ecs/task-credentials';
import { instanceArn } from '../services/ec2/instance-credentials';
import type { Ec2Instance } from '../store/repos/ec2-instances';
import type { EcsTask } from '../store/repos/ecs-tasks';
import { Ctx, SeedError } from '../store/seed-schema';
import { applyInstance, applyTask, parseInstanceEntry, parseTaskEntry } from '../store/seed-workloads';
import { requireRoot } from './admin-auth';
import { adminError, jsonBody } from './clusters';

export const INSTANCES_PATH = '/_iamlocal/instances';
export const TASKS_PATH = '/_iamlocal/tasks';

export function instanceView(deps: AppDeps, i: Ec2Instance) {
  const w = deps.workloads;
  const dedicated = w?.instanceImdsUrl(i.instanceId) ?? null;
  return {
    instanceId: i.instanceId,
    arn: instanceArn(i),
    accountId: i.accountId,
    region: i.region,
    availabilityZone: i.availabilityZone,
    instanceType: i.instanceType,
    imageId: i.imageId,
    vpcId: i.vpcId,
    subnetId: i.subnetId,
    privateIp: i.privateIp,
    metadataOptions: { httpTokens: i.httpTokens, httpEndpoint: i.httpEndpoint, httpPutResponseHopLimit: i.hopLimit, instanceMetadataTags: i.metadataTags },
    iamInstanceProfile: i.association ? { arn: i.association.profileArn, associationId: i.association.associationId, state: i.association.state } : null,
    tags: i.tags,
    // AWS_EC2_METADATA_SERVICE_ENDPOINT for this instance: its own listener, else the shared one with
    // the instance id as path prefix (botocore/CLI keep a path; SDK v3 does not — give it its own port).
    imdsEndpoint: dedicated ?? (w?.imdsUrl ? `${w.imdsUrl}/${i.instanceId}/` : null),
    imdsPort: i.imdsPort,
    launchTime: i.launchTime,
  };
}

export function taskView(deps: AppDeps, t: EcsTask) {
  const relative = `${ECS_CREDENTIALS_PREFIX}/${t.credentialsId}`;
  const base = deps.workloads?.ecsUrl ?? null;
  return {
    taskArn: t.taskArn,
    taskId: taskId(t.taskArn),
    accountId: t.accountId,
    region: t.region,
    cluster: t.cluster,
    taskRoleArn: t.taskRoleArn,
    credentialsId: t.credentialsId,
    /** AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (resolved against 169.254.170.2 by the SDKs). */
    relativeUri: relative,
    /** AWS_CONTAINER_CREDENTIALS_FULL_URI on the ECS listener. */
    fullUri: base ? `${base}${relative}` : null,
    authorizationToken: t.authorizationToken,
    createdAt: t.createdAt,
  };
}

/** Seed-entry errors become ValidationError with the same text. */
function parsed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AwsError) throw e;
    if (e instanceof SeedError || e instanceof Error) throw awsErrors.validation(e.message.replace(/^request: entry: /, ''));
    throw e;
  }
}

export function mountWorkloadAdmin(app: Hono, deps: AppDeps): void {
  const { store } = deps;
  const sync = async () => {
    await deps.workloads?.sync();
  };
  /** Every endpoint here: root credentials first, errors as the admin JSON error. */
  const asRoot =
    (fn: (c: Context, root: { accountId: string; body: Buffer }) => Response | Promise<Response>) =>
    async (c: Context): Promise<Response> => {
      try {
        return await fn(c, await requireRoot(c, store, deps.clock.now()));
      } catch (e) {
        return adminError(c, deps, e);
      }
    };
  const notFound = (c: Context, what: string) => c.json({ error: { code: 'NotFound', message: `${what} does not exist` } }, 404);

  app.get(INSTANCES_PATH, asRoot((c) => c.json({ instances: store.ec2Instances.list().map((i) => instanceView(deps, i)) })));

  app.post(
    INSTANCES_PATH,
    asRoot(async (c, { body, accountId }) => {
      const spec = parsed(() => parseInstanceEntry(new Ctx('request', 'entry'), jsonBody(body), accountId, false));
      const before = spec.id ? store.ec2Instances.get(spec.id) : null;
      const instance = parsed(() => store.transaction(() => applyInstance(store, deps.ids, deps.clock.now(), spec)));
      try {
        await sync();
      } catch (e) {
        // The listener it asked for could not open (port in use): the instance stays as it was.
        if (before) store.ec2Instances.put(before);
        else store.ec2Instances.delete(instance.instanceId);
        await sync().catch(() => {});
        throw awsErrors.validation(`imdsPort ${instance.imdsPort}: ${(e as Error).message}`);
      }
      return c.json(instanceView(deps, instance), 201);
    }),
  );

  app.get(
    `${INSTANCES_PATH}/:id`,
    asRoot((c) => {
      const i = store.ec2Instances.get(c.req.param('id')!);
      return i ? c.json(instanceView(deps, i)) : notFound(c, `instance ${c.req.param('id')}`);
    }),
  );

  app.delete(
    `${INSTANCES_PATH}/:id`,
    asRoot(async (c) => {
      const id = c.req.param('id')!;
      if (!store.ec2Instances.delete(id)) return notFound(c, `instance ${id}`);
      await sync();
      return c.json({ deleted: id });
    }),
  );

  app.get(TASKS_PATH, asRoot((c) => c.json({ tasks: store.ecsTasks.list().map((t) => taskView(deps, t)) })));

  app.post(
    TASKS_PATH,
    asRoot((c, { body, accountId }) => {
      const spec = parsed(() => parseTaskEntry(new Ctx('request', 'entry'), jsonBody(body), accountId, false));
      const task = parsed(() => store.transaction(() => applyTask(store, deps.ids, deps.clock.now(), spec)));
      return c.json(taskView(deps, task), 201);
    }),
  );

  app.delete(
    `${TASKS_PATH}/:id`,
    asRoot((c) => {
      const id = c.req.param('id')!;
      // By credentials id or task id.
      const t = store.ecsTasks.get(id) ?? store.ecsTasks.list().find((x) => taskId(x.taskArn) === id) ?? null;
      if (!t) return notFound(c, `task ${id}`);
      store.ecsTasks.delete(t.credentialsId);
      return c.json({ deleted: t.taskArn });
    }),
  );
}
