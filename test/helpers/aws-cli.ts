// Owns running the real AWS CLI against a test server: an isolated HOME, no config or credentials
// files, one region, the server as endpoint for the named services, no retries, JSON output.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export type CliCreds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
export type CliResult = { ok: boolean; out: string };

export interface CliTarget {
  endpoint: string;
  home: string;
  region: string;
  /** Services whose endpoint (AWS_ENDPOINT_URL_<SERVICE>) is the test server. */
  services: ReadonlyArray<'IAM' | 'STS' | 'ORGANIZATIONS' | 'EC2' | 'EKS' | 'EKS_AUTH' | 'ACCESSANALYZER' | 'S3'>;
  maxBuffer?: number;
  /** An AWS config file (default: none, /dev/null). */
  configFile?: string;
}

/** `aws ARGS --output json`: ok with stdout, or not ok with stderr. */
export async function awsCli(target: CliTarget, creds: CliCreds, args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: target.home,
    AWS_CONFIG_FILE: target.configFile ?? '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: target.region,
    AWS_MAX_ATTEMPTS: '1',
  };
  for (const service of target.services) env[`AWS_ENDPOINT_URL_${service}`] = target.endpoint;
  if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
  try {
    const options = target.maxBuffer === undefined ? { env, encoding: 'utf8' as const } : { env, encoding: 'utf8' as const, maxBuffer: target.maxBuffer };
    const { stdout } = await promisify(execFile)('aws', [...args, '--output', 'json'], options);
    return { ok: true, out: stdout };
  } catch (e) {
    return { ok: false, out: String((e as { stderr?: string }).stderr ?? e) };
  }
}
