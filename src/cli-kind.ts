// Owns `iamlocal kind`: from a running iamlocal (signed admin calls, like mint-token), everything a kind
// cluster needs for IRSA against it, written into one directory:
//   mode A (default): creates or reuses the mock EKS cluster NAME (issuer https://oidc.eks.<region>.amazonaws.com/id/<ID>,
//     its key kept across resets), writes sa.key / sa.pub, kind-config.yaml (src/kind/files.ts) and iamlocal.yaml;
//   mode B (--existing-cluster): trusts a kind cluster as it is: registers its issuer (default the stock
//     https://kubernetes.default.svc.cluster.local) as an IAM OIDC provider with the JWKS you give
//     (`kubectl get --raw /openid/v1/jwks`), and writes only iamlocal.yaml.
// Either way it tells the cluster's webhook which endpoint to inject (the in-cluster Service) and registers
// any --service-account NS/NAME=ROLE_ARN given.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { adminJson, serverTarget, signedRequest, type ServerTarget } from './cli-admin-client';
import { cliFlags } from './cli-args';
import { IAMLOCAL_SERVICE_HOST, kindClusterConfig, manifestObjects, STOCK_KIND_ISSUER } from './kind/files';

/** The gateway of the `kind` network as containers on it see the host: docker's usual, podman's usual. */
export const DEFAULT_HOST_ADDRESS = { docker: '172.18.0.1', podman: '10.89.0.1' } as const;

export const KIND_USAGE = `Usage: iamlocal kind --cluster NAME [options]

  Writes into --out DIR the files a kind cluster needs to get role credentials from this iamlocal:
  kind-config.yaml, sa.key, sa.pub (mode A) and iamlocal.yaml (webhook, Service, EndpointSlice).

  --cluster NAME            mock EKS cluster to create or reuse (also the kind cluster's name)
  --out DIR                 output directory (default ./iamlocal-kind-NAME)
  --region R                cluster region (default: iamlocal's default region)
  --provider docker|podman  which kind node provider's network defaults to use (default docker)
  --host-address IP         address kind nodes reach iamlocal at (default 172.18.0.1 with docker,
                            10.89.0.1 with podman: the kind network's gateway; see docs/irsa.md)
  --api-port N              iamlocal's HTTP port at that address (default: the --endpoint's port)
  --webhook-port N          the webhook's HTTPS port at that address (default: the port iamlocal serves it on)
  --service-account NS/SA=ROLE_ARN
                            tell the webhook about a service account now; repeatable (otherwise it learns
                            eks.amazonaws.com/role-arn annotations when service accounts are created/updated)
  --region-env R | --no-region-env
                            AWS_REGION / AWS_DEFAULT_REGION injected into pods (default: the cluster's region)
  --regional-sts            inject AWS_STS_REGIONAL_ENDPOINTS=regional (the webhook's --sts-regional-endpoint)
  --pod-identity-uri URL    AWS_CONTAINER_CREDENTIALS_FULL_URI for Pod Identity pods
                            (default http://169.254.170.23/v1/credentials, the EKS Pod Identity Agent's address)
  --failure-policy Ignore|Fail
                            the pod webhook's failurePolicy (default Ignore, as the EKS webhook)
  --workers N               extra worker nodes in kind-config.yaml (default 0)
  --existing-cluster        mode B: trust an existing kind cluster's own issuer and keys instead
  --issuer URL              mode B: the cluster's --service-account-issuer (default ${STOCK_KIND_ISSUER})
  --jwks FILE               mode B: the cluster's JWKS (kubectl get --raw /openid/v1/jwks > FILE)
  --endpoint URL            iamlocal URL (default http://127.0.0.1:4599; env IAMLOCAL_ENDPOINT)

  iamlocal must serve the webhook (start it with --webhook-port 4600) and listen where kind nodes reach it
  (e.g. --host 0.0.0.0). Signs with IAMLOCAL_ROOT_ACCESS_KEY_ID / IAMLOCAL_ROOT_SECRET_ACCESS_KEY (default test / test).`;

export class KindUsageError extends Error {}

export interface KindArgs extends ServerTarget {
  cluster: string;
  out: string;
  region?: string;
  hostAddress: string;
  apiPort?: number;
  webhookPort?: number;
  serviceAccounts: { namespace: string; name: string; roleArn: string }[];
  regionEnv?: string;
  regionalSts: boolean;
  podIdentityUri?: string;
  failurePolicy: 'Ignore' | 'Fail';
  workers: number;
  existing: boolean;
  issuer: string;
  jwksFile?: string;
}

/** One object as a YAML document: no line folding, and no anchors for objects that appear twice. */
const toYaml = (o: unknown): string => dump(o, { lineWidth: -1, noRefs: true });

function port(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new KindUsageError(`${flag}: not a port number: ${JSON.stringify(v)}`);
  return n;
}

export function parseKindArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): KindArgs | 'help' {
  let cluster: string | undefined;
  let out: string | undefined;
  let endpoint: string | undefined;
  let provider: 'docker' | 'podman' = 'docker';
  let hostAddress: string | undefined;
  let issuer: string | undefined;
  const a: Partial<KindArgs> & { serviceAccounts: KindArgs['serviceAccounts'] } = { serviceAccounts: [], regionalSts: false, failurePolicy: 'Ignore', workers: 0, existing: false };
  for (const { arg, flag, value } of cliFlags(argv, (f) => new KindUsageError(`${f} needs a value`))) {
    switch (flag) {
      case '--cluster': cluster = value(); break;
      case '--out': out = value(); break;
      case '--region': a.region = value(); break;
      case '--provider': {
        const v = value();
        if (v !== 'docker' && v !== 'podman') throw new KindUsageError(`--provider: docker or podman, not ${JSON.stringify(v)}`);
        provider = v;
        break;
      }
      case '--host-address': {
        hostAddress = value();
        if (!isIP(hostAddress)) throw new KindUsageError(`--host-address must be an IP address (an EndpointSlice holds addresses), not ${JSON.stringify(hostAddress)}`);
        if (/^(127\.|::1$|169\.254\.)/.test(hostAddress)) throw new KindUsageError(`--host-address ${hostAddress} is loopback or link-local: kind nodes cannot reach iamlocal there`);
        break;
      }
      case '--api-port': a.apiPort = port(value(), flag); break;
      case '--webhook-port': a.webhookPort = port(value(), flag); break;
      case '--service-account': {
        const v = value();
        const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)=(arn:.+)$/.exec(v);
        if (!m) throw new KindUsageError(`--service-account: expected NAMESPACE/NAME=ROLE_ARN, got ${JSON.stringify(v)}`);
        a.serviceAccounts.push({ namespace: m[1], name: m[3], roleArn: m[5] });
        break;
      }
      case '--region-env': a.regionEnv = value(); break;
      case '--no-region-env': a.regionEnv = ''; break;
      case '--regional-sts': a.regionalSts = true; break;
      case '--pod-identity-uri': a.podIdentityUri = value(); break;
      case '--failure-policy': {
        const v = value();
        if (v !== 'Ignore' && v !== 'Fail') throw new KindUsageError(`--failure-policy: Ignore or Fail, not ${JSON.stringify(v)}`);
        a.failurePolicy = v;
        break;
      }
      case '--workers': {
        const v = value();
        if (!/^\d{1,2}$/.test(v)) throw new KindUsageError(`--workers: a small number, not ${JSON.stringify(v)}`);
        a.workers = Number(v);
        break;
      }
      case '--existing-cluster': a.existing = true; break;
      case '--issuer': issuer = value(); break;
      case '--jwks': a.jwksFile = value(); break;
      case '--endpoint': endpoint = value(); break;
      case '--help': case '-h': return 'help';
      default: throw new KindUsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  if (!cluster) throw new KindUsageError('--cluster is required');
  if (a.existing && !a.jwksFile) throw new KindUsageError('--existing-cluster needs --jwks FILE (kubectl get --raw /openid/v1/jwks > FILE)');
  if (!a.existing && (issuer || a.jwksFile)) throw new KindUsageError('--issuer and --jwks are for --existing-cluster (mode B)');
  if (issuer !== undefined && !/^https:\/\/[^?#]+$/.test(issuer)) throw new KindUsageError(`--issuer must be an https URL without query or fragment, got ${JSON.stringify(issuer)}`);
  return {
    ...(a as KindArgs),
    cluster,
    out: out ?? `./iamlocal-kind-${cluster}`,
    hostAddress: hostAddress ?? DEFAULT_HOST_ADDRESS[provider],
    issuer: issuer ?? STOCK_KIND_ISSUER,
    ...serverTarget(endpoint, env),
  };
}

interface ClusterView {
  name: string;
  accountId: string;
  region: string;
  id: string;
  issuer: string;
  oidcProviderArn: string | null;
}

async function ensureCluster(a: KindArgs, oidcProvider: boolean): Promise<{ cluster: ClusterView; created: boolean }> {
  const q = a.region ? `?region=${encodeURIComponent(a.region)}` : '';
  try {
    const { json } = await adminJson<ClusterView>(a, 'GET', `/_iamlocal/clusters/${encodeURIComponent(a.cluster)}${q}`);
    return { cluster: json, created: false };
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
  const { json } = await adminJson<ClusterView>(a, 'POST', '/_iamlocal/clusters', { name: a.cluster, ...(a.region ? { region: a.region } : {}), ...(oidcProvider ? {} : { oidcProvider: false }) });
  return { cluster: json, created: true };
}

/** Mode B: an IAM OIDC provider for the kind cluster's own issuer, trusting the JWKS given. */
async function trustExistingIssuer(a: KindArgs, accountId: string): Promise<string> {
  const url = a.issuer.slice('https://'.length);
  const arn = `arn:aws:iam::${accountId}:oidc-provider/${url}`;
  const form = new URLSearchParams({ Action: 'CreateOpenIDConnectProvider', Version: '2010-05-08', Url: a.issuer, 'ClientIDList.member.1': 'sts.amazonaws.com' }).toString();
  const res = await signedRequest(a, 'POST', '/', form, 'application/x-www-form-urlencoded', 'iam');
  if (res.status !== 200 && !res.body.includes('<Code>EntityAlreadyExists</Code>')) {
    throw new Error(`CreateOpenIDConnectProvider ${a.issuer}: HTTP ${res.status} ${/<Message>([^<]*)<\/Message>/.exec(res.body)?.[1] ?? ''}`);
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(await readFile(a.jwksFile!, 'utf8'));
  } catch (e) {
    throw new Error(`--jwks ${a.jwksFile}: ${(e as Error).message}`);
  }
  await adminJson(a, 'PUT', '/_iamlocal/oidc-providers/jwks', { providerArn: arn, jwks });
  return arn;
}

export interface KindResult {
  dir: string;
  files: string[];
  cluster: ClusterView;
  created: boolean;
  providerArn: string | null;
  issuer: string;
}

/** Does the work; returns what was written. Throws Error with a readable message on failure. */
export async function writeKindFiles(a: KindArgs): Promise<KindResult> {
  const webhook = (await adminJson<{ enabled: boolean; port?: number; caBundle?: string }>(a, 'GET', '/_iamlocal/webhook')).json;
  if (!webhook.enabled || !webhook.caBundle) throw new Error(`iamlocal at ${a.endpoint} does not serve the pod identity webhook: start it with --webhook-port 4600 (env IAMLOCAL_WEBHOOK_PORT)`);
  const { cluster, created } = await ensureCluster(a, !a.existing);
  const q = `?region=${encodeURIComponent(cluster.region)}`;
  const base = `/_iamlocal/clusters/${encodeURIComponent(cluster.name)}`;
  const apiPort = a.apiPort ?? Number(new URL(a.endpoint).port || (new URL(a.endpoint).protocol === 'https:' ? 443 : 80));
  const inCluster = `http://${IAMLOCAL_SERVICE_HOST}:${apiPort}`;
  await adminJson(a, 'PUT', `${base}/webhook${q}`, {
    region: a.regionEnv ?? cluster.region,
    regionalSts: a.regionalSts,
    stsEndpointUrl: inCluster,
    iamEndpointUrl: inCluster,
    ...(a.podIdentityUri ? { containerCredentialsFullUri: a.podIdentityUri } : {}),
  });
  for (const sa of a.serviceAccounts) await adminJson(a, 'PUT', `${base}/service-accounts/${sa.namespace}/${sa.name}${q}`, { roleArn: sa.roleArn });

  const dir = resolve(a.out);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, text: string, mode = 0o644) => {
    await writeFile(join(dir, name), text, { mode });
    files.push(join(dir, name));
  };
  let providerArn = cluster.oidcProviderArn;
  let issuer = cluster.issuer;
  if (a.existing) {
    providerArn = await trustExistingIssuer(a, cluster.accountId);
    issuer = a.issuer;
  } else {
    const key = await signedRequest(a, 'GET', `${base}/sa.key${q}`);
    const pub = await signedRequest(a, 'GET', `${base}/sa.pub${q}`);
    if (key.status !== 200 || pub.status !== 200) throw new Error(`cannot download the cluster's key pair (HTTP ${key.status}/${pub.status})`);
    // kube-apiserver runs as root in the node container; the key stays readable by you only.
    await write('sa.key', key.body, 0o600);
    await write('sa.pub', pub.body);
    const config = kindClusterConfig({ clusterName: cluster.name, issuer: cluster.issuer, keyPath: join(dir, 'sa.key'), pubPath: join(dir, 'sa.pub'), workers: a.workers });
    await write('kind-config.yaml', `# kind cluster config for IRSA against iamlocal (iamlocal kind --cluster ${cluster.name})\n` + toYaml(config));
  }
  const objects = manifestObjects({ clusterId: cluster.id, hostAddress: a.hostAddress, apiPort, webhookPort: a.webhookPort ?? webhook.port!, caBundle: webhook.caBundle, failurePolicy: a.failurePolicy });
  await write('iamlocal.yaml', `# iamlocal pod identity webhook + in-cluster Service for ${cluster.name} (iamlocal kind)\n` + objects.map(toYaml).join('---\n'));
  return { dir, files, cluster, created, providerArn, issuer };
}

export async function runKind(argv: string[], io: { out: { write(s: string): unknown }; err: { write(s: string): unknown } } = { out: process.stdout, err: process.stderr }): Promise<number> {
  let args: KindArgs | 'help';
  try {
    args = parseKindArgs(argv);
  } catch (e) {
    if (e instanceof KindUsageError) {
      io.err.write(`iamlocal kind: ${e.message}\n\n${KIND_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    io.out.write(KIND_USAGE + '\n');
    return 0;
  }
  try {
    const r = await writeKindFiles(args);
    const prefix = r.issuer.slice('https://'.length);
    io.out.write(
      [
        `${r.created ? 'created' : 'reusing'} mock EKS cluster ${r.cluster.name} (${r.cluster.accountId}, ${r.cluster.region}); issuer ${r.issuer}`,
        `IAM OIDC provider: ${r.providerArn ?? '(none)'}`,
        ...r.files.map((f) => `wrote ${f}`),
        '',
        'next:',
        ...(args.existing ? [] : [`  kind create cluster --config ${join(r.dir, 'kind-config.yaml')}`]),
        `  kubectl apply -f ${join(r.dir, 'iamlocal.yaml')}`,
        `  kubectl annotate serviceaccount -n NS NAME eks.amazonaws.com/role-arn=arn:aws:iam::${r.cluster.accountId}:role/ROLE`,
        `  trust policy condition key: ${prefix}:sub = system:serviceaccount:NS:NAME`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (e) {
    io.err.write(`iamlocal kind: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
