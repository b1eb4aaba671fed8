// Owns mock ECS tasks: the task role the ECS agent vends through /v2/credentials/<credentials id>.
import type { Db } from '../db';

export interface EcsTask {
  /** The `<id>` of `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/<id>`. */
  credentialsId: string;
  accountId: string;
  region: string;
  /** Cluster name. */
  cluster: string;
  /** arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/TASK_ID */
  taskArn: string;
  taskRoleArn: string;
  /** When set, requests must carry it as `Authorization` (AWS_CONTAINER_AUTHORIZATION_TOKEN). */
  authorizationToken: string | null;
  createdAt: string;
}

interface TaskRow {
  credentials_id: string;
  account_id: string;
  region: string;
  cluster: string;
  task_arn: string;
  task_role_arn: string;
  authorization_token: string | null;
  created_at: string;
}

const toTask = (r: TaskRow): EcsTask => ({
  credentialsId: r.credentials_id,
  accountId: r.account_id,
  region: r.region,
  cluster: r.cluster,
  taskArn: r.task_arn,
  taskRoleArn: r.task_role_arn,
  authorizationToken: r.authorization_token,
  createdAt: r.created_at,
});

export class EcsTasksRepo {
  constructor(private readonly db: Db) {}

  get(credentialsId: string): EcsTask | null {
    const r = this.db.get<TaskRow>('SELECT * FROM ecs_tasks WHERE credentials_id = ?', credentialsId);
    return r ? toTask(r) : null;
  }

  byTaskArn(taskArn: string): EcsTask | null {
    const r = this.db.get<TaskRow>('SELECT * FROM ecs_tasks WHERE task_arn = ?', taskArn);
    return r ? toTask(r) : null;
  }

  list(): EcsTask[] {
    return this.db.all<TaskRow>('SELECT * FROM ecs_tasks ORDER BY task_arn').map(toTask);
  }

  /** Inserts or replaces by task ARN (seeds are upserts). */
  put(t: EcsTask): EcsTask {
    this.db.run('DELETE FROM ecs_tasks WHERE task_arn = ? AND credentials_id <> ?', t.taskArn, t.credentialsId);
    this.db.run(
      `INSERT OR REPLACE INTO ecs_tasks (credentials_id, account_id, region, cluster, task_arn, task_role_arn, authorization_token, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      t.credentialsId, t.accountId, t.region, t.cluster, t.taskArn, t.taskRoleArn, t.authorizationToken, t.createdAt,
    );
    return t;
  }

  delete(credentialsId: string): boolean {
    return this.db.run('DELETE FROM ecs_tasks WHERE credentials_id = ?', credentialsId).changes > 0;
  }
}
