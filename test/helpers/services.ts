// Owns the fixtures for calling handlers directly: an in-memory store with the defaults, a frozen
// clock, seeded ids, Calls for root, users and role sessions, and running an operation authorized.
import { arns } from '../../src/aws/arn';
import type { Principal, RoleSessionPrincipal, UserPrincipal } from '../../src/auth/principal';
import { authorize } from '../../src/authz/authorize';
import { buildRequestContext } from '../../src/authz/request-context';
import { defaults, silentLogger } from '../../src/config';
import { fixedClock, seededIds, type AdjustableClock } from '../../src/runtime';
import type { Call, Operation, Params, ServiceName } from '../../src/services/types';
import { bootstrapDefaults } from '../../src/store/bootstrap';
import type { Session } from '../../src/store/repos/sessions';
import { applySeedDocuments, loadSeedSources } from '../../src/store/seed-load';
import { Store } from '../../src/store/store';

export const T0 = '2026-11-29T12:00:00Z';

export interface Harness {
  store: Store;
  clock: AdjustableClock;
  ids: ReturnType<typeof seededIds>;
  call(principal: Principal, service?: ServiceName): Call;
  root(): Principal;
  user(name: string, account?: string): UserPrincipal;
  session(s: Session): RoleSessionPrincipal;
  /** Decodes params and runs the handler (no authorization), like the pipeline after authorize. */
  run<Op extends Operation<any, any>>(op: Op, params: Params, principal: Principal): ReturnType<Op['handler']>;
  /** run() for an operation with an async `prepare` step (its result becomes call.prepared, as in the pipeline). */
  runPrepared<Op extends Operation<any, any>>(op: Op, params: Params, principal: Principal): Promise<ReturnType<Op['handler']>>;
}

export async function harness(seed?: Record<string, unknown>): Promise<Harness> {
  const store = new Store();
  const clock = fixedClock(T0);
  const ids = seededIds(11);
  bootstrapDefaults(store, defaults, clock.now());
  if (seed) await applySeedDocuments(store, await loadSeedSources([seed]), { ids, now: clock.now(), config: defaults });
  /** Guard, then the handler (in a transaction when the operation writes). */
  const handle = (op: Operation<any, any>, input: unknown, call: Call) => {
    op.guard?.(input, call);
    return op.mutating ? store.transaction(() => op.handler(input, call)) : op.handler(input, call);
  };
  const h: Harness = {
    store,
    clock,
    ids,
    call: (principal, service = 'iam') => ({
      requestId: ids.requestId(),
      now: clock.now(),
      service,
      region: 'us-east-1',
      principal,
      sourceIp: '127.0.0.1',
      userAgent: null,
      secureTransport: false,
      store,
      clock,
      ids,
      config: defaults,
      logger: silentLogger,
    }),
    root: () => ({ kind: 'root', accountId: '000000000000', arn: arns.root('000000000000'), userId: '000000000000', accessKeyId: 'AKIAIAMLOCALROOTUSER', session: null }),
    user(name, account = '000000000000') {
      const user = store.users.getByName(account, name)!;
      return { kind: 'user', accountId: account, arn: user.arn, userId: user.id, accessKeyId: 'AKIAFAKE', session: null, user };
    },
    session(s) {
      return {
        kind: 'assumed-role', accountId: s.accountId, arn: s.principalArn, userId: s.principalId, accessKeyId: s.accessKeyId, session: s,
        roleArn: s.roleArn!, roleId: s.roleId!, roleName: s.roleName!, sessionName: s.sessionName!, role: store.roles.getById(s.roleId!),
      };
    },
    run(op, params, principal) {
      const call = h.call(principal, op.service);
      return handle(op, op.input(params, call), call);
    },
    async runPrepared(op, params, principal) {
      const call = h.call(principal, op.service);
      const input = op.input(params, call);
      if (op.prepare) call.prepared = await op.prepare(input, call);
      return handle(op, input, call);
    },
  };
  return h;
}

/** An AwsError as {code, message, status}. */
function errorShape(e: unknown): { code: string; message: string; status: number } {
  const err = e as { code?: string; message: string; status?: number };
  return { code: err.code ?? 'none', message: err.message, status: err.status ?? 0 };
}

/** The AwsError an async function rejects with, as {code, message, status}. */
export async function rejected(fn: () => Promise<unknown>): Promise<{ code: string; message: string; status: number }> {
  try {
    await fn();
  } catch (e) {
    return errorShape(e);
  }
  throw new Error('expected an error');
}

/** The AwsError a function throws, as {code, message, status}. */
export function thrown(fn: () => unknown): { code: string; message: string; status: number } {
  try {
    fn();
  } catch (e) {
    return errorShape(e);
  }
  throw new Error('expected an error');
}

/** Runs an operation the way the pipeline does: decode, authorize with its action/resource/keys, handle. */
export function authorized<O>(h: Harness, op: Operation<any, O>, params: Params, principal: Principal): O {
  const call = h.call(principal, op.service);
  const input = op.input(params, call);
  const base = buildRequestContext(h.store, principal, { now: call.now, region: call.region, sourceIp: call.sourceIp, secureTransport: false, userAgent: null });
  authorize(h.store, {
    principal,
    action: op.action,
    resource: op.resource(input, call),
    resourceAccount: op.resourceAccount?.(input, call),
    resourcePolicy: op.resourcePolicy?.(input, call) ?? null,
    context: { ...base, ...(op.conditionKeys?.(input, call) ?? {}) },
    resourceLabel: op.resourceLabel?.(input, call),
  });
  return op.mutating ? h.store.transaction(() => op.handler(input, call)) : op.handler(input, call);
}
