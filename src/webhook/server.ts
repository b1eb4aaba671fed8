// Owns serving the pod identity webhook: HTTPS on its own port (config --webhook-port) with iamlocal's CA
// and serving certificate (src/webhook/tls.ts), one path per mock cluster, POST /clusters/{ID}/mutate
// (ID = the cluster's 32-hex OIDC id), plus GET /healthz. Every answer to a POST is an AdmissionReview
// (src/webhook/admission.ts) except a wrong Content-Type (415, as upstream) or an oversized body (413): the
// API server then applies the webhook's failurePolicy (Ignore in iamlocal's manifest).
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../config';
import { readBody } from '../http/read-body';
import type { Clock, IdSource } from '../runtime';
import type { Store } from '../store/store';
import { answerAdmissionReview } from './admission';
import { storedPodIdentityAssociations, webhookFlagsFor, type PodIdentityAssociations } from './identities';

/** Pods are at most a few hundred KiB; etcd refuses objects over 1.5 MiB. */
const MAX_REVIEW_BYTES = 3 * 1024 * 1024;

export interface WebhookServerOptions {
  store: Store;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  host: string;
  port: number;
  tls: { cert: string; key: string };
  podIdentityAssociations?: PodIdentityAssociations;
}

export interface RunningWebhook {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export function webhookApp(opts: Omit<WebhookServerOptions, 'host' | 'port' | 'tls'>): Hono {
  const { store, logger } = opts;
  const associations = opts.podIdentityAssociations ?? storedPodIdentityAssociations(store);
  const app = new Hono();
  app.get('/healthz', (c) => c.text('ok'));
  app.post('/clusters/:id/mutate', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return c.text('Invalid Content-Type, expected `application/json`\n', 415);
    // Bounded: at most MAX_REVIEW_BYTES are held, whatever the client sends.
    const node = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    let buf: Buffer;
    try {
      buf = await readBody(c, MAX_REVIEW_BYTES);
    } catch {
      return c.text('AdmissionReview too large or incomplete\n', 413);
    }
    if (buf.length > MAX_REVIEW_BYTES) return c.text('AdmissionReview too large\n', 413);
    const cluster = store.eksClusters.getById(c.req.param('id'));
    const answer = answerAdmissionReview(buf.toString('utf8'), {
      flags: cluster ? webhookFlagsFor(store, cluster) : null,
      identities: (namespace, serviceAccount) => ({
        serviceAccount: cluster ? (store.webhook.serviceAccount(cluster.id, namespace, serviceAccount)?.annotations ?? null) : null,
        podIdentity: cluster ? associations.find(cluster, namespace, serviceAccount) : null,
      }),
      recordServiceAccount: (namespace, name, annotations) => {
        if (!cluster) return;
        store.transaction(() => {
          if (annotations) store.webhook.putServiceAccount({ clusterId: cluster.id, namespace, name, annotations, source: 'admission', updatedAt: opts.clock.now().toISOString() });
          else store.webhook.deleteServiceAccount(cluster.id, namespace, name);
        });
      },
      randomInt: (n) => opts.ids.bytes(4).readUInt32BE(0) % n,
      log: (msg, fields) => logger.info(msg, { cluster: cluster?.name ?? null, ...fields }),
    });
    return c.json(answer);
  });
  return app;
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<RunningWebhook> {
  const app = webhookApp(opts);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host, createServer, serverOptions: { cert: opts.tls.cert, key: opts.tls.key } }, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  const host = addr.address === '0.0.0.0' || addr.address === '::' ? '127.0.0.1' : addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    port: addr.port,
    url: `https://${host}:${addr.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}
