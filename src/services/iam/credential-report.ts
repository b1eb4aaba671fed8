// Owns the IAM credential report: GenerateCredentialReport and GetCredentialReport, the CSV AWS
// documents (one row for the root user, one per IAM user) built from iamlocal's real state. As in
// AWS, a report is generated at most every four hours (by iamlocal's clock) and expires after four.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
import { awsError } from '../../aws/errors';
import { arns } from '../../aws/arn';
import { defineOperation, type Call, type Params } from '../types';
import { Validator } from '../validate';
import { accountOf } from './common';
import { passwordPolicyOf } from './account-settings';

const FOUR_HOURS_MS = 4 * 3600_000;

/** The report's columns, in AWS's order (id_credentials_getting-report.html#id_credentials_understanding_the_report_format). */
export const REPORT_COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
] as const;

/** `2014-08-14T22:43:00+00:00`: the report's timestamp form. */
function ts(iso: string | null | undefined): string | null {
  return iso ? new Date(iso).toISOString().slice(0, 19) + '+00:00' : null;
}

function keyColumns(keys: { status: string; createdAt: string; lastUsedAt: string | null; lastUsedRegion: string | null; lastUsedService: string | null }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const k = keys[i];
    if (!k) out.push('false', 'N/A', 'N/A', 'N/A', 'N/A');
    else out.push(String(k.status === 'Active'), ts(k.createdAt)!, ts(k.lastUsedAt) ?? 'N/A', k.lastUsedRegion ?? 'N/A', k.lastUsedService ?? 'N/A');
  }
  return out;
}

function certColumns(certs: { status: string; createdAt: string }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const c = certs[i];
    out.push(c ? String(c.status === 'Active') : 'false', c ? ts(c.createdAt)! : 'N/A');
  }
  return out;
}

export function buildCredentialReport(call: Call, account: string): string {
  const { store } = call;
  const rows: string[][] = [[...REPORT_COLUMNS]];
  const acct = store.accounts.get(account);
  const rootKeys = store.accessKeys.listFor(account, null);
  rows.push([
    '<root_account>', arns.root(account), ts(acct?.createdAt) ?? 'N/A', 'not_supported', 'no_information', 'not_supported', 'not_supported', 'false',
    ...keyColumns(rootKeys), ...certColumns([]),
  ]);
  const policy = passwordPolicyOf(call, account);
  let marker: string | undefined;
  for (;;) {
    const page = store.users.list(account, { maxItems: 1000, marker });
    for (const u of page.items) {
      const profile = store.loginProfiles.get(u.id);
      const mfa = store.mfaDevices.forUser(u.id).some((d) => d.enabledAt !== null);
      const nextRotation = profile && policy && policy.maxPasswordAge > 0 ? ts(new Date(Date.parse(profile.passwordChangedAt) + policy.maxPasswordAge * 86_400_000).toISOString()) : 'N/A';
      rows.push([
        u.name, u.arn, ts(u.createdAt)!, String(!!profile),
        profile ? (ts(u.passwordLastUsed) ?? 'no_information') : 'N/A',
        profile ? ts(profile.passwordChangedAt)! : 'N/A',
        profile ? nextRotation! : 'N/A',
        String(mfa),
        ...keyColumns(store.accessKeys.listFor(account, u.id)),
        ...certColumns(store.userCredentials.forUser('signing-certificate', u.id)),
      ]);
    }
    if (!page.isTruncated) break;
    marker = page.marker;
  }
  return rows.map((r) => r.join(',')).join('\n');
}

export const generateCredentialReport = defineOperation({
  name: 'GenerateCredentialReport',
  service: 'iam',
  action: 'iam:GenerateCredentialReport',
  mutating: true,
  input: (params: Params) => new Validator(params, 'iam').done(),
  resource: () => '*',
  handler(_input, call) {
    const account = accountOf(call);
    const existing = call.store.userCredentials.report(account);
    // "If the existing report is older than four hours, IAM generates a new report."
    if (existing && call.now.getTime() - Date.parse(existing.generatedAt) < FOUR_HOURS_MS) return { State: 'COMPLETE' };
    call.store.userCredentials.putReport(account, buildCredentialReport(call, account), call.now.toISOString());
    // The first call answers STARTED (generation runs at once here, so the next call is COMPLETE).
    return existing ? { State: 'COMPLETE' } : { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
  },
});

export const getCredentialReport = defineOperation({
  name: 'GetCredentialReport',
  service: 'iam',
  action: 'iam:GetCredentialReport',
  mutating: false,
  input: (params: Params) => new Validator(params, 'iam').done(),
  resource: () => '*',
  handler(_input, call) {
    const r = call.store.userCredentials.report(accountOf(call));
    if (!r) throw awsError('ReportNotPresent', 'Credential report does not exist. Use GenerateCredentialReport to generate a report.'); // ⚠
    if (call.now.getTime() - Date.parse(r.generatedAt) >= FOUR_HOURS_MS) {
      throw awsError('ReportExpired', 'The credential report has expired. Use GenerateCredentialReport to generate a new report.'); // ⚠
    }
    return { Content: Buffer.from(r.content, 'utf8'), ReportFormat: 'text/csv', GeneratedTime: new Date(r.generatedAt) };
  },
});

export const credentialReportOperations = [generateCredentialReport, getCredentialReport];
