// Owns the DynamoDB operations the authorizing proxy knows: ONE table naming, for each X-Amz-Target
// operation, the IAM action, the resources (tables and indexes named in the JSON body) and the
// condition keys (dynamodb:LeadingKeys, dynamodb:Attributes, dynamodb:Select, dynamodb:ReturnValues, …).
// Actions and keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
// and https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html.
import type { RequestContext } from '../../policy/types';

export type Json = Record<string, unknown>;

/** One authorization a DynamoDB call needs. */
export interface DynamoCheck {
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
    { name: 'ListTagsOfResource', checks: (b) => [{ table: tableFromArn(str(b.ResourceArn)), context: {} }] },
    { name: 'TagResource', checks: (b) => [{ table: tableFromArn(str(b.ResourceArn)), context: {} }] },
    { name: 'UntagResource', checks: (b) => [{ table: tableFromArn(str(b.ResourceArn)), context: {} }] },
    // Account-level calls: resource `*`.
    { name: 'ListTables', checks: () => [] },
    { name: 'DescribeLimits', checks: () => [] },
    { name: 'DescribeEndpoints', checks: () => [] },
  ] satisfies DynamoOperation[]).map((o) => [o.name, o]),
);

function tableFromArn(arn: string | undefined): string {
  const m = /:table\/([^/]+)/.exec(arn ?? '');
  return m ? m[1]! : '';
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
