// Owns turning a verified credential into the Principal: root, IAM user, role session or federated user.
// ARNs and ids as GetCallerIdentity reports them (aws-protocol §5.5).
import { arns } from '../aws/arn';
import { awsErrors } from '../aws/errors';
import type { Store } from '../store/store';
import type { Credential } from './authenticate';
import type { SignedPrincipal } from './principal';

export function resolvePrincipal(store: Store, credential: Credential): SignedPrincipal {
  if (credential.kind === 'access-key') {
    const { key } = credential;
    if (key.isRoot) {
      return { kind: 'root', accountId: key.accountId, arn: arns.root(key.accountId), userId: key.accountId, accessKeyId: key.id, session: null };
    }
    const user = key.userId ? store.users.getById(key.userId) : null;
    // A key whose user is gone cannot exist (ON DELETE CASCADE); fail closed if it somehow does.
    if (!user) throw awsErrors.invalidClientTokenId();
    return { kind: 'user', accountId: user.accountId, arn: user.arn, userId: user.id, accessKeyId: key.id, session: null, user };
  }

  const { session } = credential;
  switch (session.kind) {
    case 'assumed-role':
      return {
        kind: 'assumed-role',
        accountId: session.accountId,
        arn: session.principalArn,
        userId: session.principalId,
        accessKeyId: session.accessKeyId,
        session,
        roleArn: session.roleArn!,
        roleId: session.roleId!,
        roleName: session.roleName!,
        sessionName: session.sessionName!,
        role: session.roleId ? store.roles.getById(session.roleId) : null,
      };
    case 'federated-user':
      return {
        kind: 'federated-user',
        accountId: session.accountId,
        arn: session.principalArn,
        userId: session.principalId,
        accessKeyId: session.accessKeyId,
        session,
        user: session.userId ? store.users.getById(session.userId) : null,
      };
    case 'session-token':
    case 'root': {
      // GetSessionToken credentials act as the user (or root) that requested them.
      if (session.userId) {
        const user = store.users.getById(session.userId);
        if (!user) throw awsErrors.invalidClientTokenId();
        return { kind: 'user', accountId: user.accountId, arn: user.arn, userId: user.id, accessKeyId: session.accessKeyId, session, user };
      }
      return {
        kind: 'root',
        accountId: session.accountId,
        arn: arns.root(session.accountId),
        userId: session.accountId,
        accessKeyId: session.accessKeyId,
        session,
      };
    }
  }
}
