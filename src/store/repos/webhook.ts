// Owns the pod identity webhook's state (migration 007; kept across reset): per-cluster settings, the
// service-account annotations the webhook knows, and its TLS material.
import type { Db } from '../db';

export interface WebhookServiceAccount {
  clusterId: string;
  namespace: string;
  name: string;
  /** The service account's eks.amazonaws.com/* annotations, as in its metadata. */
  annotations: Record<string, string>;
  /** 'admission': learnt from a ServiceAccount AdmissionReview; 'admin': set through the admin API; 'seed': a seed file. */
  source: 'admission' | 'admin' | 'seed';
  updatedAt: string;
}

export interface WebhookTlsRecord {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  sans: string[];
  createdAt: string;
}

interface SaRow {
  cluster_id: string;
  namespace: string;
  name: string;
  annotations: string;
  source: 'admission' | 'admin' | 'seed';
  updated_at: string;
}

const toSa = (r: SaRow): WebhookServiceAccount => ({
  clusterId: r.cluster_id,
  namespace: r.namespace,
  name: r.name,
  annotations: JSON.parse(r.annotations) as Record<string, string>,
  source: r.source,
  updatedAt: r.updated_at,
});

export class WebhookRepo {
  constructor(private readonly db: Db) {}

  settings<T>(clusterId: string): T | null {
    const r = this.db.get<{ settings: string }>('SELECT settings FROM webhook_clusters WHERE cluster_id = ?', clusterId);
    return r ? (JSON.parse(r.settings) as T) : null;
  }

  putSettings(clusterId: string, settings: unknown, at: string): void {
    this.db.run(
      `INSERT INTO webhook_clusters (cluster_id, settings, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (cluster_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
      clusterId, JSON.stringify(settings), at,
    );
  }

  serviceAccount(clusterId: string, namespace: string, name: string): WebhookServiceAccount | null {
    const r = this.db.get<SaRow>('SELECT * FROM webhook_service_accounts WHERE cluster_id = ? AND namespace = ? AND name = ?', clusterId, namespace, name);
    return r ? toSa(r) : null;
  }

  serviceAccounts(clusterId: string): WebhookServiceAccount[] {
    return this.db.all<SaRow>('SELECT * FROM webhook_service_accounts WHERE cluster_id = ? ORDER BY namespace, name', clusterId).map(toSa);
  }

  putServiceAccount(sa: WebhookServiceAccount): void {
    this.db.run(
      `INSERT INTO webhook_service_accounts (cluster_id, namespace, name, annotations, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET annotations = excluded.annotations, source = excluded.source, updated_at = excluded.updated_at`,
      sa.clusterId, sa.namespace, sa.name, JSON.stringify(sa.annotations), sa.source, sa.updatedAt,
    );
  }

  deleteServiceAccount(clusterId: string, namespace: string, name: string): boolean {
    return this.db.run('DELETE FROM webhook_service_accounts WHERE cluster_id = ? AND namespace = ? AND name = ?', clusterId, namespace, name).changes > 0;
  }

  /** Forgets everything of a cluster (DELETE /_iamlocal/clusters/NAME). */
  forgetCluster(clusterId: string): void {
    this.db.run('DELETE FROM webhook_service_accounts WHERE cluster_id = ?', clusterId);
    this.db.run('DELETE FROM webhook_clusters WHERE cluster_id = ?', clusterId);
  }

  tls(): WebhookTlsRecord | null {
    const r = this.db.get<{ ca_cert: string; ca_key: string; serving_cert: string; serving_key: string; sans: string; created_at: string }>('SELECT * FROM webhook_tls WHERE id = 1');
    return r ? { caCert: r.ca_cert, caKey: r.ca_key, servingCert: r.serving_cert, servingKey: r.serving_key, sans: JSON.parse(r.sans) as string[], createdAt: r.created_at } : null;
  }

  putTls(t: WebhookTlsRecord): void {
    this.db.run(
      `INSERT INTO webhook_tls (id, ca_cert, ca_key, serving_cert, serving_key, sans, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET ca_cert = excluded.ca_cert, ca_key = excluded.ca_key, serving_cert = excluded.serving_cert,
         serving_key = excluded.serving_key, sans = excluded.sans, created_at = excluded.created_at`,
      t.caCert, t.caKey, t.servingCert, t.servingKey, JSON.stringify(t.sans), t.createdAt,
    );
  }
}
