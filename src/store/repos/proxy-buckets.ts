// Owns the authorizing S3 proxy's bucket records (migration 017; kept across reset): bucket owner and,
// for upstreams without bucket policies, the policy the proxy keeps. One row per (upstream, bucket).
import type { Db } from '../db';

export interface ProxyBucketRecord {
  owner: string | null;
  localPolicy: string | null;
}

export class ProxyBucketsRepo {
  constructor(private readonly db: Db) {}

  get(upstream: string, bucket: string): ProxyBucketRecord | null {
    const r = this.db.get<{ owner: string | null; local_policy: string | null }>('SELECT owner, local_policy FROM proxy_buckets WHERE upstream = ? AND bucket = ?', upstream, bucket);
    return r ? { owner: r.owner, localPolicy: r.local_policy } : null;
  }

  setOwner(upstream: string, bucket: string, owner: string, at: string): void {
    this.db.run(
      `INSERT INTO proxy_buckets (upstream, bucket, owner, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (upstream, bucket) DO UPDATE SET owner = excluded.owner, updated_at = excluded.updated_at`,
      upstream, bucket, owner, at,
    );
  }

  setLocalPolicy(upstream: string, bucket: string, policy: string | null, at: string): void {
    this.db.run(
      `INSERT INTO proxy_buckets (upstream, bucket, local_policy, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (upstream, bucket) DO UPDATE SET local_policy = excluded.local_policy, updated_at = excluded.updated_at`,
      upstream, bucket, policy, at,
    );
  }

  forget(upstream: string, bucket: string): void {
    this.db.run('DELETE FROM proxy_buckets WHERE upstream = ? AND bucket = ?', upstream, bucket);
  }
}
