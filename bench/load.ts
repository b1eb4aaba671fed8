// Owns the closed-loop HTTP load generator: N workers on one keep-alive agent, each sending the next
// request as soon as the previous answer is read, for a bounded count and duration; latency percentiles,
// and the median every tool of bench/ reports its rounds by.
import { Agent, request } from 'node:http';

export interface LoadRequest {
  method: string;
  /** Path and query, e.g. "/". */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadOptions {
  /** Target origin, e.g. "http://127.0.0.1:4599". Loopback only (the harness refuses anything else). */
  origin: string;
  concurrency: number;
  /** Stop after this many measured requests… */
  maxRequests: number;
  /** …or after this long, whichever comes first. */
  durationMs: number;
  /** Unmeasured requests sent first (connection set-up, JIT). */
  warmupRequests?: number;
  /** Builds the next request of worker `w` (0…concurrency-1); called once per request. */
  makeRequest: (worker: number) => LoadRequest;
  /** The status a correct answer has (default: any 2xx). */
  expectStatus?: number;
  /** An answer with the expected status whose body fails this check counts as an error. */
  checkBody?: (body: string) => boolean;
  /** Called about every 100 ms while the measured phase runs (e.g. to sample server RSS). */
  onTick?: () => void;
}

export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  durationMs: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** HTTP status → count; "ERR" for transport failures. */
  statuses: Record<string, number>;
  /** First few error descriptions, for diagnosis. */
  sampleErrors: string[];
}

/** Percentile by nearest rank over a sorted array (ms). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * The median of unsorted samples: the upper of the two middle values for an even count (every figure in
 * bench/README.md is reported this way); undefined for no samples.
 */
export function median(xs: readonly number[]): number | undefined {
  return xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : undefined;
}

export function assertLoopback(origin: string): URL {
  const u = new URL(origin);
  const h = u.hostname;
  if (!(h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || h === '::1')) {
    throw new Error(`bench: refusing non-loopback target ${origin}`);
  }
  if (u.protocol !== 'http:') throw new Error(`bench: only http: targets are supported, got ${u.protocol}`);
  return u;
}

interface Outcome {
  ok: boolean;
  status: string;
  detail?: string;
}

function once(agent: Agent, url: URL, req: LoadRequest, checkBody?: (b: string) => boolean, expectStatus?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const r = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'content-length': String(req.body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = String(res.statusCode ?? 0);
          const body = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          const statusOk = expectStatus !== undefined ? code === expectStatus : code >= 200 && code < 300;
          const ok = statusOk && (!checkBody || checkBody(body));
          resolve(ok ? { ok, status } : { ok, status, detail: `${status} ${body.slice(0, 300)}` });
        });
        res.on('error', (e) => resolve({ ok: false, status: 'ERR', detail: String(e) }));
      },
    );
    r.on('error', (e) => resolve({ ok: false, status: 'ERR', detail: String(e) }));
    r.end(req.body);
  });
}

/** Run one load point. Never runs longer than durationMs (+ in-flight requests) after warm-up. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const url = assertLoopback(opts.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  try {
    // Warm-up: spread across the workers so every socket gets opened.
    const warm = opts.warmupRequests ?? 0;
    if (warm > 0) {
      let left = warm;
      await Promise.all(
        Array.from({ length: Math.min(opts.concurrency, warm) }, async (_, w) => {
          while (left-- > 0) await once(agent, url, opts.makeRequest(w), opts.checkBody, opts.expectStatus);
        }),
      );
    }

    const latencies = new Float64Array(opts.maxRequests);
    let issued = 0;
    let done = 0;
    let errors = 0;
    const statuses: Record<string, number> = {};
    const sampleErrors: string[] = [];
    const start = performance.now();
    const deadline = start + opts.durationMs;
    const tick = opts.onTick ? setInterval(opts.onTick, 100) : undefined;
    opts.onTick?.();

    const worker = async (w: number) => {
      while (issued < opts.maxRequests && performance.now() < deadline) {
        issued++;
        const req = opts.makeRequest(w);
        const t0 = performance.now();
        const out = await once(agent, url, req, opts.checkBody, opts.expectStatus);
        latencies[done++] = performance.now() - t0;
        statuses[out.status] = (statuses[out.status] ?? 0) + 1;
        if (!out.ok) {
          errors++;
          if (sampleErrors.length < 5 && out.detail) sampleErrors.push(out.detail);
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
    const durationMs = performance.now() - start;
    if (tick) clearInterval(tick);
    opts.onTick?.();

    const sorted = latencies.subarray(0, done).sort();
    return {
      concurrency: opts.concurrency,
      requests: done,
      errors,
      durationMs,
      rps: done / (durationMs / 1000),
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p99Ms: percentile(sorted, 99),
      maxMs: done ? sorted[done - 1] : 0,
      statuses,
      sampleErrors,
    };
  } finally {
    agent.destroy();
  }
}
