// Owns IAM Access Analyzer state (migration 009): analyzers, archive rules, the stored identity and
// status of findings, the analyzed-resource index and policy generation jobs. JSON columns hold the
// API's own shapes (tags, filter criteria, finding details) so the service layer reads them back as is.
import type { Db } from '../db';

export type AnalyzerType =
  | 'ACCOUNT'
  | 'ORGANIZATION'
  | 'ACCOUNT_UNUSED_ACCESS'
  | 'ORGANIZATION_UNUSED_ACCESS'
  | 'ACCOUNT_INTERNAL_ACCESS'
  | 'ORGANIZATION_INTERNAL_ACCESS';

export interface Analyzer {
  arn: string;
  accountId: string;
  region: string;
  name: string;
  type: AnalyzerType;
  status: 'ACTIVE' | 'CREATING' | 'DISABLED' | 'FAILED';
  tags: Record<string, string>;
  configuration: unknown | null;
  createdAt: string;
}

/** FilterCriteriaMap: attribute → { eq | neq | contains | exists }. */
export type Criterion = { eq?: string[]; neq?: string[]; contains?: string[]; exists?: boolean };
export type FilterCriteria = Record<string, Criterion>;

export interface ArchiveRule {
  analyzerArn: string;
  name: string;
  filter: FilterCriteria;
  createdAt: string;
  updatedAt: string;
}

export type FindingStatus = 'ACTIVE' | 'ARCHIVED' | 'RESOLVED';

export interface StoredFinding {
  analyzerArn: string;
  id: string;
  /** What identifies the access (resource + principal + actions + conditions): the same access keeps its id. */
  key: string;
  resourceArn: string;
  resourceType: string;
  ownerAccount: string;
  status: FindingStatus;
  /** The access as last analyzed: principal, action, condition, isPublic, sources. */
  detail: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  analyzedAt: string;
}

export interface AnalyzedResourceRow {
  analyzerArn: string;
  resourceArn: string;
  resourceType: string;
  ownerAccount: string;
  /** The analyzed policy text: a change moves updatedAt. */
  fingerprint: string;
  createdAt: string;
  updatedAt: string;
  analyzedAt: string;
}

export type JobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';

export interface PolicyGenerationJob {
  jobId: string;
  accountId: string;
  principalArn: string;
  status: JobStatus;
  startedOn: string;
  completedOn: string | null;
  /** The StartPolicyGeneration input (cloudTrailDetails) as given. */
  request: Record<string, unknown>;
  /** What the generation found: the requests it read (action + resource), the window, errors. */
  result: Record<string, unknown> | null;
}

interface AnalyzerRow {
  arn: string;
  account_id: string;
  region: string;
  name: string;
  type: AnalyzerType;
  status: Analyzer['status'];
  tags: string;
  configuration: string | null;
  created_at: string;
}

const toAnalyzer = (r: AnalyzerRow): Analyzer => ({
  arn: r.arn,
  accountId: r.account_id,
  region: r.region,
  name: r.name,
  type: r.type,
  status: r.status,
  tags: JSON.parse(r.tags),
  configuration: r.configuration === null ? null : JSON.parse(r.configuration),
  createdAt: r.created_at,
});

interface FindingRow {
  analyzer_arn: string;
  id: string;
  key: string;
  resource_arn: string;
  resource_type: string;
  owner_account: string;
  status: FindingStatus;
  detail: string;
  created_at: string;
  updated_at: string;
  analyzed_at: string;
}

const toFinding = (r: FindingRow): StoredFinding => ({
  analyzerArn: r.analyzer_arn,
  id: r.id,
  key: r.key,
  resourceArn: r.resource_arn,
  resourceType: r.resource_type,
  ownerAccount: r.owner_account,
  status: r.status,
  detail: JSON.parse(r.detail),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  analyzedAt: r.analyzed_at,
});

interface JobRow {
  job_id: string;
  account_id: string;
  principal_arn: string;
  status: JobStatus;
  started_on: string;
  completed_on: string | null;
  request: string;
  result: string | null;
}

const toJob = (r: JobRow): PolicyGenerationJob => ({
  jobId: r.job_id,
  accountId: r.account_id,
  principalArn: r.principal_arn,
  status: r.status,
  startedOn: r.started_on,
  completedOn: r.completed_on,
  request: JSON.parse(r.request),
  result: r.result === null ? null : JSON.parse(r.result),
});

export class AccessAnalyzerRepo {
  constructor(private readonly db: Db) {}

  // ---------------------------------------------------------------- analyzers

  analyzer(accountId: string, region: string, name: string): Analyzer | null {
    const r = this.db.get<AnalyzerRow>('SELECT * FROM aa_analyzers WHERE account_id = ? AND region = ? AND name = ?', accountId, region, name);
    return r ? toAnalyzer(r) : null;
  }

  analyzerByArn(arn: string): Analyzer | null {
    const r = this.db.get<AnalyzerRow>('SELECT * FROM aa_analyzers WHERE arn = ?', arn);
    return r ? toAnalyzer(r) : null;
  }

  analyzers(accountId: string, region: string): Analyzer[] {
    return this.db.all<AnalyzerRow>('SELECT * FROM aa_analyzers WHERE account_id = ? AND region = ? ORDER BY created_at, name', accountId, region).map(toAnalyzer);
  }

  createAnalyzer(a: Analyzer): Analyzer {
    this.db.run(
      'INSERT INTO aa_analyzers (arn, account_id, region, name, type, status, tags, configuration, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      a.arn, a.accountId, a.region, a.name, a.type, a.status, JSON.stringify(a.tags), a.configuration === null ? null : JSON.stringify(a.configuration), a.createdAt,
    );
    return a;
  }

  setAnalyzerConfiguration(arn: string, configuration: unknown): void {
    this.db.run('UPDATE aa_analyzers SET configuration = ? WHERE arn = ?', JSON.stringify(configuration), arn);
  }

  setAnalyzerTags(arn: string, tags: Record<string, string>): void {
    this.db.run('UPDATE aa_analyzers SET tags = ? WHERE arn = ?', JSON.stringify(tags), arn);
  }

  deleteAnalyzer(arn: string): void {
    this.db.run('DELETE FROM aa_findings WHERE analyzer_arn = ?', arn);
    this.db.run('DELETE FROM aa_resources WHERE analyzer_arn = ?', arn);
    this.db.run('DELETE FROM aa_archive_rules WHERE analyzer_arn = ?', arn);
    this.db.run('DELETE FROM aa_analyzers WHERE arn = ?', arn);
  }

  countAnalyzers(accountId: string, region: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM aa_analyzers WHERE account_id = ? AND region = ?', accountId, region)!.n;
  }

  // ---------------------------------------------------------------- archive rules

  archiveRules(analyzerArn: string): ArchiveRule[] {
    return this.db
      .all<{ analyzer_arn: string; name: string; filter: string; created_at: string; updated_at: string }>(
        'SELECT * FROM aa_archive_rules WHERE analyzer_arn = ? ORDER BY name',
        analyzerArn,
      )
      .map((r) => ({ analyzerArn: r.analyzer_arn, name: r.name, filter: JSON.parse(r.filter), createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  archiveRule(analyzerArn: string, name: string): ArchiveRule | null {
    return this.archiveRules(analyzerArn).find((r) => r.name === name) ?? null;
  }

  putArchiveRule(r: ArchiveRule): void {
    this.db.run(
      `INSERT INTO aa_archive_rules (analyzer_arn, name, filter, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (analyzer_arn, name) DO UPDATE SET filter = excluded.filter, updated_at = excluded.updated_at`,
      r.analyzerArn, r.name, JSON.stringify(r.filter), r.createdAt, r.updatedAt,
    );
  }

  deleteArchiveRule(analyzerArn: string, name: string): void {
    this.db.run('DELETE FROM aa_archive_rules WHERE analyzer_arn = ? AND name = ?', analyzerArn, name);
  }

  // ---------------------------------------------------------------- findings

  findings(analyzerArn: string): StoredFinding[] {
    return this.db.all<FindingRow>('SELECT * FROM aa_findings WHERE analyzer_arn = ? ORDER BY created_at, id', analyzerArn).map(toFinding);
  }

  insertFinding(f: StoredFinding): void {
    this.db.run(
      `INSERT INTO aa_findings (analyzer_arn, id, key, resource_arn, resource_type, owner_account, status, detail, created_at, updated_at, analyzed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      f.analyzerArn, f.id, f.key, f.resourceArn, f.resourceType, f.ownerAccount, f.status, JSON.stringify(f.detail), f.createdAt, f.updatedAt, f.analyzedAt,
    );
  }

  updateFinding(analyzerArn: string, id: string, fields: { status?: FindingStatus; detail?: Record<string, unknown>; updatedAt?: string; analyzedAt?: string }): void {
    if (fields.status !== undefined) this.db.run('UPDATE aa_findings SET status = ? WHERE analyzer_arn = ? AND id = ?', fields.status, analyzerArn, id);
    if (fields.detail !== undefined) this.db.run('UPDATE aa_findings SET detail = ? WHERE analyzer_arn = ? AND id = ?', JSON.stringify(fields.detail), analyzerArn, id);
    if (fields.updatedAt !== undefined) this.db.run('UPDATE aa_findings SET updated_at = ? WHERE analyzer_arn = ? AND id = ?', fields.updatedAt, analyzerArn, id);
    if (fields.analyzedAt !== undefined) this.db.run('UPDATE aa_findings SET analyzed_at = ? WHERE analyzer_arn = ? AND id = ?', fields.analyzedAt, analyzerArn, id);
  }

  // ---------------------------------------------------------------- analyzed resources

  resources(analyzerArn: string): AnalyzedResourceRow[] {
    return this.db
      .all<{ analyzer_arn: string; resource_arn: string; resource_type: string; owner_account: string; fingerprint: string; created_at: string; updated_at: string; analyzed_at: string }>(
        'SELECT * FROM aa_resources WHERE analyzer_arn = ? ORDER BY resource_arn',
        analyzerArn,
      )
      .map((r) => ({
        analyzerArn: r.analyzer_arn,
        resourceArn: r.resource_arn,
        resourceType: r.resource_type,
        ownerAccount: r.owner_account,
        fingerprint: r.fingerprint,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        analyzedAt: r.analyzed_at,
      }));
  }

  putResource(r: AnalyzedResourceRow): void {
    this.db.run(
      `INSERT INTO aa_resources (analyzer_arn, resource_arn, resource_type, owner_account, fingerprint, created_at, updated_at, analyzed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (analyzer_arn, resource_arn) DO UPDATE SET fingerprint = excluded.fingerprint, updated_at = excluded.updated_at, analyzed_at = excluded.analyzed_at`,
      r.analyzerArn, r.resourceArn, r.resourceType, r.ownerAccount, r.fingerprint, r.createdAt, r.updatedAt, r.analyzedAt,
    );
  }

  deleteResource(analyzerArn: string, resourceArn: string): void {
    this.db.run('DELETE FROM aa_resources WHERE analyzer_arn = ? AND resource_arn = ?', analyzerArn, resourceArn);
  }

  // ---------------------------------------------------------------- policy generation

  createJob(j: PolicyGenerationJob): void {
    this.db.run(
      `INSERT INTO aa_policy_generations (job_id, account_id, principal_arn, status, started_on, completed_on, request, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      j.jobId, j.accountId, j.principalArn, j.status, j.startedOn, j.completedOn, JSON.stringify(j.request), j.result === null ? null : JSON.stringify(j.result),
    );
  }

  job(jobId: string): PolicyGenerationJob | null {
    const r = this.db.get<JobRow>('SELECT * FROM aa_policy_generations WHERE job_id = ?', jobId);
    return r ? toJob(r) : null;
  }

  jobs(accountId: string, principalArn?: string): PolicyGenerationJob[] {
    const rows = principalArn
      ? this.db.all<JobRow>('SELECT * FROM aa_policy_generations WHERE account_id = ? AND principal_arn = ? ORDER BY started_on DESC, job_id', accountId, principalArn)
      : this.db.all<JobRow>('SELECT * FROM aa_policy_generations WHERE account_id = ? ORDER BY started_on DESC, job_id', accountId);
    return rows.map(toJob);
  }

  finishJob(jobId: string, status: JobStatus, completedOn: string, result: Record<string, unknown> | null): void {
    this.db.run(
      'UPDATE aa_policy_generations SET status = ?, completed_on = ?, result = ? WHERE job_id = ?',
      status, completedOn, result === null ? null : JSON.stringify(result), jobId,
    );
  }
}
