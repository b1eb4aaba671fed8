// Owns the Principal: who is calling, after authentication — root, IAM user, role session,
// federated user or anonymous — with the stored records the authorizer needs.
import type { Role } from '../store/repos/roles';
import type { Session } from '../store/repos/sessions';
import type { User } from '../store/repos/users';

interface Base {
  accountId: string;
  /** The caller's ARN as GetCallerIdentity reports it (session ARN for role sessions). */
  arn: string;
  /** aws:userid / GetCallerIdentity UserId. */
  userId: string;
  /** The access key the request was signed with. */
  accessKeyId: string;
  /** Present when the request used temporary credentials (ASIA…). */
  session: Session | null;
}

export interface RootPrincipal extends Base {
  kind: 'root';
}

export interface UserPrincipal extends Base {
  kind: 'user';
  user: User;
}

export interface RoleSessionPrincipal extends Base {
  kind: 'assumed-role';
  session: Session;
  roleArn: string;
  roleId: string;
  roleName: string;
  sessionName: string;
  /** The role as it is now; null if it was deleted after the session was issued (AWS keeps the session, without permissions). */
  role: Role | null;
}

export interface FederatedUserPrincipal extends Base {
  kind: 'federated-user';
  session: Session;
  /** The IAM user that called GetFederationToken (null when root did). */
  user: User | null;
}

export interface AnonymousPrincipal {
  kind: 'anonymous';
  accountId: null;
  arn: null;
  userId: 'anonymous';
  accessKeyId: null;
  session: null;
}

export type Principal = RootPrincipal | UserPrincipal | RoleSessionPrincipal | FederatedUserPrincipal | AnonymousPrincipal;
export type SignedPrincipal = Exclude<Principal, AnonymousPrincipal>;

export const ANONYMOUS: AnonymousPrincipal = {
  kind: 'anonymous',
  accountId: null,
  arn: null,
  userId: 'anonymous',
  accessKeyId: null,
  session: null,
};
