// Owns the workload-credential listeners the server starts besides its AWS endpoint: the shared IMDS
// port (`--imds-port`), one IMDS listener per instance that asks for its own (`imdsPort` of an
// instance), and the ECS credentials port (`--ecs-port`). They are plain HTTP, like 169.254.169.254
// and 169.254.170.2. Which instance answers on the shared port: the one whose id prefixes the path
// (`/i-0abc…/latest/meta-data/…`), else the only instance there is (README "Instance and task credentials").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ec2Instance } from '../store/repos/ec2-instances';
import { WorkloadSessionCache, type WorkloadDeps } from '../services/sts/service-role-session';
import { EcsCredentialsEndpoint } from './ecs';
import { Imds, type ImdsRequest, type ImdsResponse } from './imds';

export interface WorkloadEndpoints {
  /** The shared IMDS base URL, or null when --imds-port is off. */
  readonly imdsUrl: string | null;
  /** The ECS credentials base URL, or null when --ecs-port is off. */
  readonly ecsUrl: string | null;
  /** The dedicated IMDS base URL of an instance that has one. */
  instanceImdsUrl(instanceId: string): string | null;
  /** Opens/closes the per-instance listeners to match the stored instances. */
  sync(): Promise<void>;
  /** Forgets held sessions (after a reset the store no longer has them anyway). */
  clear(): void;
  close(): Promise<void>;
}

export interface WorkloadListenOptions {
  host: string;
  imdsPort: number | null;
  ecsPort: number | null;
}

const INSTANCE_PREFIX = /^\/(i-[0-9a-f]{8,17})(\/.*)?$/;

function toRequest(req: IncomingMessage): ImdsRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: req.method ?? 'GET', path: q < 0 ? url : url.slice(0, q), headers };
}

function listen(host: string, port: number, handler: (req: ImdsRequest) => ImdsResponse, deps: WorkloadDeps): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Nothing here reads a request body: drain it without buffering.
    req.resume();
    let out: ImdsResponse;
    try {
      out = handler(toRequest(req));
    } catch (e) {
      deps.logger.error('workload endpoint error', { error: e instanceof Error ? e.stack : String(e) });
      out = { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error' };
    }
    res.writeHead(out.status, { ...out.headers, 'content-length': Buffer.byteLength(out.body) });
    res.end(out.body);
    deps.logger.debug('workload request', { port: (server.address() as AddressInfo | null)?.port ?? null, method: req.method, path: (req.url ?? '/').split('?')[0], status: out.status });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function urlOf(server: Server): string {
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${a.port}`;
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.close(() => resolve());
    s.closeIdleConnections?.();
  });
}

export async function startWorkloadListeners(deps: WorkloadDeps, opts: WorkloadListenOptions): Promise<WorkloadEndpoints> {
  const cache = new WorkloadSessionCache(deps);
  const imds = new Imds(deps, cache);
  const ecs = new EcsCredentialsEndpoint(deps, cache);
  const { store } = deps;

  const shared = (req: ImdsRequest): ImdsResponse => {
    const m = INSTANCE_PREFIX.exec(req.path);
    let instance: Ec2Instance | null;
    let path = req.path;
    if (m) {
      instance = store.ec2Instances.get(m[1]!);
      path = m[2] ?? '/';
    } else {
      const all = store.ec2Instances.list();
      instance = all.length === 1 ? all[0]! : null;
    }
    return imds.handle({ ...req, path }, instance);
  };

  const open: Server[] = [];
  const perInstance = new Map<string, { server: Server; requested: number }>();
  try {
    const imdsServer = opts.imdsPort === null ? null : await listen(opts.host, opts.imdsPort, shared, deps);
    if (imdsServer) open.push(imdsServer);
    const ecsServer = opts.ecsPort === null ? null : await listen(opts.host, opts.ecsPort, (r) => ecs.handle(r), deps);
    if (ecsServer) open.push(ecsServer);

    const endpoints: WorkloadEndpoints = {
      imdsUrl: imdsServer ? urlOf(imdsServer) : null,
      ecsUrl: ecsServer ? urlOf(ecsServer) : null,
      instanceImdsUrl: (id) => {
        const e = perInstance.get(id);
        return e ? urlOf(e.server) : null;
      },
      async sync() {
        const wanted = new Map(store.ec2Instances.list().filter((i) => i.imdsPort !== null).map((i) => [i.instanceId, i.imdsPort!]));
        for (const [id, e] of [...perInstance]) {
          if (wanted.get(id) !== e.requested) {
            perInstance.delete(id);
            await closeServer(e.server);
          }
        }
        for (const [id, port] of wanted) {
          if (perInstance.has(id)) continue;
          const server = await listen(opts.host, port, (r) => imds.handle(r, store.ec2Instances.get(id)), deps);
          perInstance.set(id, { server, requested: port });
        }
      },
      clear: () => cache.clear(),
      async close() {
        await Promise.all([...open, ...[...perInstance.values()].map((e) => e.server)].map(closeServer));
        perInstance.clear();
      },
    };
    await endpoints.sync();
    return endpoints;
  } catch (e) {
    await Promise.all([...open, ...[...perInstance.values()].map((x) => x.server)].map(closeServer));
    throw e;
  }
}
