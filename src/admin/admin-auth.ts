// Owns authentication of the admin endpoints: a SigV4 signature made with an account root user's
// long-term key (any service name in the scope). Everything else is refused with AWS-style errors.
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { lookupCredential, signingReferenceTime } from '../auth/authenticate';
import { parseSigV4, verifySigV4 } from '../auth/sigv4';
import { AwsError, awsError, awsErrors } from '../aws/errors';
import { requestPartsFromFetch, requestPartsFromNode } from '../http/request-parts';
import type { Store } from '../store/store';

const ADMIN_MAX_BODY_BYTES = 1024 * 1024;

/** Verifies the request is signed by a root key; returns the root's account id. Throws AwsError otherwise. */
export async function requireRoot(c: Context, store: Store, now: Date): Promise<{ accountId: string; body: Buffer }> {
  // Admin bodies are tiny JSON documents; refuse big ones before reading them.
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > ADMIN_MAX_BODY_BYTES) throw awsError('RequestEntityTooLarge', `Request body must not exceed ${ADMIN_MAX_BODY_BYTES} bytes`);
  const body = Buffer.from(await c.req.arrayBuffer());
  if (body.length > ADMIN_MAX_BODY_BYTES) throw awsError('RequestEntityTooLarge', `Request body must not exceed ${ADMIN_MAX_BODY_BYTES} bytes`);
  const node = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const parts = node ? requestPartsFromNode(node, body) : requestPartsFromFetch(c.req.raw, body);
  const auth = parseSigV4(parts);
  if (!auth) throw awsErrors.missingAuthenticationToken();
  const { credential, secret } = lookupCredential(store, auth, now);
  // Signed with the client's real clock even after the test clock moved (see signingReferenceTime).
  verifySigV4(parts, auth, secret, signingReferenceTime(auth, now, new Date()), auth.service);
  if (credential.kind !== 'access-key' || !credential.key.isRoot) {
    throw awsErrors.accessDenied('Only the account root user may call the iamlocal admin endpoints.');
  }
  return { accountId: credential.key.accountId, body };
}
