// The DynamoDB authorizing proxy end to end: SDK v3's DynamoDB client → iamlocal's proxy → a real
// dynalite (an npm DynamoDB emulator) started here. What reached dynalite is read from its own HTTP
// server. Covers an IRSA session confined to its role (seed/10-irsa-payments.yaml's payments-api),
// dynamodb:LeadingKeys per user (AWS's fine-grained access example,
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html), and
// forged / tampered / unknown requests never reaching the upstream.
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, ExecuteStatementCommand, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { fromWebToken } from '@aws-sdk/credential-providers';
import type { IncomingMessage, Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sigv4';
import { startIamLocal, type IamLocal } from '../../src/index';
import { mintToken } from '../helpers/admin-client';
import { send } from '../helpers/raw-client';
// @ts-expect-error dynalite ships no type declarations
import dynalite from 'dynalite';

const IRSA_SEED = fileURLToPath(new URL('../../seed/10-irsa-payments.yaml', import.meta.url));
const ALICE = { accessKeyId: 'AKIAE2EDYNAMOALICE01', secretAccessKey: 'dynamo-alice-secret-for-e2e-tests-only-1' };
const seed = {
  users: [
    {
      name: 'alice',
      accessKeys: [ALICE],
      inlinePolicies: {
        ownItems: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
            Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/tenants',
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } },
          }],
        },
      },
    },
  ],
};

let iam: IamLocal;
let upstream: Server;
let endpoint: string;
const targets: string[] = [];
const db = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | ReturnType<typeof fromWebToken>) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

beforeAll(async () => {
  upstream = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  upstream.prependListener('request', (req: IncomingMessage) => void targets.push(String(req.headers['x-amz-target'] ?? '')));
  const port = (upstream.address() as { port: number }).port;
  iam = await startIamLocal({ seed: [IRSA_SEED, seed], proxyUpstreams: [`dynamodb=http://local:local@127.0.0.1:${port}`] });
  endpoint = iam.proxyEndpoints.dynamodb!;
  const admin = db(iam.credentials);
  for (const TableName of ['payments', 'tenants']) {
    await admin.send(new CreateTableCommand({ TableName, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  }
});
afterAll(async () => {
  await iam?.stop();
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
});

const item = (pk: string, sk = '1') => ({ pk: { S: pk }, sk: { S: sk } });

describe('an IRSA session on DynamoDB is confined to its role (payments-api)', () => {
  const pod = async () => db(fromWebToken({ roleArn: 'arn:aws:iam::000000000000:role/payments-api', webIdentityToken: await mintToken(iam.endpoint, 'demo', { namespace: 'payments', serviceAccount: 'payments-api' }), roleSessionName: 'pod', clientConfig: { endpoint: iam.endpoint, region: 'us-east-1' } }));

  it('PutItem, GetItem and Query on payments are allowed', async () => {
    const c = await pod();
    await c.send(new PutItemCommand({ TableName: 'payments', Item: { ...item('order-1'), amount: { N: '42' } } }));
    expect((await c.send(new GetItemCommand({ TableName: 'payments', Key: item('order-1') }))).Item?.amount).toEqual({ N: '42' });
    expect((await c.send(new QueryCommand({ TableName: 'payments', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'order-1' } } }))).Count).toBe(1);
  });

  it('DeleteItem, Scan and other tables are AccessDeniedException (400) with AWS’s text, and not forwarded', async () => {
    const c = await pod();
    const before = targets.length;
    await expect(c.send(new DeleteItemCommand({ TableName: 'payments', Key: item('order-1') }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message: 'User: arn:aws:sts::000000000000:assumed-role/payments-api/pod is not authorized to perform: dynamodb:DeleteItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/payments because no identity-based policy allows the dynamodb:DeleteItem action',
    });
    await expect(c.send(new ScanCommand({ TableName: 'payments' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(c.send(new GetItemCommand({ TableName: 'tenants', Key: item('x') }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(targets.slice(before)).toEqual([]);
  });
});

describe('dynamodb:LeadingKeys (items whose partition key is the caller’s user name)', () => {
  it('alice may write and read her own items, not bob’s; Query by partition key likewise', async () => {
    const c = db(ALICE);
    await c.send(new PutItemCommand({ TableName: 'tenants', Item: item('alice') }));
    expect((await c.send(new GetItemCommand({ TableName: 'tenants', Key: item('alice') }))).Item?.pk).toEqual({ S: 'alice' });
    await expect(c.send(new PutItemCommand({ TableName: 'tenants', Item: item('bob') }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(c.send(new GetItemCommand({ TableName: 'tenants', Key: item('bob') }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect((await c.send(new QueryCommand({ TableName: 'tenants', KeyConditionExpression: '#k = :v', ExpressionAttributeNames: { '#k': 'pk' }, ExpressionAttributeValues: { ':v': { S: 'alice' } } }))).Count).toBe(1);
    await expect(c.send(new QueryCommand({ TableName: 'tenants', KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: { ':v': { S: 'bob' } } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(targets.filter((t) => t.endsWith('.PutItem')).length).toBe(2); // payments' and alice's, never bob's
  });
});

describe('transactions and PartiQL are authorized item by item, statement by statement', () => {
  // dynalite has neither (it answers UnknownOperationException); what matters here is what the proxy lets through.
  const reached = (op: string) => targets.filter((t) => t.endsWith(`.${op}`)).length;

  it('TransactWriteItems: every Put is dynamodb:PutItem with its leading key; one of bob’s items denies the whole call, unforwarded', async () => {
    const c = db(ALICE);
    const before = reached('TransactWriteItems');
    const denied = await c.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'tenants', Item: item('alice', '2') } }, { Put: { TableName: 'tenants', Item: item('bob', '2') } }] })).catch((e) => e);
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    expect(denied.message).toBe('User: arn:aws:iam::000000000000:user/alice is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/tenants because no identity-based policy allows the dynamodb:PutItem action');
    expect(reached('TransactWriteItems')).toBe(before);
    // Her own items only: authorized, so it reaches the upstream (whose own answer comes back).
    const own = await c.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'tenants', Item: item('alice', '3') } }] })).catch((e) => e);
    expect(own?.name).not.toBe('AccessDeniedException');
    expect(reached('TransactWriteItems')).toBe(before + 1);
    // A Delete in a transaction is dynamodb:DeleteItem, which she does not have.
    await expect(c.send(new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName: 'tenants', Key: item('alice', '3') } }] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('ExecuteStatement is dynamodb:PartiQLSelect on the table it names: alice has only GetItem/PutItem/Query', async () => {
    const before = reached('ExecuteStatement');
    const e = await db(ALICE).send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM "tenants" WHERE pk = ?', Parameters: [{ S: 'alice' }] })).catch((x) => x);
    expect(e).toMatchObject({ name: 'AccessDeniedException' });
    expect(e.message).toContain('dynamodb:PartiQLSelect on resource: arn:aws:dynamodb:us-east-1:000000000000:table/tenants');
    expect(reached('ExecuteStatement')).toBe(before);
  });
});

describe('forged, tampered and unknown requests never reach dynalite', () => {
  const body = JSON.stringify({ TableName: 'payments', Key: item('order-1') });
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' };
  const sign = (creds: { accessKeyId: string; secretAccessKey: string }, b = body, h: Record<string, string> = headers) =>
    ({ ...h, ...signRequest({ method: 'POST', url: `${endpoint}/`, headers: h, body: b }, creds, { region: 'us-east-1', service: 'dynamodb', now: new Date() }) });

  it('a wrong secret is InvalidSignatureException, an unknown key UnrecognizedClientException, no auth MissingAuthenticationTokenException', async () => {
    const before = targets.length;
    const forged = await send(endpoint, { path: '/', headers: sign({ accessKeyId: 'test', secretAccessKey: 'nope' }), body });
    expect([forged.status, JSON.parse(forged.body).__type]).toEqual([400, 'com.amazonaws.dynamodb.v20120810#InvalidSignatureException']);
    const unknown = await send(endpoint, { path: '/', headers: sign({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }), body });
    expect(JSON.parse(unknown.body)).toEqual({ __type: 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    const none = await send(endpoint, { path: '/', headers, body });
    expect(JSON.parse(none.body).__type).toBe('com.amazonaws.dynamodb.v20120810#MissingAuthenticationTokenException');
    expect(targets.slice(before)).toEqual([]);
  });

  it('a body changed after signing (another table) is InvalidSignatureException', async () => {
    const before = targets.length;
    const h = sign(iam.credentials);
    const r = await send(endpoint, { path: '/', headers: h, body: body.replace('payments', 'tenants') });
    expect(JSON.parse(r.body).__type).toBe('com.amazonaws.dynamodb.v20120810#InvalidSignatureException');
    expect(targets.slice(before)).toEqual([]);
  });

  it('an operation the proxy does not know fails closed: UnknownOperationException', async () => {
    const before = targets.length;
    const h = { ...headers, 'x-amz-target': 'DynamoDB_20120810.UpdateGlobalTable' };
    const r = await send(endpoint, { path: '/', headers: sign(iam.credentials, '{}', h), body: '{}' });
    expect([r.status, JSON.parse(r.body).__type]).toEqual([400, 'com.amazonaws.dynamodb.v20120810#UnknownOperationException']);
    expect(targets.slice(before)).toEqual([]);
  });
});
