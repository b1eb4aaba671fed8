// Owns recording Access Advisor's "last accessed" data: every action an IAM user or role (through any of
// its sessions) is authorized for, with the time and region, as AWS's service last accessed data does
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html). The root user
// and federated users are not IAM entities Access Advisor reports on, so they are not recorded.
import type { Principal } from '../auth/principal';
import type { Store } from '../store/store';
import { isoString } from '../aws/time';

export function recordLastAccess(store: Store, principal: Principal, action: string, region: string, at: Date): void {
  const colon = action.indexOf(':');
  if (colon <= 0) return;
  const service = action.slice(0, colon).toLowerCase();
  let entity: { id: string; type: 'user' | 'role'; arn: string } | null = null;
  if (principal.kind === 'user') entity = { id: principal.user.id, type: 'user', arn: principal.user.arn };
  else if (principal.kind === 'assumed-role' && principal.role) entity = { id: principal.role.id, type: 'role', arn: principal.role.arn };
  if (!entity || !principal.accountId) return;
  store.accessAdvisor.record({
    entityId: entity.id,
    accountId: principal.accountId,
    entityType: entity.type,
    entityArn: entity.arn,
    service,
    action,
    region,
    lastAt: isoString(at),
  });
}
