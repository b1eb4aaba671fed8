// Owns role sessions that an AWS service principal assumes for a workload — EC2 for an instance
// profile's role (IMDS), ECS for a task role — outside any SigV4 request: the role's trust policy is
// evaluated with the full evaluator for `sts:AssumeRole` by the service principal, with the keys that
// service passes, and the session is minted by the same code as every other role session. Keys the
// session carries to later requests (ec2:RoleDelivery, ec2:SourceInstanceARN, …) ride in the session's
// persisted context map, like web identity claims do.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html ;
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
import { ANONYMOUS } from '../../auth/principal';
import { parseRoleArn } from '../../aws/arn';
import { decide } from '../../authz/authorize';
import { withOrgMemo } from '../../authz/org-memo';
import { orgKeys } from '../../authz/request-context';
import type { Config, Logger } from '../../config';
import type { DecisionLog } from '../../observe/decisions';
import type { RequestContext } from '../../policy/types';
import type { Clock, IdSource } from '../../runtime';
import type { Role } from '../../store/repos/roles';
import type { Session } from '../../store/repos/sessions';
import type { Store } from '../../store/store';
import type { Call } from '../types';
import { issueRoleSession } from './issue-session';

/** What the workload endpoints need to mint sessions: the server's own store, clock and ids. */
export interface WorkloadDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  config: Config;
  logger: Logger;
  /** The decision log: each trust-policy evaluation for a service principal is recorded there. */
  decisions?: DecisionLog;
}

/**
 * Instance and task credentials last six hours and are replaced before they expire: AWS makes new ones
 * available "at least five minutes before the expiration of the old credentials"
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html).
 * iamlocal hands out a fresh session once fewer than 20 minutes remain, so no SDK (botocore refreshes
 * 15 minutes ahead) keeps re-reading credentials it considers stale. ⚠ six hours is observed, not documented.
 */
export const WORKLOAD_SESSION_SECONDS = 6 * 3600;
export const WORKLOAD_ROTATE_BEFORE_MS = 20 * 60 * 1000;

export interface ServiceAssumeSpec {
  /** The service principal, e.g. `ec2.amazonaws.com`. */
  service: string;
  roleArn: string;
  sessionName: string;
  region: string;
  /** Keys the service passes to the trust-policy evaluation (aws:SourceAccount, aws:SourceArn, …). */
  trustContext: RequestContext;
  /** Keys the session carries into every later request. */
  sessionKeys: RequestContext;
}

export type ServiceAssumeResult = { ok: true; session: Session; role: Role } | { ok: false; reason: 'no-role' | 'denied'; detail: string };

/** A Call for work done on behalf of a service principal (no HTTP request behind it). */
export function serviceCall(deps: WorkloadDeps, region: string): Call {
  return {
    requestId: deps.ids.requestId(),
    now: deps.clock.now(),
    service: 'sts',
    region,
    principal: ANONYMOUS,
    sourceIp: '',
    userAgent: null,
    secureTransport: true,
    store: deps.store,
    clock: deps.clock,
    ids: deps.ids,
    config: deps.config,
    logger: deps.logger,
  };
}

function roleOf(store: Store, roleArn: string): Role | null {
  const parts = parseRoleArn(roleArn);
  const role = parts ? store.roles.getByName(parts.account, parts.name) : null;
  return role && role.path === parts!.path ? role : null;
}

/**
 * The request context a service principal's AssumeRole carries: the global keys of a call made by an
 * AWS service (aws:PrincipalIsAWSService, aws:PrincipalServiceName; no aws:SourceIp, since the
 * request comes from inside AWS) plus what the service passes.
 */
function serviceContext(store: Store, spec: ServiceAssumeSpec, now: Date): RequestContext {
  // The organization of the account the service acts for, as aws:SourceOrgID / aws:SourceOrgPaths
  // (what confused-deputy RCPs test: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid).
  const source = spec.trustContext['aws:SourceAccount'];
  return {
    ...(typeof source === 'string' ? orgKeys(store, source, 'Source') : {}),
    'aws:CurrentTime': now.toISOString().slice(0, 19) + 'Z',
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': spec.region,
    'aws:PrincipalIsAWSService': 'true',
    'aws:PrincipalServiceName': spec.service,
    'aws:ViaAWSService': 'false',
    'sts:RoleSessionName': spec.sessionName,
    ...spec.trustContext,
  };
}

/** Evaluates the trust policy for the service principal and, when it allows, mints the role session. */
export function assumeRoleAsService(deps: WorkloadDeps, spec: ServiceAssumeSpec): ServiceAssumeResult {
  const call = serviceCall(deps, spec.region);
  return deps.store.transaction(() => {
    const role = roleOf(deps.store, spec.roleArn);
    if (!role) return { ok: false, reason: 'no-role', detail: `role ${spec.roleArn} does not exist` };
    const { request, decision } = withOrgMemo(
      () =>
        decide(deps.store, {
          principal: ANONYMOUS,
          evalPrincipal: { type: 'Service', service: spec.service },
          action: 'sts:AssumeRole',
          resource: role.arn,
          resourceAccount: role.accountId,
          resourcePolicy: { id: `${role.arn}/trust-policy`, name: 'trust policy', document: role.trustPolicy },
          context: serviceContext(deps.store, spec, call.now),
        }),
      deps.store,
    );
    deps.decisions?.record({ requestId: call.requestId, time: call.now, principal: ANONYMOUS, request, decision, outcome: decision.decision === 'allowed' ? 'allowed' : 'denied' });
    if (decision.decision !== 'allowed') {
      return { ok: false, reason: 'denied', detail: `${spec.service} is not authorized to perform sts:AssumeRole on ${role.arn} (${decision.decision})` };
    }
    const session = issueRoleSession(call, {
      role,
      sessionName: spec.sessionName,
      seconds: WORKLOAD_SESSION_SECONDS,
      via: 'AssumeRole',
      chained: false,
      parentAccessKeyId: null,
      sourceIdentity: null,
      sessionPolicy: null,
      sessionPolicyArns: [],
      tags: [],
      transitiveTagKeys: [],
      federationClaims: spec.sessionKeys,
    });
    return { ok: true, session, role };
  });
}

/**
 * Hands out the same session until it nears expiry (or the role changed, or it is gone after a reset),
 * then a new one, as IMDS and the ECS agent do. The cache holds one access key id per workload slot.
 */
export class WorkloadSessionCache {
  private readonly held = new Map<string, string>();

  constructor(private readonly deps: WorkloadDeps) {}

  get(slot: string, spec: ServiceAssumeSpec): ServiceAssumeResult {
    const now = this.deps.clock.now().getTime();
    const keyId = this.held.get(slot);
    if (keyId) {
      const s = this.deps.store.sessions.get(keyId);
      const role = s ? roleOf(this.deps.store, spec.roleArn) : null;
      if (s && role && s.roleId === role.id && Date.parse(s.expiresAt) - now > WORKLOAD_ROTATE_BEFORE_MS) return { ok: true, session: s, role };
      this.held.delete(slot);
    }
    const r = assumeRoleAsService(this.deps, spec);
    if (r.ok) this.held.set(slot, r.session.accessKeyId);
    return r;
  }

  clear(): void {
    this.held.clear();
  }
}
