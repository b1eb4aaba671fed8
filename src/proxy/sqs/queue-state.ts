// Owns what the SQS proxy knows about queues beyond the upstream's data: which account owns each
// queue (the caller's account for queues created through the proxy, else the upstream's configured
// account) and each queue's resource-based policy — its `Policy` attribute, read from the upstream
// with the upstream's credentials (GetQueueAttributes) and cached; the entry is dropped whenever
// SetQueueAttributes, AddPermission, RemovePermission, CreateQueue or DeleteQueue goes through the proxy.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
import type { PolicySource } from '../../policy/types';
import type { ProxyUpstream } from '../upstream-spec';

/** One JSON 1.0 call to the upstream with its credentials: status and parsed body. */
export type UpstreamCall = (operation: string, input: Record<string, unknown>) => Promise<{ status: number; body: Record<string, unknown> }>;

export class QueueState {
  private readonly owners = new Map<string, string>();
  private readonly policies = new Map<string, string | null>();

  constructor(
    private readonly up: ProxyUpstream,
    private readonly defaultAccount: string,
    private readonly call: UpstreamCall,
  ) {}

  ownerOf(queue: string): string {
    return this.owners.get(queue) ?? this.up.account ?? this.defaultAccount;
  }

  /** The account that created the queue through the proxy, if one did. */
  createdBy(queue: string): string | undefined {
    return this.owners.get(queue);
  }

  setOwner(queue: string, account: string): void {
    this.owners.set(queue, account);
  }

  forget(queue: string): void {
    this.owners.delete(queue);
    this.policies.delete(queue);
  }

  invalidate(queue: string): void {
    this.policies.delete(queue);
  }

  /** The queue URL the upstream is asked about (emulators find a queue by its URL's last segment). */
  upstreamUrl(queue: string): string {
    return `${this.up.url}/${this.ownerOf(queue)}/${queue}`;
  }

  /** The queue policy as a policy source for the evaluator, or null when it has none. Throws when the upstream cannot say. */
  async policy(queue: string, region: string): Promise<PolicySource | null> {
    let doc = this.policies.get(queue);
    if (doc === undefined) {
      const r = await this.call('GetQueueAttributes', { QueueUrl: this.upstreamUrl(queue), AttributeNames: ['Policy'] });
      if (r.status === 200) {
        const attrs = r.body.Attributes as Record<string, unknown> | undefined;
        doc = typeof attrs?.Policy === 'string' && attrs.Policy.length > 0 ? attrs.Policy : null;
      } else if (r.status === 400 && /QueueDoesNotExist|NonExistentQueue/.test(String(r.body.__type ?? ''))) {
        return null; // the call fails upstream anyway; nothing to cache
      } else throw new Error(`the upstream answered ${r.status} to GetQueueAttributes(Policy) for ${queue}`);
      this.policies.set(queue, doc);
    }
    return doc === null ? null : { id: `arn:aws:sqs:${region}:${this.ownerOf(queue)}:${queue}`, name: `queue policy of ${queue}`, document: doc };
  }

  /** The queue's tags (aws:ResourceTag/*), read from the upstream (ListQueueTags) only when a policy names the key. */
  async tags(queue: string): Promise<Record<string, string>> {
    const r = await this.call('ListQueueTags', { QueueUrl: this.upstreamUrl(queue) });
    if (r.status === 200) return (r.body.Tags as Record<string, string> | undefined) ?? {};
    if (r.status === 400) return {};
    throw new Error(`the upstream answered ${r.status} to ListQueueTags for ${queue}`);
  }
}
