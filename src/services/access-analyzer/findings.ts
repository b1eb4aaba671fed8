// Owns external-access findings and analyzed resources: ListFindings, ListFindingsV2, GetFinding,
// GetFindingV2, UpdateFindings, GetFindingsStatistics, ListAnalyzedResources, GetAnalyzedResource,
// StartResourceScan. Every one of them first brings the analyzer's findings up to date with the
// current trust policies (findings-state.ts), so they write and run as mutating operations.
// https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListFindings.html
// GetFindingV2/ListFindingsV2 are authorized as access-analyzer:GetFinding / access-analyzer:ListFindings:
// the Service Authorization Reference lists no separate V2 actions.
import type { Analyzer, StoredFinding } from '../../store/repos/access-analyzer';
import { defineOperation, type Call } from '../types';
import { aaErrors, AaInput, ANALYZER_ARN, analyzerByArn, iso, page, RESOURCE_ARN, type PagingInput } from './common';
import type { ExternalAccess } from './analysis';
import { matchesFilter, readFilter } from './filters';
import { findingAttributes, ROLE_TYPE, syncFindings } from './findings-state';
import type { FilterCriteria } from '../../store/repos/access-analyzer';

const RESOURCE_TYPES = [
  'AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::Lambda::LayerVersion', 'AWS::KMS::Key',
  'AWS::SecretsManager::Secret', 'AWS::EFS::FileSystem', 'AWS::EC2::Snapshot', 'AWS::ECR::Repository', 'AWS::RDS::DBSnapshot',
  'AWS::RDS::DBClusterSnapshot', 'AWS::SNS::Topic', 'AWS::S3Express::DirectoryBucket', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::Stream',
  'AWS::IAM::User',
] as const;

const analyzerArnRule = { required: true, pattern: ANALYZER_ARN } as const;

function access(f: StoredFinding): ExternalAccess {
  return f.detail as unknown as ExternalAccess;
}

function findingShape(f: StoredFinding): Record<string, unknown> {
  const d = access(f);
  return {
    id: f.id,
    principal: d.principal,
    action: d.action,
    resource: f.resourceArn,
    isPublic: d.isPublic,
    resourceType: f.resourceType,
    condition: d.condition,
    createdAt: iso(f.createdAt),
    analyzedAt: iso(f.analyzedAt),
    updatedAt: iso(f.updatedAt),
    status: f.status,
    resourceOwnerAccount: f.ownerAccount,
    sources: [{ type: 'POLICY' }],
    resourceControlPolicyRestriction: 'NOT_APPLICABLE',
  };
}

function findingSummaryV2(f: StoredFinding): Record<string, unknown> {
  return {
    analyzedAt: iso(f.analyzedAt),
    createdAt: iso(f.createdAt),
    id: f.id,
    resource: f.resourceArn,
    resourceType: f.resourceType,
    resourceOwnerAccount: f.ownerAccount,
    status: f.status,
    updatedAt: iso(f.updatedAt),
    findingType: 'ExternalAccess',
  };
}

// ------------------------------------------------------------------ ListFindings / ListFindingsV2

interface ListInput {
  analyzerArn: string;
  filter?: FilterCriteria;
  sort?: { attributeName?: string; orderBy?: 'ASC' | 'DESC' };
  paging: PagingInput;
}

function readList(params: Record<string, unknown>): ListInput {
  const i = new AaInput(params);
  const analyzerArn = i.string('analyzerArn', analyzerArnRule);
  const filter = readFilter(params, 'filter', false);
  const s = i.object('sort');
  const si = s ? new AaInput(s) : undefined;
  const sort = si ? { attributeName: si.string('attributeName'), orderBy: si.string('orderBy', { enum: ['ASC', 'DESC'] }) as 'ASC' | 'DESC' | undefined } : undefined;
  return { analyzerArn, filter, sort, paging: i.paging(100, 100) };
}

const SORT_KEYS: Record<string, (f: StoredFinding) => string> = {
  createdAt: (f) => f.createdAt,
  updatedAt: (f) => f.updatedAt,
  analyzedAt: (f) => f.analyzedAt,
  resource: (f) => f.resourceArn,
  resourceType: (f) => f.resourceType,
  resourceOwnerAccount: (f) => f.ownerAccount,
  status: (f) => f.status,
  id: (f) => f.id,
  findingType: () => 'ExternalAccess',
};

function listed(call: Call, input: ListInput): { analyzer: Analyzer; items: StoredFinding[]; nextToken?: string } {
  const a = analyzerByArn(call, input.analyzerArn);
  let all = syncFindings(call, a).filter((f) => matchesFilter(findingAttributes(f), input.filter));
  if (input.sort?.attributeName) {
    const key = SORT_KEYS[input.sort.attributeName];
    // ⚠ Text not captured from AWS.
    if (!key) throw aaErrors.validation(`Invalid sort attribute: ${input.sort.attributeName}`, 'fieldValidationFailed');
    const dir = input.sort.orderBy === 'DESC' ? -1 : 1;
    all = [...all].sort((x, y) => (key(x) < key(y) ? -dir : key(x) > key(y) ? dir : 0));
  }
  return { analyzer: a, ...page(all, input.paging) };
}

/** ListFindings and ListFindingsV2: the same query (action access-analyzer:ListFindings), two shapes. */
function listFindingsOperation(name: string, path: string, shape: (f: StoredFinding) => Record<string, unknown>) {
  return defineOperation({
    name,
    service: 'access-analyzer',
    http: { method: 'POST', path },
    action: 'access-analyzer:ListFindings',
    mutating: true,
    input: readList,
    resource: (input) => input.analyzerArn,
    handler(input, call) {
      const { items, nextToken } = listed(call, input);
      return { findings: items.map(shape), nextToken };
    },
  });
}

export const listFindings = listFindingsOperation('ListFindings', '/finding', findingShape);
export const listFindingsV2 = listFindingsOperation('ListFindingsV2', '/findingv2', findingSummaryV2);

// ------------------------------------------------------------------ GetFinding / GetFindingV2

function oneFinding(call: Call, analyzerArn: string, id: string): StoredFinding {
  const a = analyzerByArn(call, analyzerArn);
  const f = syncFindings(call, a).find((x) => x.id === id);
  if (!f) throw aaErrors.notFound('AWS::AccessAnalyzer::Finding', id, 'Finding');
  return f;
}

export const getFinding = defineOperation({
  name: 'GetFinding',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/finding/{id}', query: { analyzerArn: 'analyzerArn' } },
  action: 'access-analyzer:GetFinding',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { analyzerArn: i.string('analyzerArn', analyzerArnRule), id: i.string('id', { required: true }) };
  },
  resource: (input) => input.analyzerArn,
  handler: (input, call) => ({ finding: findingShape(oneFinding(call, input.analyzerArn, input.id)) }),
});

export const getFindingV2 = defineOperation({
  name: 'GetFindingV2',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/findingv2/{id}', query: { analyzerArn: 'analyzerArn', maxResults: 'maxResults', nextToken: 'nextToken' } },
  action: 'access-analyzer:GetFinding',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { analyzerArn: i.string('analyzerArn', analyzerArnRule), id: i.string('id', { required: true }), paging: i.paging() };
  },
  resource: (input) => input.analyzerArn,
  handler(input, call) {
    const f = oneFinding(call, input.analyzerArn, input.id);
    const d = access(f);
    const { items, nextToken } = page(
      [{ externalAccessDetails: { action: d.action, condition: d.condition, isPublic: d.isPublic, principal: d.principal, sources: [{ type: 'POLICY' }], resourceControlPolicyRestriction: 'NOT_APPLICABLE' } }],
      input.paging,
    );
    return { ...findingSummaryV2(f), findingDetails: items, nextToken };
  },
});

// ------------------------------------------------------------------ UpdateFindings

export const updateFindings = defineOperation({
  name: 'UpdateFindings',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/finding' },
  action: 'access-analyzer:UpdateFindings',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    const analyzerArn = i.string('analyzerArn', analyzerArnRule);
    const status = i.string('status', { required: true, enum: ['ACTIVE', 'ARCHIVED'] }) as 'ACTIVE' | 'ARCHIVED';
    const ids = i.stringList('ids');
    const resourceArn = i.string('resourceArn', { pattern: RESOURCE_ARN });
    // ⚠ Text not captured from AWS: one of ids / resourceArn is required (API_UpdateFindings.html).
    if (!ids && !resourceArn) throw aaErrors.validation('Either ids or resourceArn must be provided', 'fieldValidationFailed');
    return { analyzerArn, status, ids, resourceArn };
  },
  resource: (input) => input.analyzerArn,
  handler(input, call) {
    const a = analyzerByArn(call, input.analyzerArn);
    const all = syncFindings(call, a);
    const byId = new Map(all.map((f) => [f.id, f]));
    const targets: StoredFinding[] = [];
    for (const id of input.ids ?? []) {
      const f = byId.get(id);
      if (!f) throw aaErrors.notFound('AWS::AccessAnalyzer::Finding', id, 'Finding');
      targets.push(f);
    }
    if (input.resourceArn) targets.push(...all.filter((f) => f.resourceArn === input.resourceArn));
    const now = call.now.toISOString();
    // A RESOLVED finding stays RESOLVED: only ACTIVE and ARCHIVED findings change status by hand.
    for (const f of targets) {
      if (f.status !== 'RESOLVED' && f.status !== input.status) call.store.accessAnalyzer.updateFinding(a.arn, f.id, { status: input.status, updatedAt: now });
    }
    return {};
  },
});

// ------------------------------------------------------------------ GetFindingsStatistics

export const getFindingsStatistics = defineOperation({
  name: 'GetFindingsStatistics',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/analyzer/findings/statistics' },
  action: 'access-analyzer:GetFindingsStatistics',
  mutating: true,
  input: (params) => ({ analyzerArn: new AaInput(params).string('analyzerArn', analyzerArnRule) }),
  resource: (input) => input.analyzerArn,
  handler(input, call) {
    const a = analyzerByArn(call, input.analyzerArn);
    const all = syncFindings(call, a);
    const count = (s: string) => all.filter((f) => f.status === s).length;
    const byType: Record<string, { totalActivePublic: number; totalActiveCrossAccount: number; totalActiveErrors: number }> = {};
    for (const f of all) {
      if (f.status !== 'ACTIVE') continue;
      const t = (byType[f.resourceType] ??= { totalActivePublic: 0, totalActiveCrossAccount: 0, totalActiveErrors: 0 });
      if (access(f).isPublic) t.totalActivePublic++;
      else t.totalActiveCrossAccount++;
    }
    const last = all.reduce((m, f) => (f.updatedAt > m ? f.updatedAt : m), a.createdAt);
    return {
      findingsStatistics: [
        {
          externalAccessFindingsStatistics: {
            resourceTypeStatistics: byType,
            totalActiveFindings: count('ACTIVE'),
            totalArchivedFindings: count('ARCHIVED'),
            totalResolvedFindings: count('RESOLVED'),
          },
        },
      ],
      lastUpdatedAt: iso(last),
    };
  },
});

// ------------------------------------------------------------------ analyzed resources

export const listAnalyzedResources = defineOperation({
  name: 'ListAnalyzedResources',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/analyzed-resource' },
  action: 'access-analyzer:ListAnalyzedResources',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { analyzerArn: i.string('analyzerArn', analyzerArnRule), resourceType: i.string('resourceType', { enum: RESOURCE_TYPES }), paging: i.paging() };
  },
  resource: (input) => input.analyzerArn,
  handler(input, call) {
    const a = analyzerByArn(call, input.analyzerArn);
    syncFindings(call, a);
    const all = call.store.accessAnalyzer.resources(a.arn).filter((r) => !input.resourceType || r.resourceType === input.resourceType);
    const { items, nextToken } = page(all, input.paging);
    return { analyzedResources: items.map((r) => ({ resourceArn: r.resourceArn, resourceOwnerAccount: r.ownerAccount, resourceType: r.resourceType })), nextToken };
  },
});

function analyzedResource(call: Call, a: Analyzer, resourceArn: string): Record<string, unknown> {
  const findings = syncFindings(call, a).filter((f) => f.resourceArn === resourceArn);
  const r = call.store.accessAnalyzer.resources(a.arn).find((x) => x.resourceArn === resourceArn);
  if (!r) throw aaErrors.notFound(ROLE_TYPE, resourceArn, 'Analyzed resource');
  const live = findings.filter((f) => f.status !== 'RESOLVED');
  const status = live.some((f) => f.status === 'ACTIVE') ? 'ACTIVE' : live.length > 0 ? 'ARCHIVED' : undefined;
  return {
    resourceArn: r.resourceArn,
    resourceType: r.resourceType,
    createdAt: iso(r.createdAt),
    analyzedAt: iso(r.analyzedAt),
    updatedAt: iso(r.updatedAt),
    isPublic: live.some((f) => access(f).isPublic),
    actions: [...new Set(live.flatMap((f) => access(f).action))].sort(),
    sharedVia: live.length > 0 ? ['POLICY'] : undefined,
    status,
    resourceOwnerAccount: r.ownerAccount,
  };
}

export const getAnalyzedResource = defineOperation({
  name: 'GetAnalyzedResource',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/analyzed-resource', query: { analyzerArn: 'analyzerArn', resourceArn: 'resourceArn' } },
  action: 'access-analyzer:GetAnalyzedResource',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { analyzerArn: i.string('analyzerArn', analyzerArnRule), resourceArn: i.string('resourceArn', { required: true, pattern: RESOURCE_ARN }) };
  },
  resource: (input) => input.analyzerArn,
  handler: (input, call) => ({ resource: analyzedResource(call, analyzerByArn(call, input.analyzerArn), input.resourceArn) }),
});

export const startResourceScan = defineOperation({
  name: 'StartResourceScan',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/resource/scan' },
  action: 'access-analyzer:StartResourceScan',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return {
      analyzerArn: i.string('analyzerArn', analyzerArnRule),
      resourceArn: i.string('resourceArn', { required: true, pattern: RESOURCE_ARN }),
      resourceOwnerAccount: i.string('resourceOwnerAccount'),
    };
  },
  resource: (input) => input.analyzerArn,
  handler(input, call) {
    const a = analyzerByArn(call, input.analyzerArn);
    // The scan is immediate: re-analysis happens now; an unknown resource is not found.
    analyzedResource(call, a, input.resourceArn);
    return {};
  },
});
