// Owns the Organizations access report (GenerateOrganizationsAccessReport → GetOrganizationsAccessReport):
// for an organization entity path (root, OU or account) the services its SCPs allow — or one SCP
// allows, given OrganizationsPolicyId — and when IAM users and roles in the accounts under it last
// used each one, from what iamlocal authorized. Only the management account can generate one. The
// job completes at once and is a snapshot of that moment.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateOrganizationsAccessReport.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed-view-data-orgs.html
import type { RequestContext } from '../../policy/types';
import { awsError, awsErrors } from '../../aws/errors';
import type { Organization } from '../../store/repos/organizations';
import type { Store } from '../../store/store';
import { defineOperation, type Call, type Params } from '../types';
import { Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { enumMember, jobIdRule, pageSlice, requesterOf } from './access-advisor';
import { loadServiceCatalogue, servicesAllowedBy, type ServiceCatalogue } from './service-catalogue';

const ENTITY_PATH = { text: '^o-[0-9a-z]{10,32}\\/r-[0-9a-z]{4,32}[0-9a-z-\\/]*', re: /^o-[0-9a-z]{10,32}\/r-[0-9a-z]{4,32}[0-9a-z-/]*/ } as const;
const POLICY_ID = { text: '^p-[0-9a-zA-Z_]{8,128}$', re: /^p-[0-9a-zA-Z_]{8,128}$/ } as const;
const SORT_KEYS = ['SERVICE_NAMESPACE_ASCENDING', 'SERVICE_NAMESPACE_DESCENDING', 'LAST_AUTHENTICATED_TIME_ASCENDING', 'LAST_AUTHENTICATED_TIME_DESCENDING'] as const;

/** At most this many reports an hour per account (⚠ AWS's quota is not published; the model names ReportGenerationLimitExceeded). */
export const ORG_REPORTS_PER_HOUR = 100;

interface OrgReport {
  services: { ns: string; name: string; last?: string; region?: string; path?: string; total?: number }[];
}

/** `o-…/r-…[/ou-…]*[/ACCOUNT]` checked against the organization: the chain must exist as written. */
function accountsUnder(store: Store, org: Organization, path: string): { accounts: string[]; unitIds: string[]; account?: string } {
  const bad = () => awsErrors.invalidInput(`Invalid entity path ${path}.`); // ⚠ text not captured
  const parts = path.replace(/\/$/, '').split('/');
  if (parts[0] !== org.id || parts[1] !== org.rootId) throw bad();
  let parent = org.rootId;
  const unitIds = [org.rootId];
  let account: string | undefined;
  for (const [i, seg] of parts.slice(2).entries()) {
    if (/^\d{12}$/.test(seg) && i === parts.length - 3) {
      const placed = store.organizations.placement(seg);
      if (!placed || placed.orgId !== org.id || placed.parentId !== parent) throw bad();
      account = seg;
      break;
    }
    const unit = store.organizations.unit(seg);
    if (!unit || unit.orgId !== org.id || unit.parentId !== parent) throw bad();
    parent = unit.id;
    unitIds.push(unit.id);
  }
  if (account) return { accounts: [account], unitIds, account };
  const out: string[] = [];
  const walk = (unitId: string) => {
    for (const a of store.organizations.accounts(org.id, unitId)) out.push(a.accountId);
    for (const u of store.organizations.unitsUnder(unitId)) walk(u.id);
  };
  walk(parent);
  return { accounts: out, unitIds, account };
}

/** The entity path of an account: `o-…/r-…/ou-…/ACCOUNT`. */
function accountPath(store: Store, accountId: string): string | undefined {
  const m = store.organizations.membership(accountId);
  return m ? [m.org.id, ...m.path.map((u) => u.id), accountId].join('/') : undefined;
}

/**
 * Services the SCPs along the path allow: each level allows the union of its policies' services, and
 * a service must be allowed at every level (SCPs are evaluated as an intersection of levels).
 */
function scpServices(store: Store, org: Organization, levels: string[], catalogue: ServiceCatalogue): Set<string> {
  let allowed = new Set(catalogue.keys());
  if (!org.scpEnabled) return allowed;
  for (const target of levels) {
    const level = new Set<string>();
    for (const p of store.organizations.attachedTo(target, 'SERVICE_CONTROL_POLICY')) for (const ns of servicesAllowedBy(p.content, catalogue)) level.add(ns);
    allowed = new Set([...allowed].filter((ns) => level.has(ns)));
  }
  return allowed;
}

function managementOrg(call: Call): Organization {
  const account = accountOf(call);
  const m = call.store.organizations.membership(account);
  if (!m || m.org.managementAccountId !== account) {
    // ⚠ text not captured: AWS answers callers outside the management account with an access error.
    throw awsError('AccessDenied', 'You can generate an organizations access report only from the management account of the organization.');
  }
  return m.org;
}

export const generateOrganizationsAccessReport = defineOperation({
  name: 'GenerateOrganizationsAccessReport',
  service: 'iam',
  action: 'iam:GenerateOrganizationsAccessReport',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const entityPath = v.string('EntityPath', { required: true, min: 19, max: 427, pattern: ENTITY_PATH });
    const policyId = v.string('OrganizationsPolicyId', { pattern: POLICY_ID });
    v.done();
    return { entityPath, policyId };
  },
  prepare: () => loadServiceCatalogue(),
  // Resource type access-report*: arn:${Partition}:iam::${Account}:access-report/${EntityPath}.
  resource: (input, call) => `arn:aws:iam::${accountOf(call)}:access-report/${input.entityPath}`,
  conditionKeys: (input): RequestContext => (input.policyId ? { 'iam:OrganizationsPolicyId': input.policyId } : {}),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const org = managementOrg(call);
    const since = new Date(call.now.getTime() - 3600_000).toISOString();
    if (store.accessAdvisor.countJobsSince(account, 'organizations', since) >= ORG_REPORTS_PER_HOUR) {
      throw awsError('ReportGenerationLimitExceeded', 'Maximum number of concurrent reports generated has been reached.'); // ⚠
    }
    const catalogue = call.prepared as ServiceCatalogue;
    const scope = accountsUnder(store, org, input.entityPath);
    let allowed: Set<string>;
    if (input.policyId) {
      const p = store.organizations.policy(store.organizations.storedPolicyId(org.id, input.policyId));
      if (!p || (p.orgId !== org.id && !p.awsManaged) || p.type !== 'SERVICE_CONTROL_POLICY') throw awsErrors.invalidInput(`Policy ${input.policyId} does not exist.`); // ⚠
      allowed = servicesAllowedBy(p.content, catalogue);
    } else {
      allowed = scpServices(store, org, scope.account ? [...scope.unitIds, scope.account] : scope.unitIds, catalogue);
    }
    const seen = store.accessAdvisor.forAccounts(scope.accounts);
    const report: OrgReport = { services: [] };
    for (const ns of [...allowed].sort()) {
      const rows = seen.filter((r) => r.service === ns);
      const entry: OrgReport['services'][number] = { ns, name: catalogue.get(ns) ?? ns };
      if (rows.length > 0) {
        const latest = rows.reduce((a, r) => (r.lastAt > a.lastAt ? r : a));
        Object.assign(entry, { last: latest.lastAt, region: latest.region, path: accountPath(store, latest.accountId), total: new Set(rows.map((r) => r.entityId)).size });
      }
      report.services.push(entry);
    }
    const jobId = call.ids.requestId();
    const at = call.now.toISOString();
    store.accessAdvisor.addJob({ jobId, accountId: account, kind: 'organizations', requesterArn: requesterOf(call), target: input.entityPath, granularity: null, createdAt: at, completedAt: at, report: JSON.stringify(report) });
    return { JobId: jobId };
  },
});

export const getOrganizationsAccessReport = defineOperation({
  name: 'GetOrganizationsAccessReport',
  service: 'iam',
  action: 'iam:GetOrganizationsAccessReport',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const jobId = v.string('JobId', jobIdRule);
    const paging = readPaging(v);
    const sortKey = enumMember(v, 'SortKey', SORT_KEYS);
    v.done();
    return { jobId, sortKey, ...paging };
  },
  resource: () => '*',
  handler(input, call) {
    const job = call.store.accessAdvisor.job(input.jobId);
    if (!job || job.kind !== 'organizations' || job.accountId !== accountOf(call) || job.requesterArn !== requesterOf(call)) {
      throw awsErrors.noSuchEntity(`Job ${input.jobId} not found.`); // ⚠ text not captured
    }
    const report = JSON.parse(job.report) as OrgReport;
    const services = [...report.services];
    const byTime = (a: (typeof services)[number], b: (typeof services)[number]) => (a.last ?? '').localeCompare(b.last ?? '') || a.ns.localeCompare(b.ns);
    if (input.sortKey === 'SERVICE_NAMESPACE_DESCENDING') services.reverse();
    else if (input.sortKey === 'LAST_AUTHENTICATED_TIME_ASCENDING') services.sort(byTime);
    else if (input.sortKey === 'LAST_AUTHENTICATED_TIME_DESCENDING') services.sort((a, b) => byTime(b, a));
    const page = pageSlice(services, input);
    const accessed = report.services.filter((s) => s.last).length;
    return {
      JobStatus: 'COMPLETED',
      JobCreationDate: new Date(job.createdAt),
      JobCompletionDate: new Date(job.completedAt ?? job.createdAt),
      NumberOfServicesAccessible: report.services.length,
      NumberOfServicesNotAccessed: report.services.length - accessed,
      AccessDetails: page.items.map((s) => ({
        ServiceName: s.name,
        ServiceNamespace: s.ns,
        Region: s.region,
        EntityPath: s.path,
        LastAuthenticatedTime: s.last ? new Date(s.last) : undefined,
        TotalAuthenticatedEntities: s.total,
      })),
      ...pageFields(page),
    };
  },
});

export const organizationsAccessReportOperations = [generateOrganizationsAccessReport, getOrganizationsAccessReport];
