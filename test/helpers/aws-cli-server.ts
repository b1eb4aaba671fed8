// One real iamlocal on a port per test file, driven by the AWS CLI: starts it with the file's seed before
// the tests and stops it after; `aws` runs one CLI command as the given credentials, `ok` one that must
// succeed (its JSON output parsed).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { awsCli, type CliCreds, type CliResult, type CliTarget } from './aws-cli';

export interface CliServer {
  readonly iam: IamLocal;
  aws(creds: CliCreds, ...args: string[]): Promise<CliResult>;
  ok(creds: CliCreds, ...args: string[]): Promise<any>;
}

export function cliServer(seed: Record<string, unknown>, name: string, services: CliTarget['services'] = ['ORGANIZATIONS', 'IAM', 'STS']): CliServer {
  let iam: IamLocal | undefined;
  let home = '';
  beforeAll(async () => {
    iam = await startIamLocal({ seed: [seed] });
    home = mkdtempSync(join(tmpdir(), `iamlocal-${name}-`));
  });
  afterAll(async () => {
    await iam?.stop();
  });
  const server: CliServer = {
    get iam() {
      if (!iam) throw new Error('the server is not started yet (use it inside a test)');
      return iam;
    },
    aws: (creds, ...args) => awsCli({ endpoint: server.iam.endpoint, home, region: 'us-east-1', services }, creds, args),
    async ok(creds, ...args) {
      const r = await server.aws(creds, ...args);
      if (!r.ok) throw new Error(`aws ${args.join(' ')} failed: ${r.out}`);
      return r.out.trim() === '' ? {} : JSON.parse(r.out);
    },
  };
  return server;
}
