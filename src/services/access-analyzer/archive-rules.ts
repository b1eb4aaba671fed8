// Owns archive rules: CreateArchiveRule, UpdateArchiveRule, GetArchiveRule, ListArchiveRules,
// DeleteArchiveRule, ApplyArchiveRule. "When you create an archive rule, IAM Access Analyzer applies
// the rule to new findings and existing findings that match" and ApplyArchiveRule re-applies a rule
// to existing ACTIVE findings (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-archive-rules.html).
// Deleting a rule leaves findings it archived ARCHIVED, as AWS does.
import type { Analyzer, ArchiveRule } from '../../store/repos/access-analyzer';
import { defineOperation, type Call } from '../types';
import { aaArns, aaErrors, AaInput, ANALYZER_ARN, ANALYZER_NAME, analyzerByArn, analyzerByName, callerAccount, iso, page, RULE_NAME, type PagingInput } from './common';
import { matchesFilter, readFilter } from './filters';
import { findingAttributes, syncFindings } from './findings-state';

const nameRule = { required: true, min: 1, max: 255, pattern: ANALYZER_NAME } as const;
const ruleRule = { required: true, min: 1, max: 255, pattern: RULE_NAME } as const;

function ruleSummary(r: ArchiveRule): Record<string, unknown> {
  return { ruleName: r.name, filter: r.filter, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) };
}

/** Archives the analyzer's ACTIVE findings that match the rule; returns how many. */
export function applyRule(call: Call, a: Analyzer, rule: ArchiveRule): number {
  const now = call.now.toISOString();
  let n = 0;
  for (const f of syncFindings(call, a)) {
    if (f.status !== 'ACTIVE' || !matchesFilter(findingAttributes(f), rule.filter)) continue;
    call.store.accessAnalyzer.updateFinding(a.arn, f.id, { status: 'ARCHIVED', updatedAt: now });
    n++;
  }
  return n;
}

function findRule(call: Call, a: Analyzer, name: string): ArchiveRule {
  const r = call.store.accessAnalyzer.archiveRule(a.arn, name);
  if (!r) throw aaErrors.notFound('AWS::AccessAnalyzer::ArchiveRule', name, 'Archive rule');
  return r;
}

const ruleResource = (call: Call, analyzerName: string, ruleName: string) => aaArns.archiveRule(call.region, callerAccount(call), analyzerName, ruleName);

interface RuleInput {
  analyzerName: string;
  ruleName: string;
  filter: ArchiveRule['filter'];
}

function readRuleInput(params: Record<string, unknown>): RuleInput {
  const i = new AaInput(params);
  return { analyzerName: i.string('analyzerName', nameRule), ruleName: i.string('ruleName', ruleRule), filter: readFilter(params, 'filter', true)! };
}

export const createArchiveRule = defineOperation({
  name: 'CreateArchiveRule',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/analyzer/{analyzerName}/archive-rule' },
  action: 'access-analyzer:CreateArchiveRule',
  mutating: true,
  input: readRuleInput,
  resource: (input, call) => ruleResource(call, input.analyzerName, input.ruleName),
  handler(input, call) {
    const a = analyzerByName(call, input.analyzerName);
    if (call.store.accessAnalyzer.archiveRule(a.arn, input.ruleName)) {
      // ⚠ Text not captured from AWS.
      throw aaErrors.conflict('AWS::AccessAnalyzer::ArchiveRule', input.ruleName, `An archive rule named ${input.ruleName} already exists`);
    }
    const now = call.now.toISOString();
    const rule = { analyzerArn: a.arn, name: input.ruleName, filter: input.filter, createdAt: now, updatedAt: now };
    call.store.accessAnalyzer.putArchiveRule(rule);
    applyRule(call, a, rule);
    return {};
  },
});

export const updateArchiveRule = defineOperation({
  name: 'UpdateArchiveRule',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/analyzer/{analyzerName}/archive-rule/{ruleName}' },
  action: 'access-analyzer:UpdateArchiveRule',
  mutating: true,
  input: readRuleInput,
  resource: (input, call) => ruleResource(call, input.analyzerName, input.ruleName),
  handler(input, call) {
    const a = analyzerByName(call, input.analyzerName);
    const prev = findRule(call, a, input.ruleName);
    const rule = { ...prev, filter: input.filter, updatedAt: call.now.toISOString() };
    call.store.accessAnalyzer.putArchiveRule(rule);
    applyRule(call, a, rule);
    return {};
  },
});

export const getArchiveRule = defineOperation({
  name: 'GetArchiveRule',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/analyzer/{analyzerName}/archive-rule/{ruleName}' },
  action: 'access-analyzer:GetArchiveRule',
  mutating: false,
  input(params) {
    const i = new AaInput(params);
    return { analyzerName: i.string('analyzerName', nameRule), ruleName: i.string('ruleName', ruleRule) };
  },
  resource: (input, call) => ruleResource(call, input.analyzerName, input.ruleName),
  handler: (input, call) => ({ archiveRule: ruleSummary(findRule(call, analyzerByName(call, input.analyzerName), input.ruleName)) }),
});

export const listArchiveRules = defineOperation({
  name: 'ListArchiveRules',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/analyzer/{analyzerName}/archive-rule', query: { nextToken: 'nextToken', maxResults: 'maxResults' } },
  action: 'access-analyzer:ListArchiveRules',
  mutating: false,
  input(params): { analyzerName: string; paging: PagingInput } {
    const i = new AaInput(params);
    return { analyzerName: i.string('analyzerName', nameRule), paging: i.paging() };
  },
  resource: (input, call) => aaArns.analyzer(call.region, callerAccount(call), input.analyzerName),
  handler(input, call) {
    const a = analyzerByName(call, input.analyzerName);
    const { items, nextToken } = page(call.store.accessAnalyzer.archiveRules(a.arn), input.paging);
    return { archiveRules: items.map(ruleSummary), nextToken };
  },
});

export const deleteArchiveRule = defineOperation({
  name: 'DeleteArchiveRule',
  service: 'access-analyzer',
  http: { method: 'DELETE', path: '/analyzer/{analyzerName}/archive-rule/{ruleName}', query: { clientToken: 'clientToken' } },
  action: 'access-analyzer:DeleteArchiveRule',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { analyzerName: i.string('analyzerName', nameRule), ruleName: i.string('ruleName', ruleRule) };
  },
  resource: (input, call) => ruleResource(call, input.analyzerName, input.ruleName),
  handler(input, call) {
    const a = analyzerByName(call, input.analyzerName);
    findRule(call, a, input.ruleName);
    call.store.accessAnalyzer.deleteArchiveRule(a.arn, input.ruleName);
    return {};
  },
});

export const applyArchiveRule = defineOperation({
  name: 'ApplyArchiveRule',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/archive-rule' },
  action: 'access-analyzer:ApplyArchiveRule',
  mutating: true,
  input(params) {
    const i = new AaInput(params);
    return { analyzerArn: i.string('analyzerArn', { required: true, pattern: ANALYZER_ARN }), ruleName: i.string('ruleName', ruleRule) };
  },
  // The Service Authorization Reference lists the Analyzer resource for ApplyArchiveRule.
  resource: (input) => input.analyzerArn,
  handler(input, call) {
    const a = analyzerByArn(call, input.analyzerArn);
    applyRule(call, a, findRule(call, a, input.ruleName));
    return {};
  },
});
