// Owns the SQS operations the authorizing proxy knows: ONE table naming, for each SQS API operation
// (AWS JSON 1.0 `X-Amz-Target: AmazonSQS.<Op>` or the query protocol's `Action=<Op>`), the IAM action,
// where its queue comes from (QueueUrl, QueueName, a dead-letter queue's SourceArn, a move task's
// handle, or none: `*`) and its condition keys (aws:RequestTag/*, aws:TagKeys).
// Actions, resources, keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html
// (SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch are authorized as their
// single-message actions: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
import type { RequestContext } from '../../policy/types';

/** A request's parameters, whichever protocol carried them. */
export interface SqsInput {
  QueueUrl?: string;
  QueueName?: string;
  /** GetQueueUrl: the account whose queue is wanted (default: the caller's). */
  QueueOwnerAWSAccountId?: string;
  /** StartMessageMoveTask / ListMessageMoveTasks: the dead-letter queue's ARN. */
  SourceArn?: string;
  /** CancelMessageMoveTask's opaque handle. */
  TaskHandle?: string;
  /** CreateQueue's `tags`, TagQueue's `Tags`. */
  tags?: Record<string, string>;
  /** UntagQueue's `TagKeys`. */
  tagKeys?: string[];
  /** SetQueueAttributes' / CreateQueue's attribute names (a changed `Policy` drops the cached queue policy). */
  attributeNames?: string[];
}

/** Where the queue an operation acts on is named. */
export type QueueFrom = 'url' | 'name' | 'source-arn' | 'task-handle' | 'none';

export interface SqsOperation {
  name: string;
  /** The IAM action (`sqs:SendMessage` for SendMessageBatch). */
  action: string;
  queue: QueueFrom;
  /** Which tag condition keys the request carries. */
  tags?: 'request' | 'keys';
  /** The call may change the queue's resource policy (the cached one is dropped). */
  changesPolicy?: boolean;
  /** The answer names queue URLs or the queue's ARN (rewritten to the proxy's address and the owner's account). */
  answersUrls?: boolean;
}

const op = (name: string, queue: QueueFrom, extra: Partial<SqsOperation> = {}): SqsOperation => ({ name, action: `sqs:${name}`, queue, ...extra });

/** Every SQS call the proxy forwards; an operation not named here fails closed (InvalidAction), never forwarded. */
export const SQS_OPERATIONS: ReadonlyMap<string, SqsOperation> = new Map(
  [
    op('SendMessage', 'url'),
    op('SendMessageBatch', 'url', { action: 'sqs:SendMessage' }),
    op('ReceiveMessage', 'url'),
    op('DeleteMessage', 'url'),
    op('DeleteMessageBatch', 'url', { action: 'sqs:DeleteMessage' }),
    op('ChangeMessageVisibility', 'url'),
    op('ChangeMessageVisibilityBatch', 'url', { action: 'sqs:ChangeMessageVisibility' }),
    op('CreateQueue', 'name', { tags: 'request', changesPolicy: true, answersUrls: true }),
    op('DeleteQueue', 'url', { changesPolicy: true }),
    op('GetQueueUrl', 'name', { answersUrls: true }),
    op('GetQueueAttributes', 'url', { answersUrls: true }),
    op('SetQueueAttributes', 'url', { changesPolicy: true }),
    op('PurgeQueue', 'url'),
    op('TagQueue', 'url', { tags: 'request' }),
    op('UntagQueue', 'url', { tags: 'keys' }),
    op('ListQueueTags', 'url'),
    op('AddPermission', 'url', { changesPolicy: true }),
    op('RemovePermission', 'url', { changesPolicy: true }),
    op('ListDeadLetterSourceQueues', 'url', { answersUrls: true }),
    op('StartMessageMoveTask', 'source-arn'),
    op('ListMessageMoveTasks', 'source-arn'),
    op('CancelMessageMoveTask', 'task-handle'),
    // Account-level: the Service Authorization Reference gives ListQueues no resource type (`*`).
    op('ListQueues', 'none', { answersUrls: true }),
  ].map((o) => [o.name, o]),
);

/** aws:RequestTag/<key> and aws:TagKeys for the tags a request carries (or removes). */
export function tagKeys(o: SqsOperation, input: SqsInput): RequestContext {
  const ctx: RequestContext = {};
  if (o.tags === 'request' && input.tags) {
    for (const [k, v] of Object.entries(input.tags)) ctx[`aws:RequestTag/${k}`] = v;
    ctx['aws:TagKeys'] = Object.keys(input.tags);
  } else if (o.tags === 'keys' && input.tagKeys) ctx['aws:TagKeys'] = input.tagKeys;
  return ctx;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strMap = (v: unknown): Record<string, string> | undefined => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};
const strList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/** The parameters of an AWS JSON 1.0 request body (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html). */
export function jsonInput(body: Record<string, unknown>): SqsInput {
  return {
    QueueUrl: str(body.QueueUrl),
    QueueName: str(body.QueueName),
    QueueOwnerAWSAccountId: str(body.QueueOwnerAWSAccountId),
    SourceArn: str(body.SourceArn),
    TaskHandle: str(body.TaskHandle),
    // CreateQueue names its tags `tags`, TagQueue `Tags` (botocore sqs/2012-11-05 service-2.json).
    tags: strMap(body.tags) ?? strMap(body.Tags),
    tagKeys: strList(body.TagKeys),
    attributeNames: body.Attributes && typeof body.Attributes === 'object' ? Object.keys(body.Attributes) : undefined,
  };
}

/**
 * The parameters of a query-protocol request (`Action=…&QueueUrl=…`, tags as `Tag.N.Key`/`Tag.N.Value`,
 * `TagKey.N`, attributes as `Attribute.N.Name`; https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-xml.html).
 * A queue URL may instead be the request path (`/<account>/<queue>`).
 */
export function queryInput(params: URLSearchParams, path: string): SqsInput {
  const tags: Record<string, string> = {};
  const keys: string[] = [];
  const attrs: string[] = [];
  for (const [k, v] of params) {
    let m = /^Tag\.(\d+)\.Key$/.exec(k);
    if (m) tags[v] = params.get(`Tag.${m[1]}.Value`) ?? '';
    m = /^TagKey\.\d+$/.exec(k);
    if (m) keys.push(v);
    m = /^Attribute\.\d+\.Name$/.exec(k);
    if (m) attrs.push(v);
  }
  const pathQueue = /^\/\d{12}\/[^/]+$/.test(path) ? path : undefined;
  return {
    QueueUrl: params.get('QueueUrl') ?? (pathQueue ? `http://queue${pathQueue}` : undefined),
    QueueName: params.get('QueueName') ?? undefined,
    QueueOwnerAWSAccountId: params.get('QueueOwnerAWSAccountId') ?? undefined,
    SourceArn: params.get('SourceArn') ?? undefined,
    TaskHandle: params.get('TaskHandle') ?? undefined,
    tags: Object.keys(tags).length ? tags : undefined,
    tagKeys: keys.length ? keys : undefined,
    attributeNames: attrs.length ? attrs : undefined,
  };
}

/** A queue URL's account and queue name (`http(s)://host/<account>/<queue>`), or null when it is not one. */
export function parseQueueUrl(url: string): { account: string; name: string } | null {
  const m = /^https?:\/\/[^/]+\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)\/?$/.exec(url);
  return m ? { account: m[1]!, name: m[2]! } : null;
}

/** A queue ARN's account and name (`arn:aws:sqs:<region>:<account>:<queue>`). */
export function parseQueueArn(arn: string): { account: string; name: string; region: string } | null {
  const m = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : null;
}

/** CancelMessageMoveTask's handle: AWS's is base64 of a JSON object naming the task's source queue ARN. */
export function taskHandleSource(handle: string): string | undefined {
  try {
    const o = JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as Record<string, unknown>;
    return str(o.sourceArn) ?? str(o.SourceArn);
  } catch {
    return undefined;
  }
}
