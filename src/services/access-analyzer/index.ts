// Owns the IAM Access Analyzer operation table (restJson1, SigV4 signing name `access-analyzer`):
// every operation iamlocal answers, each with its `http` binding (botocore accessanalyzer/2019-11-01),
// its IAM action and resource (Service Authorization Reference) next to its handler. A method + path
// not listed here is UnknownOperationException, never unauthorized.
import { operationTable } from '../types';
import { createAnalyzer, deleteAnalyzer, getAnalyzer, listAnalyzers, listTagsForResource, tagResource, untagResource, updateAnalyzer } from './analyzers';
import { applyArchiveRule, createArchiveRule, deleteArchiveRule, getArchiveRule, listArchiveRules, updateArchiveRule } from './archive-rules';
import {
  getAnalyzedResource,
  getFinding,
  getFindingsStatistics,
  getFindingV2,
  listAnalyzedResources,
  listFindings,
  listFindingsV2,
  startResourceScan,
  updateFindings,
} from './findings';
import { validatePolicy } from './validate-policy';
import { checkAccessNotGrantedOp, checkNoNewAccessOp, checkNoPublicAccessOp } from './custom-checks';
import { cancelPolicyGeneration, getGeneratedPolicy, listPolicyGenerations, startPolicyGeneration } from './policy-generation';

export const accessAnalyzerOperations = operationTable([
  createAnalyzer,
  getAnalyzer,
  listAnalyzers,
  updateAnalyzer,
  deleteAnalyzer,
  tagResource,
  untagResource,
  listTagsForResource,
  createArchiveRule,
  updateArchiveRule,
  getArchiveRule,
  listArchiveRules,
  deleteArchiveRule,
  applyArchiveRule,
  listFindings,
  listFindingsV2,
  getFinding,
  getFindingV2,
  updateFindings,
  getFindingsStatistics,
  listAnalyzedResources,
  getAnalyzedResource,
  startResourceScan,
  startPolicyGeneration,
  getGeneratedPolicy,
  listPolicyGenerations,
  cancelPolicyGeneration,
  validatePolicy,
  checkAccessNotGrantedOp,
  checkNoNewAccessOp,
  checkNoPublicAccessOp,
]);
