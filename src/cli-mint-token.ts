// Owns `iamlocal mint-token`: asks a running iamlocal (admin endpoint POST /_iamlocal/clusters/NAME/tokens,
// signed with the account's root key) for a projected service-account token and prints it or writes it
// to a file — the file a pod's AWS_WEB_IDENTITY_TOKEN_FILE points at. Works with in-memory and Docker
// servers alike because the server, which holds the cluster key and the clock, does the signing.
import { writeFile } from 'node:fs/promises';
import { adminJson, serverTarget } from './cli-admin-client';
import { cliFlags } from './cli-args';

export const MINT_TOKEN_USAGE = `Usage: iamlocal mint-token --cluster NAME --namespace NS --service-account SA [options]

  --cluster NAME          mock EKS cluster (seeded or created via POST /_iamlocal/clusters)
  --namespace NS          service account namespace
  --service-account SA    service account name
  --audience A            token audience; repeatable (default sts.amazonaws.com)
  --lifetime SECONDS      token lifetime, 600–4294967296 (default 86400)
  --pod NAME              add kubernetes.io.pod (a pod-bound token)
  --region R              cluster region, when several clusters share the name
  --out FILE              write the token to FILE (mode 0600) instead of stdout
  --endpoint URL          iamlocal URL (default http://127.0.0.1:4599; env IAMLOCAL_ENDPOINT)

  Signs with the root key IAMLOCAL_ROOT_ACCESS_KEY_ID / IAMLOCAL_ROOT_SECRET_ACCESS_KEY (default test / test).`;

export class MintTokenUsageError extends Error {}

export interface MintTokenArgs {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  audience: string[];
  lifetimeSeconds?: number;
  podName?: string;
  region?: string;
  out?: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export function parseMintTokenArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): MintTokenArgs | 'help' {
  const out: Partial<MintTokenArgs> & { audience: string[] } = { audience: [] };
  for (const { arg, flag, value } of cliFlags(argv, (flag) => new MintTokenUsageError(`${flag} needs a value`))) {
    switch (flag) {
      case '--cluster': out.cluster = value(); break;
      case '--namespace': case '-n': out.namespace = value(); break;
      case '--service-account': out.serviceAccount = value(); break;
      case '--audience': out.audience.push(value()); break;
      case '--lifetime': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new MintTokenUsageError(`--lifetime: not a number of seconds: ${JSON.stringify(v)}`);
        out.lifetimeSeconds = Number(v);
        break;
      }
      case '--pod': out.podName = value(); break;
      case '--region': out.region = value(); break;
      case '--out': out.out = value(); break;
      case '--endpoint': out.endpoint = value(); break;
      case '--help': case '-h': return 'help';
      default: throw new MintTokenUsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  for (const [k, flag] of [['cluster', '--cluster'], ['namespace', '--namespace'], ['serviceAccount', '--service-account']] as const) {
    if (!out[k]) throw new MintTokenUsageError(`${flag} is required`);
  }
  return { ...(out as MintTokenArgs), ...serverTarget(out.endpoint, env) };
}

/** Mints through the server; returns the token. Throws Error with the server's message on failure. */
export async function mintTokenViaServer(a: MintTokenArgs): Promise<{ token: string; expiration: string }> {
  const path = `/_iamlocal/clusters/${encodeURIComponent(a.cluster)}/tokens${a.region ? `?region=${encodeURIComponent(a.region)}` : ''}`;
  const { json } = await adminJson<{ token?: string; expiration?: string }>(a, 'POST', path, {
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    ...(a.audience.length > 0 ? { audience: a.audience } : {}),
    ...(a.lifetimeSeconds !== undefined ? { lifetimeSeconds: a.lifetimeSeconds } : {}),
    ...(a.podName !== undefined ? { podName: a.podName } : {}),
  });
  if (!json.token) throw new Error(`unexpected answer from ${a.endpoint}`);
  return { token: json.token, expiration: json.expiration ?? '' };
}

/** Runs the command; returns the process exit code. */
export async function runMintToken(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let args: MintTokenArgs | 'help';
  try {
    args = parseMintTokenArgs(argv);
  } catch (e) {
    if (e instanceof MintTokenUsageError) {
      io.err.write(`iamlocal mint-token: ${e.message}\n\n${MINT_TOKEN_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    io.out.write(MINT_TOKEN_USAGE + '\n');
    return 0;
  }
  try {
    const { token, expiration } = await mintTokenViaServer(args);
    if (args.out) {
      await writeFile(args.out, token, { mode: 0o600 });
      io.err.write(`token written to ${args.out} (expires ${expiration})\n`);
    } else io.out.write(token + '\n');
    return 0;
  } catch (e) {
    io.err.write(`iamlocal mint-token: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
