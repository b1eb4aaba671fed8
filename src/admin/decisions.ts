// Owns the decision log and snapshot endpoints:
//   GET    /_iamlocal/decisions            filters: principal, action, decision, since, until, requestId,
//                                          simulated; paging: limit + nextToken (or after=SEQ)
//   GET    /_iamlocal/decisions/stream     Server-Sent Events, one `decision` event per record
//                                          (same filters; Last-Event-ID / after= replays from the ring)
//   GET    /_iamlocal/decisions/{seq}      one record with policy texts and the request context
//   GET    /_iamlocal/snapshots            list
//   POST   /_iamlocal/snapshots {name}     save the whole state
//   POST   /_iamlocal/snapshots/{name}/restore
//   DELETE /_iamlocal/snapshots/{name}
// All need admin access (admin-access.ts).
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppDeps } from '../app-deps';
import { AwsError, awsErrors } from '../aws/errors';
import { encodeError, toAwsError } from '../http/error-encode';
import { STS_NAMESPACE } from '../http/xml-encode';
import type { DecisionFilter, DecisionRecord } from '../observe/decisions';
import { matchesFilter } from '../observe/decisions';
import { SnapshotError } from '../store/snapshots';
import { requireAdminOrSession, type ConsoleSessions } from './admin-access';
import { monotonicMs } from '../runtime';

const PREFIX = '/_iamlocal';
const HEARTBEAT_MS = 15_000;

export function adminJsonError(c: Context, deps: AppDeps, e: unknown): Response {
  let err: AwsError;
  if (e instanceof SnapshotError) err = e.kind === 'not-found' ? awsErrors.noSuchEntity(e.message) : awsErrors.validation(e.message);
  else err = toAwsError(e);
  if (!(e instanceof AwsError) && !(e instanceof SnapshotError)) deps.logger.error('admin error', { error: e instanceof Error ? e.stack : String(e) });
  const requestId = deps.ids.requestId();
  const { status } = encodeError(err, requestId, STS_NAMESPACE);
  return c.json({ error: { code: err.code, message: err.message }, requestId }, status as 400);
}

const DECISION_VALUES = new Set(['allowed', 'denied', 'would-deny', 'explicitDeny', 'implicitDeny']);

/** Reads the filter query parameters; unknown values are refused rather than ignored. */
export function filterFromQuery(q: URLSearchParams): DecisionFilter {
  const f: DecisionFilter = {};
  const text = (k: string) => {
    const v = q.get(k);
    return v === null || v === '' ? undefined : v;
  };
  f.principal = text('principal');
  f.action = text('action');
  const d = text('decision');
  if (d !== undefined) {
    if (!DECISION_VALUES.has(d)) throw awsErrors.validation(`decision must be one of ${[...DECISION_VALUES].join(', ')}`);
    f.decision = d as DecisionFilter['decision'];
  }
  for (const k of ['since', 'until'] as const) {
    const v = text(k);
    if (v !== undefined) {
      if (Number.isNaN(Date.parse(v))) throw awsErrors.validation(`${k} must be an ISO-8601 time`);
      f[k] = v;
    }
  }
  f.requestId = text('requestId');
  const sim = text('simulated');
  if (sim !== undefined) f.simulated = sim === 'true' || sim === '1';
  const after = text('nextToken') ?? text('after');
  if (after !== undefined) {
    if (!/^\d{1,15}$/.test(after)) throw awsErrors.validation('nextToken must be a token from a previous page');
    f.after = Number(after);
  }
  const limit = text('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw awsErrors.validation('limit must be a whole number from 1 to 1000');
    f.limit = n;
  }
  for (const k of Object.keys(f) as (keyof DecisionFilter)[]) if (f[k] === undefined) delete f[k];
  return f;
}

export function mountDecisionAdmin(app: Hono, deps: AppDeps, sessions: ConsoleSessions): void {
  app.get(`${PREFIX}/decisions`, async (c) => {
    try {
      await requireAdminOrSession(c, deps, sessions, 'ReadDecisions');
      return c.json(deps.decisions.query(filterFromQuery(new URL(c.req.url).searchParams)));
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  app.get(`${PREFIX}/decisions/stream`, async (c) => {
    let filter: DecisionFilter;
    try {
      await requireAdminOrSession(c, deps, sessions, 'ReadDecisions');
      filter = filterFromQuery(new URL(c.req.url).searchParams);
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
    const lastId = c.req.header('last-event-id');
    const after = lastId && /^\d{1,15}$/.test(lastId) ? Number(lastId) : filter.after;
    return streamSSE(c, async (stream) => {
      const queue: DecisionRecord[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.decisions.subscribe((r) => {
        if (!matchesFilter(r, filter)) return;
        queue.push(r);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
        wake?.();
      });
      try {
        // Replay what the log holds after the cursor, then follow (records seen twice are sent once).
        let sent = 0;
        if (after !== undefined) {
          sent = after;
          for (;;) {
            const page = deps.decisions.query({ ...filter, after: sent, limit: 1000 });
            for (const r of page.decisions) {
              if (r.seq <= sent) continue;
              sent = r.seq;
              await stream.writeSSE({ id: String(r.seq), event: 'decision', data: JSON.stringify(r) });
            }
            if (!page.nextToken) break;
          }
        }
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ lastSeq: deps.decisions.lastSeq, enforce: deps.config.enforce }) });
        while (!closed) {
          while (queue.length > 0) {
            const r = queue.shift()!;
            if (r.seq <= sent) continue;
            sent = r.seq;
            await stream.writeSSE({ id: String(r.seq), event: 'decision', data: JSON.stringify(r) });
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            const t = setTimeout(resolve, HEARTBEAT_MS);
            t.unref?.();
          });
          wake = null;
          if (!closed && queue.length === 0) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });

  app.get(`${PREFIX}/decisions/:seq{[0-9]+}`, async (c) => {
    try {
      await requireAdminOrSession(c, deps, sessions, 'ReadDecisions');
      const r = deps.decisions.detail(Number(c.req.param('seq')));
      if (!r) throw awsErrors.noSuchEntity(`Decision ${c.req.param('seq')} is not in the log.`);
      return c.json(r);
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  const snapshots = () => {
    if (!deps.snapshots) throw awsErrors.serviceFailure('snapshots are not available');
    return deps.snapshots;
  };

  app.get(`${PREFIX}/snapshots`, async (c) => {
    try {
      await requireAdminOrSession(c, deps, sessions, 'ManageSnapshots');
      return c.json({ snapshots: snapshots().list() });
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  app.post(`${PREFIX}/snapshots`, async (c) => {
    try {
      const { body } = await requireAdminOrSession(c, deps, sessions, 'ManageSnapshots');
      let req: { name?: unknown };
      try {
        req = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw awsErrors.validation('Body must be JSON: {"name": "NAME"}');
      }
      if (typeof req !== 'object' || req === null || typeof req.name !== 'string') throw awsErrors.validation('Body must be JSON: {"name": "NAME"}');
      const started = monotonicMs();
      const snapshot = snapshots().save(req.name);
      deps.logger.info('snapshot saved', { name: snapshot.name, bytes: snapshot.bytes });
      return c.json({ snapshot, ms: Math.round((monotonicMs() - started) * 100) / 100 });
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  app.post(`${PREFIX}/snapshots/:name/restore`, async (c) => {
    try {
      await requireAdminOrSession(c, deps, sessions, 'ManageSnapshots');
      const name = c.req.param('name');
      const started = monotonicMs();
      await snapshots().restore(name);
      deps.logger.info('snapshot restored', { name });
      return c.json({ restored: name, ms: Math.round((monotonicMs() - started) * 100) / 100 });
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  app.delete(`${PREFIX}/snapshots/:name`, async (c) => {
    try {
      await requireAdminOrSession(c, deps, sessions, 'ManageSnapshots');
      const name = c.req.param('name');
      if (!snapshots().delete(name)) throw awsErrors.noSuchEntity(`Snapshot ${name} does not exist.`);
      return c.json({ deleted: name });
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });
}
