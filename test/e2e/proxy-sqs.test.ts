// The SQS authorizing proxy end to end: SDK v3's SQS client, boto3 and the `aws sqs` CLI → iamlocal's
// proxy → a real fauxqs (an npm SQS emulator) started here as a child process. What reached fauxqs is
// read from its own request log. Covers a user confined to one queue, a queue policy granting another
// account (both sides must allow: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
// an AssumeRole session confined to its role, and forged / tampered / unknown requests never reaching fauxqs.
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sigv4';
import { startIamLocal, type IamLocal } from '../../src/index';
import { send } from '../helpers/raw-client';
import { startSqsUpstream, type SqsUpstream } from '../helpers/sqs-upstream';

const run = promisify(execFile);
const PY = fileURLToPath(new URL('./proxy_sqs_boto3.py', import.meta.url));
const ACCOUNT = '000000000000';
const PARTNER = '111111111111';
const arn = (queue: string, account = ACCOUNT) => `arn:aws:sqs:us-east-1:${account}:${queue}`;

const ALICE = { accessKeyId: 'AKIAE2ESQSALICE00001', secretAccessKey: 'sqs-alice-secret-for-e2e-tests-only-0001' };
const PARTNER_OK = { accessKeyId: 'AKIAE2ESQSPARTNEROK1', secretAccessKey: 'sqs-partner-ok-secret-for-e2e-tests-01' };
const PARTNER_ROOT = { accessKeyId: 'AKIAE2ESQSPARTNERRT1', secretAccessKey: 'sqs-partner-root-secret-for-e2e-test01' };
const TAGGER = { accessKeyId: 'AKIAE2ESQSTAGGER0001', secretAccessKey: 'sqs-tagger-secret-for-e2e-tests-only-01' };
const PARTNER_NONE = { accessKeyId: 'AKIAE2ESQSPARTNERNO1', secretAccessKey: 'sqs-partner-none-secret-for-e2e-test1' };
const allow = (Action: string[], Resource: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });
const seed = {
  accounts: [{ id: PARTNER, rootAccessKeys: [PARTNER_ROOT] }],
  users: [
    { name: 'alice', accessKeys: [ALICE], inlinePolicies: { orders: allow(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueUrl'], arn('orders')) } },
    // Both partner users are named by the queue policy of `shared` (their account's root); only one has an identity policy too.
    { name: 'partner-ok', account: PARTNER, accessKeys: [PARTNER_OK], inlinePolicies: { shared: allow(['sqs:SendMessage'], `arn:aws:sqs:us-east-1:${ACCOUNT}:*`) } },
    { name: 'partner-none', account: PARTNER, accessKeys: [PARTNER_NONE] },
    // Tag-based access: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-abac.html
    {
      name: 'tagger',
      accessKeys: [TAGGER],
      inlinePolicies: {
        abac: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'sqs:CreateQueue', Resource: arn('team-*'), Condition: { StringEquals: { 'aws:RequestTag/team': 'payments' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } },
            { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } },
          ],
        },
      },
    },
  ],
  roles: [
    {
      name: 'orders-reader',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: { read: allow(['sqs:ReceiveMessage', 'sqs:GetQueueUrl'], arn('orders')) },
    },
  ],
};

let iam: IamLocal;
let upstream: SqsUpstream;
let endpoint: string;
const urls: Record<string, string> = {};
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const sqs = (credentials: Creds) => new SQSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

beforeAll(async () => {
  upstream = await startSqsUpstream();
  iam = await startIamLocal({ seed: [seed], proxyUpstreams: [upstream.spec()] });
  endpoint = iam.proxyEndpoints.sqs!;
  const admin = sqs(iam.credentials);
  for (const QueueName of ['orders', 'audit', 'shared']) urls[QueueName] = (await admin.send(new CreateQueueCommand({ QueueName }))).QueueUrl!;
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 'sqs:SendMessage', Resource: arn('shared') }] };
  await admin.send(new SetQueueAttributesCommand({ QueueUrl: urls.shared, Attributes: { Policy: JSON.stringify(policy) } }));
}, 120_000);
afterAll(async () => {
  await iam?.stop();
  await upstream?.stop();
});

const denied = (action: string, queue: string, who = `arn:aws:iam::${ACCOUNT}:user/alice`, account = ACCOUNT) => ({
  name: 'AccessDenied',
  $metadata: expect.objectContaining({ httpStatusCode: 403 }),
  message: expect.stringMatching(new RegExp(`^User: ${who.replace(/[/.]/g, '\\$&')} is not authorized to perform: ${action} on resource: ${arn(queue, account).replace(/[.]/g, '\\.')}`)),
});

describe('queue URLs', () => {
  it('name the proxy and the owning account', () => {
    expect(urls.orders).toBe(`${endpoint}/${ACCOUNT}/orders`);
  });

  it('ListQueues lists the caller account’s queues', async () => {
    expect((await sqs(iam.credentials).send(new ListQueuesCommand({}))).QueueUrls?.sort()).toEqual([urls.audit, urls.orders, urls.shared]);
  });
});

describe('a user allowed to send and receive on one queue (SDK v3)', () => {
  it('sends, receives and gets the queue URL of that queue', async () => {
    const c = sqs(ALICE);
    expect((await c.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl).toBe(urls.orders);
    await c.send(new SendMessageCommand({ QueueUrl: urls.orders, MessageBody: 'order-1' }));
    const got = await c.send(new ReceiveMessageCommand({ QueueUrl: urls.orders, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('order-1');
  });

  it('is AccessDenied (403, AWS’s text) on another queue and for DeleteQueue, and nothing reaches the upstream', async () => {
    const c = sqs(ALICE);
    const sends = (await upstream.hits('SendMessage')).length;
    await expect(c.send(new SendMessageCommand({ QueueUrl: urls.audit, MessageBody: 'x' }))).rejects.toMatchObject({
      ...denied('sqs:SendMessage', 'audit'),
      message: expect.stringContaining('because no identity-based policy allows the sqs:SendMessage action'),
    });
    await expect(c.send(new DeleteQueueCommand({ QueueUrl: urls.orders }))).rejects.toMatchObject(denied('sqs:DeleteQueue', 'orders'));
    expect(await upstream.hits('SendMessage')).toHaveLength(sends);
    expect(await upstream.hits('DeleteQueue')).toHaveLength(0);
  });

  it('a queue URL naming another account is QueueDoesNotExist, not that account’s queue', async () => {
    await expect(sqs(ALICE).send(new SendMessageCommand({ QueueUrl: `${endpoint}/${PARTNER}/orders`, MessageBody: 'x' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
  });
});

describe('a queue policy granting another account', () => {
  it('lets that account send when its identity policy allows too', async () => {
    await sqs(PARTNER_OK).send(new SendMessageCommand({ QueueUrl: urls.shared, MessageBody: 'from-partner' }));
    const got = await sqs(iam.credentials).send(new ReceiveMessageCommand({ QueueUrl: urls.shared, MaxNumberOfMessages: 1 }));
    expect(got.Messages?.[0]?.Body).toBe('from-partner');
  });

  it('is AccessDenied without the identity side, and on a queue without a grant', async () => {
    const sends = (await upstream.hits('SendMessage')).length;
    await expect(sqs(PARTNER_NONE).send(new SendMessageCommand({ QueueUrl: urls.shared, MessageBody: 'x' }))).rejects.toMatchObject(denied('sqs:SendMessage', 'shared', `arn:aws:iam::${PARTNER}:user/partner-none`));
    await expect(sqs(PARTNER_OK).send(new SendMessageCommand({ QueueUrl: urls.orders, MessageBody: 'x' }))).rejects.toMatchObject(denied('sqs:SendMessage', 'orders', `arn:aws:iam::${PARTNER}:user/partner-ok`));
    expect(await upstream.hits('SendMessage')).toHaveLength(sends);
  });

  it('a queue policy changed through the proxy is decided anew', async () => {
    const admin = sqs(iam.credentials);
    await admin.send(new SetQueueAttributesCommand({ QueueUrl: urls.shared, Attributes: { Policy: '' } }));
    await expect(sqs(PARTNER_OK).send(new SendMessageCommand({ QueueUrl: urls.shared, MessageBody: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PARTNER}:root` }, Action: 'sqs:SendMessage', Resource: arn('shared') }] };
    await admin.send(new SetQueueAttributesCommand({ QueueUrl: urls.shared, Attributes: { Policy: JSON.stringify(policy) } }));
    await sqs(PARTNER_OK).send(new SendMessageCommand({ QueueUrl: urls.shared, MessageBody: 'again' }));
  });
});

describe('a queue created by another account', () => {
  it('belongs to that account: its URL and ARN name it, and the first account needs its grant', async () => {
    const partner = sqs(PARTNER_ROOT);
    const url = (await partner.send(new CreateQueueCommand({ QueueName: 'partner-jobs' }))).QueueUrl!;
    expect(url).toBe(`${endpoint}/${PARTNER}/partner-jobs`);
    const attrs = await partner.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    expect(attrs.Attributes?.QueueArn).toBe(arn('partner-jobs', PARTNER));
    await expect(sqs(ALICE).send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toMatchObject(denied('sqs:SendMessage', 'partner-jobs', undefined, PARTNER));
    expect((await sqs(iam.credentials).send(new ListQueuesCommand({}))).QueueUrls).not.toContain(url);
  });

  it('a name the first account holds is not handed over (QueueNameExists)', async () => {
    await expect(sqs(PARTNER_ROOT).send(new CreateQueueCommand({ QueueName: 'orders' }))).rejects.toMatchObject({ name: 'QueueNameExists', $metadata: expect.objectContaining({ httpStatusCode: 400 }) });
  });
});

describe('tag condition keys', () => {
  it('CreateQueue is decided on aws:RequestTag/* and aws:TagKeys', async () => {
    const c = sqs(TAGGER);
    const created = await c.send(new CreateQueueCommand({ QueueName: 'team-payments', tags: { team: 'payments' } }));
    expect(created.QueueUrl).toBe(`${endpoint}/${ACCOUNT}/team-payments`);
    await expect(c.send(new CreateQueueCommand({ QueueName: 'team-other', tags: { team: 'other' } }))).rejects.toMatchObject(denied('sqs:CreateQueue', 'team-other', `arn:aws:iam::${ACCOUNT}:user/tagger`));
    await expect(c.send(new CreateQueueCommand({ QueueName: 'team-untagged' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const creates = (await upstream.hits('CreateQueue')).length;
    await expect(c.send(new CreateQueueCommand({ QueueName: 'team-extra', tags: { team: 'payments', owner: 'me' } }))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(await upstream.hits('CreateQueue')).toHaveLength(creates);
  });

  it('SendMessage is decided on the queue’s aws:ResourceTag/* (read from the upstream)', async () => {
    const c = sqs(TAGGER);
    await c.send(new SendMessageCommand({ QueueUrl: `${endpoint}/${ACCOUNT}/team-payments`, MessageBody: 'tagged' }));
    await expect(c.send(new SendMessageCommand({ QueueUrl: urls.orders, MessageBody: 'x' }))).rejects.toMatchObject(denied('sqs:SendMessage', 'orders', `arn:aws:iam::${ACCOUNT}:user/tagger`));
  });
});

describe('an AssumeRole session', () => {
  it('is confined to its role’s policy', async () => {
    const sts = new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: iam.credentials });
    const { Credentials: k } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/orders-reader`, RoleSessionName: 'reader' }));
    const c = sqs({ accessKeyId: k!.AccessKeyId!, secretAccessKey: k!.SecretAccessKey!, sessionToken: k!.SessionToken! });
    await sqs(ALICE).send(new SendMessageCommand({ QueueUrl: urls.orders, MessageBody: 'for-reader' }));
    await c.send(new ReceiveMessageCommand({ QueueUrl: urls.orders, MaxNumberOfMessages: 1 }));
    await expect(c.send(new SendMessageCommand({ QueueUrl: urls.orders, MessageBody: 'x' }))).rejects.toMatchObject(denied('sqs:SendMessage', 'orders', `arn:aws:sts::${ACCOUNT}:assumed-role/orders-reader/reader`));
  });
});

describe('forged, tampered and unknown requests', () => {
  const call = (op: string, body: string, creds: Creds, sendBody = body) => {
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${op}` };
    const auth = signRequest({ method: 'POST', url: `${endpoint}/`, headers, body }, creds, { region: 'us-east-1', service: 'sqs', now: new Date() });
    return send(endpoint, { headers: { ...headers, ...auth }, body: sendBody });
  };
  const msg = JSON.stringify({ QueueUrl: `${endpoint}/${ACCOUNT}/orders`, MessageBody: 'x' });

  it('a wrong secret, an unknown key and a tampered body never reach the upstream', async () => {
    const before = (await upstream.requests()).length;
    const forged = await call('SendMessage', msg, { ...ALICE, secretAccessKey: 'not-the-secret' });
    expect(forged.status).toBe(403);
    expect(forged.headers['x-amzn-query-error']).toBe('SignatureDoesNotMatch;Sender');
    const unknown = await call('SendMessage', msg, { accessKeyId: 'AKIAE2ESQSUNKNOWN001', secretAccessKey: 'whatever' });
    expect(unknown.status).toBe(403);
    expect(unknown.headers['x-amzn-query-error']).toBe('InvalidClientTokenId;Sender');
    const tampered = await call('SendMessage', msg, ALICE, msg.replace('orders', 'audit!'));
    expect(tampered.status).toBe(403);
    expect(tampered.headers['x-amzn-query-error']).toBe('SignatureDoesNotMatch;Sender');
    expect(await upstream.requests()).toHaveLength(before);
  });

  it('an operation the proxy does not know fails closed (InvalidAction) and is not forwarded', async () => {
    const before = (await upstream.requests()).length;
    const r = await call('DeleteEverything', '{}', iam.credentials);
    expect(r.status).toBe(400);
    expect(r.headers['x-amzn-query-error']).toBe('InvalidAction;Sender');
    expect(JSON.parse(r.body)).toMatchObject({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    expect(await upstream.requests()).toHaveLength(before);
  });

  it('a query-protocol request is identified and refused in its own protocol (XML AccessDenied)', async () => {
    const before = (await upstream.requests()).length;
    const body = new URLSearchParams({ Action: 'SendMessage', Version: '2012-11-05', QueueUrl: urls.audit, MessageBody: 'x' }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const auth = signRequest({ method: 'POST', url: `${endpoint}/`, headers, body }, ALICE, { region: 'us-east-1', service: 'sqs', now: new Date() });
    const r = await send(endpoint, { headers: { ...headers, ...auth }, body });
    expect(r.status).toBe(403);
    expect(r.body).toContain('<Code>AccessDenied</Code>');
    expect(r.body).toContain(`is not authorized to perform: sqs:SendMessage on resource: ${arn('audit')}`);
    expect(await upstream.requests()).toHaveLength(before);
  });
});

describe('boto3 and the aws CLI (botocore, JSON 1.0)', () => {
  const env = () => ({ ...process.env, AWS_ENDPOINT_URL_SQS: endpoint, AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });

  it('boto3 sends and receives on the allowed queue and gets AccessDenied (403) elsewhere', async () => {
    const before = (await upstream.hits('SendMessage')).length;
    const { stdout } = await run('python3', [PY, urls.orders, urls.audit], { env: env() });
    const out = JSON.parse(stdout) as Record<string, { ok: boolean; value?: unknown; code?: string; status?: number; message?: string }>;
    expect(out.send).toMatchObject({ ok: true });
    expect(out.receive).toMatchObject({ ok: true, value: 'from-boto3' });
    expect(out.denied).toMatchObject({ ok: false, code: 'AccessDenied', status: 403 });
    expect(out.denied!.message).toContain(`is not authorized to perform: sqs:SendMessage on resource: ${arn('audit')}`);
    expect(await upstream.hits('SendMessage')).toHaveLength(before + 1);
  });

  it('aws sqs: delete-queue is refused with AccessDenied', async () => {
    const r = await run('aws', ['--endpoint-url', endpoint, 'sqs', 'delete-queue', '--queue-url', urls.orders], { env: env() }).then(() => null, (e: { stderr: string; code: number }) => e);
    expect(r?.code).toBe(255); // aws CLI v1 exits 255 on a service error
    expect(r?.stderr).toContain('An error occurred (AccessDenied) when calling the DeleteQueue operation: User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sqs:DeleteQueue');
    expect(await upstream.hits('DeleteQueue')).toHaveLength(0);
  });
});
