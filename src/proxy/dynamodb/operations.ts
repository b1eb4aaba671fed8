// Owns the DynamoDB operations the authorizing proxy knows: ONE table naming, for each X-Amz-Target
// operation, the IAM action, the resources (tables and indexes named in the JSON body) and the
// condition keys (dynamodb:LeadingKeys, dynamodb:Attributes, dynamodb:Select, dynamodb:ReturnValues, …).
// Actions and keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
// and https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html.
import type { RequestContext } from '../../policy/types';

export type Json = Record<string, unknown>;

/** One authorization a DynamoDB call needs. */
export interface DynamoCheck {
  /** The IAM action when it is not `dynamodb:<operation>` (transactions and PartiQL authorize per item/statement). */
  action?: string;
  /** A resource named by ARN in the call (backups, exports, streams, ResourceArn), used as given. */
  arn?: string;
  table: string;
  index?: string;
  /** Partition-key values the call touches (dynamodb:LeadingKeys), as item keys or items. */
  keys?: Json[];
  /** A Query's key condition, resolved against the table's partition key by the proxy. */
  query?: Json;
  context: RequestContext;
}

export interface DynamoOperation {
  name: string;
  /** The checks: one per table (Batch* and TransactWriteItems name several); [] = account-level (`*`). */
  checks: (body: Json) => DynamoCheck[];
  /** The call changes which tables exist (the proxy's key-schema cache forgets them). */
  changesTables?: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** Attribute names a ProjectionExpression / AttributesToGet / Item names (dynamodb:Attributes). */
function attributes(body: Json): string[] | undefined {
  const names = obj(body.ExpressionAttributeNames);
  const out = new Set<string>();
  if (Array.isArray(body.AttributesToGet)) for (const a of body.AttributesToGet) if (typeof a === 'string') out.add(a);
  const proj = str(body.ProjectionExpression);
  if (proj) {
    for (const part of proj.split(',')) {
      const top = part.trim().split(/[.[]/)[0]!;
      const name = top.startsWith('#') ? str(names[top]) : top;
      if (name) out.add(name);
    }
  }
  if (body.Item !== undefined) for (const k of Object.keys(obj(body.Item))) out.add(k);
  return out.size ? [...out] : undefined;
}

function commonKeys(body: Json): RequestContext {
  const ctx: RequestContext = {};
  const attrs = attributes(body);
  if (attrs) ctx['dynamodb:Attributes'] = attrs;
  for (const k of ['Select', 'ReturnValues', 'ReturnConsumedCapacity'] as const) {
    const v = str(body[k]);
    if (v !== undefined) ctx[`dynamodb:${k}`] = v;
  }
  return ctx;
}

const table = (body: Json) => str(body.TableName) ?? '';
const single = (withKeys: 'Key' | 'Item' | null) => (body: Json): DynamoCheck[] => [
  { table: table(body), ...(withKeys ? { keys: [obj(body[withKeys])] } : {}), context: commonKeys(body) },
];
const tableOnly = (body: Json): DynamoCheck[] => [{ table: table(body), context: {} }];

function batchGet(body: Json): DynamoCheck[] {
  return Object.entries(obj(body.RequestItems)).map(([t, v]) => {
    const req = obj(v);
    return { table: t, keys: Array.isArray(req.Keys) ? req.Keys.map(obj) : [], context: commonKeys(req) };
  });
}

function batchWrite(body: Json): DynamoCheck[] {
  return Object.entries(obj(body.RequestItems)).map(([t, v]) => {
    const keys: Json[] = [];
    for (const w of Array.isArray(v) ? v : []) {
      const o = obj(w);
      if (o.PutRequest) keys.push(obj(obj(o.PutRequest).Item));
      if (o.DeleteRequest) keys.push(obj(obj(o.DeleteRequest).Key));
    }
    return { table: t, keys, context: {} };
  });
}

/**
 * TransactWriteItems / TransactGetItems have no action of their own: each item is authorized as the
 * single-item call it stands for (PutItem, UpdateItem, DeleteItem, ConditionCheckItem, GetItem), with
 * dynamodb:EnclosingOperation naming the transaction
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
const TRANSACT_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

const transact = (enclosing: 'TransactWriteItems' | 'TransactGetItems') => (body: Json): DynamoCheck[] => {
  const out: DynamoCheck[] = [];
  for (const item of Array.isArray(body.TransactItems) ? body.TransactItems : []) {
    for (const [kind, v] of Object.entries(obj(item))) {
      const action = TRANSACT_ACTIONS[kind];
      const req = obj(v);
      // A member this table does not know is refused as an unknown action rather than skipped.
      const keys = [obj(kind === 'Put' ? req.Item : req.Key)];
      out.push({ action: `dynamodb:${action ?? kind}`, table: table(req), keys, context: { ...commonKeys(req), 'dynamodb:EnclosingOperation': enclosing } });
    }
  }
  return out;
};

/** PartiQL's verb → its action (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html). */
const PARTIQL_ACTIONS: Record<string, string> = { SELECT: 'PartiQLSelect', INSERT: 'PartiQLInsert', UPDATE: 'PartiQLUpdate', DELETE: 'PartiQLDelete', EXISTS: 'PartiQLSelect' };
const IDENT = String.raw`("(?:[^"]|"")+"|[A-Za-z0-9_.-]+)`;
const unquote = (t: string) => (t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t);

/**
 * The table (and index) and action of one PartiQL statement: `SELECT … FROM "t"."i"`, `INSERT INTO "t"`,
 * `UPDATE "t"`, `DELETE FROM "t"`. A statement not read is checked against table "" — it matches
 * only a policy granting every table, and the upstream rejects it anyway.
 */
export function partiqlTarget(statement: string): { action: string; table: string; index?: string } {
  const verb = /^\s*([A-Za-z]+)/.exec(statement)?.[1]?.toUpperCase() ?? '';
  const action = `dynamodb:${PARTIQL_ACTIONS[verb] ?? 'PartiQLSelect'}`;
  const where = verb === 'INSERT' ? new RegExp(String.raw`^\s*INSERT\s+INTO\s+${IDENT}`, 'i') : verb === 'UPDATE' ? new RegExp(String.raw`^\s*UPDATE\s+${IDENT}`, 'i') : new RegExp(String.raw`\bFROM\s+${IDENT}(?:\.${IDENT})?`, 'i');
  const m = where.exec(statement);
  if (!m) return { action, table: '' };
  return { action, table: unquote(m[1]!), ...(m[2] ? { index: unquote(m[2]) } : {}) };
}

const partiql = (list: 'Statement' | 'Statements' | 'TransactStatements', enclosing?: string) => (body: Json): DynamoCheck[] => {
  const statements = list === 'Statement' ? [body] : Array.isArray(body[list]) ? (body[list] as unknown[]).map(obj) : [];
  return statements.map((st) => {
    const t = partiqlTarget(str(st.Statement) ?? '');
    return { action: t.action, table: t.table, ...(t.index ? { index: t.index } : {}), context: (enclosing ? { 'dynamodb:EnclosingOperation': enclosing } : {}) as RequestContext };
  });
};

/** A call that names its resource by ARN (ResourceArn, TableArn, BackupArn, StreamArn, ExportArn). */
const byArn = (member: string) => (body: Json): DynamoCheck[] => [{ arn: str(body[member]) ?? '', table: '', context: {} }];

function queryChecks(body: Json): DynamoCheck[] {
  const index = str(body.IndexName);
  return [{ table: table(body), ...(index ? { index } : {}), query: body, context: commonKeys(body) }];
}

function scanChecks(body: Json): DynamoCheck[] {
  const index = str(body.IndexName);
  return [{ table: table(body), ...(index ? { index } : {}), context: commonKeys(body) }];
}

/** Every DynamoDB call the proxy forwards; a target not named here fails closed (UnknownOperationException). */
export const DYNAMODB_OPERATIONS: ReadonlyMap<string, DynamoOperation> = new Map(
  ([
    { name: 'GetItem', checks: single('Key') },
    { name: 'PutItem', checks: single('Item') },
    { name: 'UpdateItem', checks: single('Key') },
    { name: 'DeleteItem', checks: single('Key') },
    { name: 'Query', checks: queryChecks },
    { name: 'Scan', checks: scanChecks },
    { name: 'BatchGetItem', checks: batchGet },
    { name: 'BatchWriteItem', checks: batchWrite },
    { name: 'DescribeTable', checks: tableOnly },
    { name: 'CreateTable', checks: tableOnly, changesTables: true },
    { name: 'DeleteTable', checks: tableOnly, changesTables: true },
    { name: 'UpdateTable', checks: tableOnly, changesTables: true },
    { name: 'DescribeTimeToLive', checks: tableOnly },
    { name: 'UpdateTimeToLive', checks: tableOnly },
    { name: 'ListTagsOfResource', checks: byArn('ResourceArn') },
    { name: 'TagResource', checks: (b) => byArn('ResourceArn')(b).map((c) => ({ ...c, context: tagKeys(b, 'Tags') })) },
    { name: 'UntagResource', checks: (b) => byArn('ResourceArn')(b).map((c) => ({ ...c, context: tagKeys(b, 'TagKeys') })) },
    { name: 'TransactWriteItems', checks: transact('TransactWriteItems') },
    { name: 'TransactGetItems', checks: transact('TransactGetItems') },
    { name: 'ExecuteStatement', checks: partiql('Statement') },
    { name: 'BatchExecuteStatement', checks: partiql('Statements') },
    { name: 'ExecuteTransaction', checks: partiql('TransactStatements', 'ExecuteTransaction') },
    { name: 'DescribeContinuousBackups', checks: tableOnly },
    { name: 'UpdateContinuousBackups', checks: tableOnly },
    { name: 'DescribeContributorInsights', checks: tableOnly },
    { name: 'UpdateContributorInsights', checks: tableOnly },
    { name: 'DescribeKinesisStreamingDestination', checks: tableOnly },
    { name: 'EnableKinesisStreamingDestination', checks: tableOnly },
    { name: 'DisableKinesisStreamingDestination', checks: tableOnly },
    { name: 'UpdateKinesisStreamingDestination', checks: tableOnly },
    { name: 'DescribeTableReplicaAutoScaling', checks: tableOnly },
    { name: 'UpdateTableReplicaAutoScaling', checks: tableOnly },
    { name: 'CreateBackup', checks: tableOnly },
    { name: 'DescribeBackup', checks: byArn('BackupArn') },
    { name: 'DeleteBackup', checks: byArn('BackupArn') },
    { name: 'RestoreTableFromBackup', checks: byArn('BackupArn') },
    { name: 'RestoreTableToPointInTime', checks: (b) => (str(b.SourceTableArn) ? byArn('SourceTableArn')(b) : [{ table: str(b.SourceTableName) ?? '', context: {} }]), changesTables: true },
    { name: 'ExportTableToPointInTime', checks: byArn('TableArn') },
    { name: 'DescribeExport', checks: byArn('ExportArn') },
    { name: 'GetResourcePolicy', checks: byArn('ResourceArn') },
    { name: 'PutResourcePolicy', checks: byArn('ResourceArn') },
    { name: 'DeleteResourcePolicy', checks: byArn('ResourceArn') },
    // Account-level calls: resource `*`.
    { name: 'ListTables', checks: () => [] },
    { name: 'ListBackups', checks: () => [] },
    { name: 'ListContributorInsights', checks: () => [] },
    { name: 'ListExports', checks: () => [] },
    { name: 'ListImports', checks: () => [] },
    { name: 'ListGlobalTables', checks: () => [] },
    { name: 'DescribeLimits', checks: () => [] },
    { name: 'DescribeEndpoints', checks: () => [] },
  ] satisfies DynamoOperation[]).map((o) => [o.name, o]),
);

/** aws:RequestTag/<key> and aws:TagKeys of TagResource / UntagResource. */
function tagKeys(body: Json, member: 'Tags' | 'TagKeys'): RequestContext {
  const list = Array.isArray(body[member]) ? (body[member] as unknown[]) : [];
  if (member === 'TagKeys') return { 'aws:TagKeys': list.filter((k): k is string => typeof k === 'string') };
  const ctx: RequestContext = { 'aws:TagKeys': [] };
  for (const t of list.map(obj)) {
    const k = str(t.Key);
    if (k === undefined) continue;
    (ctx['aws:TagKeys'] as string[]).push(k);
    ctx[`aws:RequestTag/${k}`] = str(t.Value) ?? '';
  }
  return ctx;
}

/** The string form of an attribute value ({S}, {N}, {B}) as dynamodb:LeadingKeys compares it. */
export function scalar(v: unknown): string | undefined {
  const o = obj(v);
  return str(o.S) ?? str(o.N) ?? str(o.B);
}

/**
 * The partition-key values of a Query: `pk = :v` (or `#n = :v`) in KeyConditionExpression, or the
 * legacy KeyConditions' EQ condition on the partition key.
 */
export function queryLeadingKeys(body: Json, hashKey: string): string[] | undefined {
  const names = obj(body.ExpressionAttributeNames);
  const values = obj(body.ExpressionAttributeValues);
  const expr = str(body.KeyConditionExpression);
  if (expr) {
    for (const clause of expr.split(/\s+AND\s+/i)) {
      const m = /^\s*\(?\s*([#A-Za-z0-9_.-]+)\s*=\s*(:[A-Za-z0-9_]+)\s*\)?\s*$/.exec(clause);
      if (!m) continue;
      const name = m[1]!.startsWith('#') ? str(names[m[1]!]) : m[1];
      if (name === hashKey) {
        const v = scalar(values[m[2]!]);
        return v === undefined ? undefined : [v];
      }
    }
    return undefined;
  }
  const kc = obj(obj(body.KeyConditions)[hashKey]);
  if (kc.ComparisonOperator === 'EQ' && Array.isArray(kc.AttributeValueList)) {
    const v = scalar(kc.AttributeValueList[0]);
    return v === undefined ? undefined : [v];
  }
  return undefined;
}
