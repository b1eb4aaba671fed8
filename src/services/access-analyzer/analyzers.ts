// Owns analyzers and their tags: CreateAnalyzer, GetAnalyzer, ListAnalyzers, UpdateAnalyzer,
// DeleteAnalyzer, TagResource, UntagResource, ListTagsForResource.
// https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CreateAnalyzer.html
// An analyzer is ACTIVE at once (AWS passes through CREATING while it runs the first scan; iamlocal
// analyzes on read, so there is nothing to wait for).
import type { Analyzer, AnalyzerType, ArchiveRule } from '../../store/repos/access-analyzer';
import { defineOperation, type Call } from '../types';
import {
  aaArns,
  aaErrors,
  AaInput,
  ANALYZER_NAME,
  analyzerByName,
  analyzerTagKeys,
  callerAccount,
  iso,
  page,
  requestTagKeys,
  RULE_NAME,
  type PagingInput,
} from './common';
import { readFilter } from './filters';

export const ANALYZER_TYPES: readonly AnalyzerType[] = [
  'ACCOUNT',
  'ORGANIZATION',
  'ACCOUNT_UNUSED_ACCESS',
  'ORGANIZATION_UNUSED_ACCESS',
  'ACCOUNT_INTERNAL_ACCESS',
  'ORGANIZATION_INTERNAL_ACCESS',
];

export function analyzerSummary(call: Call, a: Analyzer): Record<string, unknown> {
  const resources = call.store.accessAnalyzer.resources(a.arn);
  const last = resources.reduce<(typeof resources)[number] | null>((m, r) => (!m || r.analyzedAt > m.analyzedAt ? r : m), null);
  return {
    arn: a.arn,
    name: a.name,
    type: a.type,
    createdAt: iso(a.createdAt),
    lastResourceAnalyzed: last?.resourceArn,
    lastResourceAnalyzedAt: last ? iso(last.analyzedAt) : undefined,
    tags: a.tags,
    status: a.status,
    configuration: a.configuration ?? undefined,
  };
}

const nameRule = { required: true, min: 1, max: 255, pattern: ANALYZER_NAME } as const;

// ------------------------------------------------------------------ CreateAnalyzer

interface CreateInput {
  analyzerName: string;
  type: AnalyzerType;
  archiveRules: { ruleName: string; filter: ArchiveRule['filter'] }[];
  tags?: Record<string, string>;
  configuration?: unknown;
}

export const createAnalyzer = defineOperation({
  name: 'CreateAnalyzer',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/analyzer' },
  action: 'access-analyzer:CreateAnalyzer',
  mutating: true,
  input(params): CreateInput {
    const i = new AaInput(params);
    const analyzerName = i.string('analyzerName', nameRule);
    const type = i.string('type', { required: true, enum: ANALYZER_TYPES }) as AnalyzerType;
    const archiveRules = (i.list('archiveRules') ?? []).map((r, n) => {
      if (!r || typeof r !== 'object' || Array.isArray(r)) throw aaErrors.cannotParse(`Invalid value for archiveRules[${n}]`);
      const ri = new AaInput(r as Record<string, unknown>);
      return { ruleName: ri.string('ruleName', { required: true, min: 1, max: 255, pattern: RULE_NAME }), filter: readFilter(r as Record<string, unknown>, 'filter', true)! };
    });
    const configuration = i.object('configuration');
    return { analyzerName, type, archiveRules, tags: i.tags('tags'), configuration };
  },
  resource: (input, call) => aaArns.analyzer(call.region, callerAccount(call), input.analyzerName),
  conditionKeys: (input) => requestTagKeys(input.tags),
  handler(input, call) {
    const account = callerAccount(call);
    const repo = call.store.accessAnalyzer;
    if (repo.analyzer(account, call.region, input.analyzerName)) {
      // ⚠ Text not captured from AWS.
      throw aaErrors.conflict('AWS::AccessAnalyzer::Analyzer', input.analyzerName, `An analyzer named ${input.analyzerName} already exists`);
    }
    if (input.type.startsWith('ORGANIZATION')) {
      // Organization analyzers are created in the management account (or a delegated administrator,
      // which iamlocal does not model): https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html
      const m = call.store.organizations.membership(account);
      // ⚠ Texts not captured from AWS.
      if (!m) throw aaErrors.validation('The account is not a member of an organization; an ORGANIZATION analyzer needs one', 'notSupported');
      if (m.org.managementAccountId !== account) throw aaErrors.validation('An ORGANIZATION analyzer can only be created in the management account of the organization', 'notSupported');
    }
    const arn = aaArns.analyzer(call.region, account, input.analyzerName);
    const now = call.now.toISOString();
    repo.createAnalyzer({
      arn, accountId: account, region: call.region, name: input.analyzerName, type: input.type, status: 'ACTIVE',
      tags: input.tags ?? {}, configuration: input.configuration ?? null, createdAt: now,
    });
    for (const r of input.archiveRules) repo.putArchiveRule({ analyzerArn: arn, name: r.ruleName, filter: r.filter, createdAt: now, updatedAt: now });
    return { arn };
  },
});

// ------------------------------------------------------------------ GetAnalyzer

export const getAnalyzer = defineOperation({
  name: 'GetAnalyzer',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/analyzer/{analyzerName}' },
  action: 'access-analyzer:GetAnalyzer',
  mutating: false,
  input: (params) => ({ analyzerName: new AaInput(params).string('analyzerName', nameRule) }),
  resource: (input, call) => aaArns.analyzer(call.region, callerAccount(call), input.analyzerName),
  conditionKeys: (input, call) => analyzerTagKeys(call.store.accessAnalyzer.analyzer(callerAccount(call), call.region, input.analyzerName)),
  handler: (input, call) => ({ analyzer: analyzerSummary(call, analyzerByName(call, input.analyzerName)) }),
});

// ------------------------------------------------------------------ ListAnalyzers

export const listAnalyzers = defineOperation({
  name: 'ListAnalyzers',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/analyzer', query: { nextToken: 'nextToken', maxResults: 'maxResults', type: 'type' } },
  action: 'access-analyzer:ListAnalyzers',
  mutating: false,
  input(params): { paging: PagingInput; type?: AnalyzerType } {
    const i = new AaInput(params);
    return { paging: i.paging(), type: i.string('type', { enum: ANALYZER_TYPES }) as AnalyzerType | undefined };
  },
  resource: () => '*',
  handler(input, call) {
    const all = call.store.accessAnalyzer.analyzers(callerAccount(call), call.region).filter((a) => !input.type || a.type === input.type);
    const { items, nextToken } = page(all, input.paging);
    return { analyzers: items.map((a) => analyzerSummary(call, a)), nextToken };
  },
});

// ------------------------------------------------------------------ UpdateAnalyzer

export const updateAnalyzer = defineOperation({
  name: 'UpdateAnalyzer',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/analyzer/{analyzerName}' },
  action: 'access-analyzer:UpdateAnalyzer',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { analyzerName: i.string('analyzerName', nameRule), configuration: i.object('configuration') };
  },
  resource: (input, call) => aaArns.analyzer(call.region, callerAccount(call), input.analyzerName),
  conditionKeys: (input, call) => analyzerTagKeys(call.store.accessAnalyzer.analyzer(callerAccount(call), call.region, input.analyzerName)),
  handler(input, call) {
    const a = analyzerByName(call, input.analyzerName);
    // Only unused- and internal-access analyzers have a configuration to update (API_UpdateAnalyzer.html).
    if (input.configuration !== undefined) {
      if (a.type === 'ACCOUNT' || a.type === 'ORGANIZATION') {
        // ⚠ Text not captured from AWS.
        throw aaErrors.validation('Configuration updates are not supported for external access analyzers', 'notSupported');
      }
      call.store.accessAnalyzer.setAnalyzerConfiguration(a.arn, input.configuration);
    }
    return { configuration: input.configuration ?? a.configuration ?? undefined };
  },
});

// ------------------------------------------------------------------ DeleteAnalyzer

export const deleteAnalyzer = defineOperation({
  name: 'DeleteAnalyzer',
  service: 'access-analyzer',
  http: { method: 'DELETE', path: '/analyzer/{analyzerName}', query: { clientToken: 'clientToken' } },
  action: 'access-analyzer:DeleteAnalyzer',
  mutating: true,
  input: (params) => ({ analyzerName: new AaInput(params).string('analyzerName', nameRule) }),
  resource: (input, call) => aaArns.analyzer(call.region, callerAccount(call), input.analyzerName),
  conditionKeys: (input, call) => analyzerTagKeys(call.store.accessAnalyzer.analyzer(callerAccount(call), call.region, input.analyzerName)),
  handler(input, call) {
    const a = analyzerByName(call, input.analyzerName);
    call.store.accessAnalyzer.deleteAnalyzer(a.arn);
    return {};
  },
});

// ------------------------------------------------------------------ tags

/** The analyzer a tagging call names by ARN (only analyzers are taggable resources here). */
function taggedAnalyzer(call: Call, arn: string): Analyzer {
  const a = call.store.accessAnalyzer.analyzerByArn(arn);
  if (!a || a.accountId !== callerAccount(call)) throw aaErrors.notFound('AWS::AccessAnalyzer::Analyzer', arn, 'Analyzer');
  return a;
}

export const tagResource = defineOperation({
  name: 'TagResource',
  service: 'access-analyzer',
  http: { method: 'POST', path: '/tags/{resourceArn}' },
  action: 'access-analyzer:TagResource',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { resourceArn: i.string('resourceArn', { required: true }), tags: i.tags('tags', true)! };
  },
  resource: (input) => input.resourceArn,
  conditionKeys: (input, call) => ({ ...analyzerTagKeys(call.store.accessAnalyzer.analyzerByArn(input.resourceArn)), ...requestTagKeys(input.tags) }),
  handler(input, call) {
    const a = taggedAnalyzer(call, input.resourceArn);
    call.store.accessAnalyzer.setAnalyzerTags(a.arn, { ...a.tags, ...input.tags });
    return {};
  },
});

export const untagResource = defineOperation({
  name: 'UntagResource',
  service: 'access-analyzer',
  http: { method: 'DELETE', path: '/tags/{resourceArn}', query: { tagKeys: 'tagKeys' }, queryLists: ['tagKeys'] },
  action: 'access-analyzer:UntagResource',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    const keys = i.raw('tagKeys');
    const tagKeys = keys === undefined ? undefined : Array.isArray(keys) ? keys.map(String) : [String(keys)];
    if (!tagKeys) throw aaErrors.field('tagKeys', "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
    return { resourceArn: i.string('resourceArn', { required: true }), tagKeys };
  },
  resource: (input) => input.resourceArn,
  conditionKeys: (input, call) => ({ ...analyzerTagKeys(call.store.accessAnalyzer.analyzerByArn(input.resourceArn)), 'aws:TagKeys': input.tagKeys }),
  handler(input, call) {
    const a = taggedAnalyzer(call, input.resourceArn);
    const tags = { ...a.tags };
    for (const k of input.tagKeys) delete tags[k];
    call.store.accessAnalyzer.setAnalyzerTags(a.arn, tags);
    return {};
  },
});

export const listTagsForResource = defineOperation({
  name: 'ListTagsForResource',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/tags/{resourceArn}' },
  action: 'access-analyzer:ListTagsForResource',
  mutating: false,
  input: (params) => ({ resourceArn: new AaInput(params).string('resourceArn', { required: true }) }),
  resource: (input) => input.resourceArn,
  conditionKeys: (input, call) => analyzerTagKeys(call.store.accessAnalyzer.analyzerByArn(input.resourceArn)),
  handler: (input, call) => ({ tags: taggedAnalyzer(call, input.resourceArn).tags }),
});
