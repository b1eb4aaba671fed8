// Owns what the proxy knows about buckets beyond the upstream's data: their bucket policies (read from
// the upstream with its credentials and cached; the cache entry is dropped whenever PutBucketPolicy or
// DeleteBucketPolicy goes through the proxy) and which account owns each bucket (the caller's account
// for buckets created through the proxy, else the upstream's configured account). Owners and locally
// kept policies live in the store (proxy_buckets), so they outlive a restart on a data dir, as the
// upstream's buckets do.
// Upstreams that do not implement bucket policies (s3rver answers 501 NotImplemented) get them kept by
// the proxy itself, so bucket-policy scenarios can still be rehearsed in front of them.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html
import type { PolicySource } from '../../policy/types';
import type { ProxyBucketsRepo } from '../../store/repos/proxy-buckets';
import { fetchSmall, type ProxyUpstream } from '../upstream';

/** S3's limit on a bucket policy's size (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html). */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

export class BucketState {
  private readonly cache = new Map<string, string | null>();
  /** Whether the upstream answered NotImplemented / MethodNotAllowed to a bucket-policy call. */
  upstreamLacksPolicies = false;

  constructor(
    private readonly up: ProxyUpstream,
    private readonly defaultAccount: string,
    private readonly records: ProxyBucketsRepo,
    private readonly now: () => Date,
  ) {}

  ownerOf(bucket: string): string {
    return this.records.get(this.up.url, bucket)?.owner ?? this.up.account ?? this.defaultAccount;
  }

  setOwner(bucket: string, account: string): void {
    this.records.setOwner(this.up.url, bucket, account, this.now().toISOString());
  }

  forget(bucket: string): void {
    this.records.forget(this.up.url, bucket);
    this.cache.delete(bucket);
  }

  invalidate(bucket: string): void {
    this.cache.delete(bucket);
  }

  /** The bucket policy as a policy source for the evaluator, or null when the bucket has none. Throws when the upstream cannot say. */
  async policy(bucket: string, now: Date): Promise<PolicySource | null> {
    const doc = await this.policyText(bucket, now);
    return doc === null ? null : { id: `arn:aws:s3:::${bucket}`, name: `bucket policy of ${bucket}`, document: doc };
  }

  async policyText(bucket: string, now: Date): Promise<string | null> {
    if (this.upstreamLacksPolicies) return this.policyLocal(bucket);
    if (this.cache.has(bucket)) return this.cache.get(bucket)!;
    const r = await fetchSmall(this.up, 'GET', `/${encodeURIComponent(bucket)}`, 'policy', now, MAX_BUCKET_POLICY_BYTES * 4);
    let doc: string | null;
    if (r.status === 200) doc = r.body;
    else if (r.status === 404) doc = null; // NoSuchBucketPolicy, or NoSuchBucket (the request then fails upstream anyway)
    else if (r.status === 501 || r.status === 405) {
      // NotImplemented (s3rver's PutBucketPolicy) or MethodNotAllowed (its GetBucketPolicy): no bucket policies upstream.
      this.upstreamLacksPolicies = true;
      return this.policyLocal(bucket);
    } else throw new Error(`the upstream answered ${r.status} to GetBucketPolicy for ${bucket}`);
    this.cache.set(bucket, doc);
    return doc;
  }

  policyLocal(bucket: string): string | null {
    return this.records.get(this.up.url, bucket)?.localPolicy ?? null;
  }

  setLocal(bucket: string, doc: string): void {
    this.records.setLocalPolicy(this.up.url, bucket, doc, this.now().toISOString());
  }

  deleteLocal(bucket: string): void {
    this.records.setLocalPolicy(this.up.url, bucket, null, this.now().toISOString());
  }
}
