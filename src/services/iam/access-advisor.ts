// Owns IAM Access Advisor: service last accessed reports for a user, role, group or managed policy
// (GenerateServiceLastAccessedDetails → GetServiceLastAccessedDetails[WithEntities]) and
// ListPoliciesGrantingServiceAccess, from what iamlocal itself authorized (src/observe/last-accessed.ts).
// A report lists every service the entity's permissions policies allow ("It only applies permissions
// policy logic"), each with the last time one of the covered users or roles was authorized for it.
// A job completes at once (AWS's run asynchronously); it is a snapshot of the moment it was generated.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
import { parseArn } from '../../aws/arn';
import { awsError, awsErrors } from '../../aws/errors';
import type { PolicyOwnerKind } from '../../store/repos/inline-policies';
import type { Store } from '../../store/store';
import { defineOperation, type Call, type Params } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { loadServiceCatalogue, servicesAllowedBy, type ServiceCatalogue } from './service-catalogue';

/** "IAM reports activity for … Amazon EC2, IAM, Lambda, and Amazon S3 management actions" (action-level tracking). */
export const ACTION_TRACKED_SERVICES: ReadonlySet<string> = new Set(['ec2', 'iam', 'lambda', 's3']);

export const arnRule = { required: true, min: 20, max: 2048 } as const;
export const jobIdRule = { required: true, min: 36, max: 36 } as const;
export const namespaceRule = { min: 1, max: 64, pattern: { text: '[\\w-]*', re: /^[\w-]*$/ } } as const;

export interface EntityInfo {
  Arn: string;
  Name: string;
  Type: 'USER' | 'ROLE' | 'GROUP';
  Id: string;
  Path: string;
}

/** A report target: whose activity counts and which permissions policies decide the services listed. */
export interface ReportTarget {
  kind: 'user' | 'role' | 'group' | 'policy';
  arn: string;
  /** The users and roles whose activity the report covers. */
  entities: EntityInfo[];
  /** Permissions policies as { owner, name, arn?, document } (managed ones carry their ARN). */
  policies: GrantingPolicy[];
}

export interface GrantingPolicy {
  name: string;
  type: 'INLINE' | 'MANAGED';
  arn?: string;
  /** Inline policies: the entity that embeds them. */
  entityType?: 'USER' | 'ROLE' | 'GROUP';
  entityName?: string;
  document: string;
}

const OWNER_TYPE: Record<PolicyOwnerKind, 'USER' | 'ROLE' | 'GROUP'> = { user: 'USER', role: 'ROLE', group: 'GROUP' };

function policiesOf(store: Store, kind: PolicyOwnerKind, id: string, name: string): GrantingPolicy[] {
  const out: GrantingPolicy[] = [];
  for (const p of store.inlinePolicies.all(kind, id)) out.push({ name: p.name, type: 'INLINE', entityType: OWNER_TYPE[kind], entityName: name, document: p.document });
  for (const m of store.managedPolicies.attachedTo(kind, id)) out.push({ name: m.name, type: 'MANAGED', arn: m.arn, document: store.managedPolicies.defaultDocument(m.arn) ?? '{}' });
  return out;
}

const userInfo = (u: { arn: string; name: string; id: string; path: string }): EntityInfo => ({ Arn: u.arn, Name: u.name, Type: 'USER', Id: u.id, Path: u.path });
const roleInfo = (r: { arn: string; name: string; id: string; path: string }): EntityInfo => ({ Arn: r.arn, Name: r.name, Type: 'ROLE', Id: r.id, Path: r.path });

/** `arn:aws:iam::ACCOUNT:user/path/name` → the kind and the name (the last path segment). */
function parseEntityArn(arn: string, kinds: readonly string[]): { kind: string; name: string; account: string } {
  const p = parseArn(arn);
  const slash = p?.resource.indexOf('/') ?? -1;
  if (!p || p.service !== 'iam' || slash <= 0) throw awsErrors.invalidInput(`ARN ${arn} is not valid.`); // ⚠ text not captured
  const kind = p.resource.slice(0, slash);
  if (!kinds.includes(kind)) throw awsErrors.invalidInput(`ARN ${arn} is not valid.`);
  return { kind, name: p.resource.slice(p.resource.lastIndexOf('/') + 1), account: p.account };
}

/** The entity an ARN names, with the texts IAM uses when it does not exist. */
export function resolveTarget(store: Store, account: string, arn: string, kinds: readonly ReportTarget['kind'][]): ReportTarget {
  const { kind, name, account: arnAccount } = parseEntityArn(arn, kinds);
  if (kind === 'policy') {
    const policy = store.managedPolicies.get(arn);
    if (!policy || (arnAccount !== 'aws' && arnAccount !== account)) throw awsErrors.noSuchEntity(`Policy ${arn} was not found.`);
    const entities = new Map<string, EntityInfo>();
    for (const e of store.managedPolicies.entitiesFor(arn)) {
      if (e.kind === 'user') {
        const u = store.users.getById(e.entityId);
        if (u && u.accountId === account) entities.set(u.id, userInfo(u));
      } else if (e.kind === 'role') {
        const r = store.roles.getById(e.entityId);
        if (r && r.accountId === account) entities.set(r.id, roleInfo(r));
      } else {
        const g = store.groups.getById(e.entityId);
        if (!g || g.accountId !== account) continue;
        for (const uid of store.groups.memberIds(g.id)) {
          const u = store.users.getById(uid);
          if (u) entities.set(u.id, userInfo(u));
        }
      }
    }
    return { kind: 'policy', arn, entities: [...entities.values()], policies: [{ name: policy.name, type: 'MANAGED', arn, document: store.managedPolicies.defaultDocument(arn) ?? '{}' }] };
  }
  if (arnAccount !== account) throw awsErrors.noSuchEntity(`The ${kind} with name ${name} cannot be found.`);
  if (kind === 'user') {
    const u = store.users.getByName(account, name);
    if (!u || u.arn !== arn) throw awsErrors.noSuchEntity(`The user with name ${name} cannot be found.`);
    const policies = policiesOf(store, 'user', u.id, u.name);
    for (const g of store.groups.groupsOfUser(u.id)) policies.push(...policiesOf(store, 'group', g.id, g.name));
    return { kind: 'user', arn, entities: [userInfo(u)], policies };
  }
  if (kind === 'role') {
    const r = store.roles.getByName(account, name);
    if (!r || r.arn !== arn) throw awsErrors.noSuchEntity(`The role with name ${name} cannot be found.`);
    return { kind: 'role', arn, entities: [roleInfo(r)], policies: policiesOf(store, 'role', r.id, r.name) };
  }
  const g = store.groups.getByName(account, name);
  if (!g || g.arn !== arn) throw awsErrors.noSuchEntity(`The group with name ${name} cannot be found.`);
  const members = store.groups.memberIds(g.id).map((id) => store.users.getById(id)).filter((u) => u !== null);
  return { kind: 'group', arn, entities: members.map(userInfo), policies: policiesOf(store, 'group', g.id, g.name) };
}

// ------------------------------------------------------------------ the report snapshot

interface ReportService {
  ns: string;
  name: string;
  last?: string;
  entity?: string;
  region?: string;
  total: number;
  tracked?: { action: string; entity: string; at: string; region: string }[];
}

interface ServiceReport {
  granularity: 'SERVICE_LEVEL' | 'ACTION_LEVEL';
  services: ReportService[];
  entities: EntityInfo[];
  /** namespace → entity id → last authenticated (ISO). */
  perEntity: Record<string, Record<string, string>>;
}

export function buildServiceReport(store: Store, target: ReportTarget, catalogue: ServiceCatalogue, granularity: ServiceReport['granularity']): ServiceReport {
  const allowed = new Set<string>();
  for (const p of target.policies) for (const ns of servicesAllowedBy(p.document, catalogue)) allowed.add(ns);
  const seen = store.accessAdvisor.forEntities(target.entities.map((e) => e.Id));
  const perEntity: ServiceReport['perEntity'] = {};
  const services: ReportService[] = [];
  for (const ns of [...allowed].sort()) {
    const rows = seen.filter((r) => r.service === ns);
    const latest = rows.reduce<(typeof rows)[number] | null>((a, r) => (!a || r.lastAt > a.lastAt ? r : a), null);
    const byEntity: Record<string, string> = {};
    for (const r of rows) if (!byEntity[r.entityId] || r.lastAt > byEntity[r.entityId]) byEntity[r.entityId] = r.lastAt;
    if (rows.length > 0) perEntity[ns] = byEntity;
    const s: ReportService = { ns, name: catalogue.get(ns) ?? ns, total: Object.keys(byEntity).length };
    if (latest) Object.assign(s, { last: latest.lastAt, entity: latest.entityArn, region: latest.region });
    if (granularity === 'ACTION_LEVEL' && ACTION_TRACKED_SERVICES.has(ns)) {
      const byAction = new Map<string, (typeof rows)[number]>();
      for (const r of rows) {
        const prev = byAction.get(r.action);
        if (!prev || r.lastAt > prev.lastAt) byAction.set(r.action, r);
      }
      s.tracked = [...byAction.values()]
        .sort((a, b) => a.action.localeCompare(b.action))
        .map((r) => ({ action: r.action.slice(r.action.indexOf(':') + 1), entity: r.entityArn, at: r.lastAt, region: r.region }));
    }
    services.push(s);
  }
  return { granularity, services, entities: target.entities, perEntity };
}

/** An optional enum member, with the model's constraint text. */
export function enumMember<T extends string>(v: Validator, name: string, values: readonly T[]): T | undefined {
  const s = v.string(name);
  if (s === undefined) return undefined;
  if (!(values as readonly string[]).includes(s)) {
    v.addClause(`Value at '${name[0].toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`);
    return undefined;
  }
  return s as T;
}

/** Jobs are per caller: "must be used by the same role within a session, or by the same user". */
export function requesterOf(call: Call): string {
  const p = call.principal;
  return p.kind === 'assumed-role' ? p.roleArn : (p.arn ?? 'anonymous');
}

/** Paging over a snapshot list: the marker is the index of the next item. */
export function pageSlice<T>(items: T[], paging: { marker?: string; maxItems: number }): { items: T[]; isTruncated: boolean; marker?: string } {
  let start = 0;
  if (paging.marker !== undefined) {
    const n = /^\d+$/.test(paging.marker) ? Number(paging.marker) : NaN;
    if (!Number.isSafeInteger(n) || n > items.length) throw awsErrors.invalidInput('Invalid Marker.'); // ⚠
    start = n;
  }
  const end = Math.min(items.length, start + paging.maxItems);
  return end < items.length ? { items: items.slice(start, end), isTruncated: true, marker: String(end) } : { items: items.slice(start), isTruncated: false };
}

export function jobNotFound(jobId: string) {
  return awsErrors.noSuchEntity(`Job ${jobId} not found.`); // ⚠ text not captured
}

// ------------------------------------------------------------------ GenerateServiceLastAccessedDetails

export const generateServiceLastAccessedDetails = defineOperation({
  name: 'GenerateServiceLastAccessedDetails',
  service: 'iam',
  action: 'iam:GenerateServiceLastAccessedDetails',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const arn = v.string('Arn', arnRule);
    const granularity = enumMember(v, 'Granularity', ['SERVICE_LEVEL', 'ACTION_LEVEL'] as const);
    v.done();
    return { arn, granularity: granularity ?? 'SERVICE_LEVEL' };
  },
  prepare: () => loadServiceCatalogue(),
  // Resource types group*, policy*, role*, user*: the report's entity is the resource.
  resource: (input) => input.arn,
  handler(input, call) {
    const account = accountOf(call);
    const target = resolveTarget(call.store, account, input.arn, ['user', 'role', 'group', 'policy']);
    const report = buildServiceReport(call.store, target, call.prepared as ServiceCatalogue, input.granularity);
    const jobId = call.ids.requestId();
    const at = call.now.toISOString();
    call.store.accessAdvisor.addJob({
      jobId, accountId: account, kind: 'service', requesterArn: requesterOf(call), target: input.arn, granularity: input.granularity,
      createdAt: at, completedAt: at, report: JSON.stringify(report),
    });
    return { JobId: jobId };
  },
});

function ownJob(call: Call, jobId: string, kind: 'service' | 'organizations') {
  const job = call.store.accessAdvisor.job(jobId);
  if (!job || job.kind !== kind || job.accountId !== accountOf(call) || job.requesterArn !== requesterOf(call)) throw jobNotFound(jobId);
  return job;
}

// ------------------------------------------------------------------ GetServiceLastAccessedDetails

export const getServiceLastAccessedDetails = defineOperation({
  name: 'GetServiceLastAccessedDetails',
  service: 'iam',
  action: 'iam:GetServiceLastAccessedDetails',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const jobId = v.string('JobId', jobIdRule);
    const paging = readPaging(v);
    v.done();
    return { jobId, ...paging };
  },
  resource: () => '*',
  handler(input, call) {
    const job = ownJob(call, input.jobId, 'service');
    const report = JSON.parse(job.report) as ServiceReport;
    const page = pageSlice(report.services, input);
    return {
      JobStatus: 'COMPLETED',
      JobType: report.granularity,
      JobCreationDate: new Date(job.createdAt),
      ServicesLastAccessed: page.items.map((s) => ({
        ServiceName: s.name,
        LastAuthenticated: s.last ? new Date(s.last) : undefined,
        ServiceNamespace: s.ns,
        LastAuthenticatedEntity: s.entity,
        LastAuthenticatedRegion: s.region,
        TotalAuthenticatedEntities: s.total,
        TrackedActionsLastAccessed: s.tracked?.map((t) => ({ ActionName: t.action, LastAccessedEntity: t.entity, LastAccessedTime: new Date(t.at), LastAccessedRegion: t.region })),
      })),
      JobCompletionDate: new Date(job.completedAt ?? job.createdAt),
      ...pageFields(page),
    };
  },
});

// ------------------------------------------------------------------ GetServiceLastAccessedDetailsWithEntities

export const getServiceLastAccessedDetailsWithEntities = defineOperation({
  name: 'GetServiceLastAccessedDetailsWithEntities',
  service: 'iam',
  action: 'iam:GetServiceLastAccessedDetailsWithEntities',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const jobId = v.string('JobId', jobIdRule);
    const namespace = v.string('ServiceNamespace', { ...namespaceRule, required: true });
    const paging = readPaging(v);
    v.done();
    return { jobId, namespace: namespace.toLowerCase(), ...paging };
  },
  resource: () => '*',
  handler(input, call) {
    const job = ownJob(call, input.jobId, 'service');
    const report = JSON.parse(job.report) as ServiceReport;
    if (!report.services.some((s) => s.ns === input.namespace)) {
      throw awsErrors.invalidInput(`The service namespace ${input.namespace} is not in the report.`); // ⚠ text not captured
    }
    const last = report.perEntity[input.namespace] ?? {};
    // Most recent first, then entities that never used the service.
    const rows = report.entities
      .map((e) => ({ EntityInfo: e, LastAuthenticated: last[e.Id] }))
      .sort((a, b) => (b.LastAuthenticated ?? '').localeCompare(a.LastAuthenticated ?? '') || a.EntityInfo.Name.localeCompare(b.EntityInfo.Name));
    const page = pageSlice(rows, input);
    return {
      JobStatus: 'COMPLETED',
      JobCreationDate: new Date(job.createdAt),
      JobCompletionDate: new Date(job.completedAt ?? job.createdAt),
      EntityDetailsList: page.items.map((r) => ({ EntityInfo: r.EntityInfo, LastAuthenticated: r.LastAuthenticated ? new Date(r.LastAuthenticated) : undefined })),
      ...pageFields(page),
    };
  },
});

// ------------------------------------------------------------------ ListPoliciesGrantingServiceAccess

export const listPoliciesGrantingServiceAccess = defineOperation({
  name: 'ListPoliciesGrantingServiceAccess',
  service: 'iam',
  action: 'iam:ListPoliciesGrantingServiceAccess',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const marker = v.string('Marker', { min: 1, max: 320, pattern: patterns.marker });
    const arn = v.string('Arn', arnRule);
    const namespaces = v.stringList('ServiceNamespaces', { max: 200 });
    namespaces?.forEach((ns, i) => {
      if (ns.length < 1 || ns.length > 64 || !namespaceRule.pattern.re.test(ns)) {
        v.addClause(`Value at 'serviceNamespaces.${i + 1}.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ${namespaceRule.pattern.text}`);
      }
    });
    if (namespaces === undefined) v.addClause("Value null at 'serviceNamespaces' failed to satisfy constraint: Member must not be null");
    else if (namespaces.length < 1) v.addClause(`Value '[]' at 'serviceNamespaces' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    v.done();
    return { marker, arn, namespaces: (namespaces ?? []).map((n) => n.toLowerCase()) };
  },
  prepare: () => loadServiceCatalogue(),
  // Resource types group*, role*, user*.
  resource: (input) => input.arn,
  handler(input, call) {
    const target = resolveTarget(call.store, accountOf(call), input.arn, ['user', 'role', 'group']);
    const catalogue = call.prepared as ServiceCatalogue;
    const entries = input.namespaces.map((ns) => ({
      ServiceNamespace: ns,
      Policies: target.policies
        .filter((p) => servicesAllowedBy(p.document, catalogue).has(ns))
        .map((p) => ({ PolicyName: p.name, PolicyType: p.type, PolicyArn: p.arn, EntityType: p.entityType, EntityName: p.entityName })),
    }));
    // One page holds every namespace asked for (at most 200); IAM pages only when its answer is large.
    if (input.marker !== undefined) throw awsError('InvalidInput', 'Invalid Marker.'); // ⚠
    return { PoliciesGrantingServiceAccess: entries, IsTruncated: false };
  },
});

export const accessAdvisorOperations = [
  generateServiceLastAccessedDetails,
  getServiceLastAccessedDetails,
  getServiceLastAccessedDetailsWithEntities,
  listPoliciesGrantingServiceAccess,
];
