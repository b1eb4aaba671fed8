// Owns mock EC2 instances: placement, network facts, instance metadata options and the (at most one)
// instance profile association, as DescribeInstances / DescribeIamInstanceProfileAssociations show them.
import type { Db } from '../db';
import type { Tag } from './tags';

export type HttpTokens = 'required' | 'optional';
export type Toggle = 'enabled' | 'disabled';

export interface ProfileAssociation {
  /** `iip-assoc-` + 17 hex characters. */
  associationId: string;
  profileArn: string;
  /** AWS: associating | associated | disassociating | disassociated; iamlocal's are `associated` at once. */
  state: string;
}

export interface Ec2Instance {
  instanceId: string;
  accountId: string;
  region: string;
  availabilityZone: string;
  instanceType: string;
  imageId: string;
  vpcId: string | null;
  subnetId: string | null;
  privateIp: string | null;
  httpTokens: HttpTokens;
  httpEndpoint: Toggle;
  hopLimit: number;
  metadataTags: Toggle;
  /** A dedicated IMDS listener for this instance (0 = any free port); null = the shared IMDS port only. */
  imdsPort: number | null;
  tags: Tag[];
  association: ProfileAssociation | null;
  launchTime: string;
}

interface InstanceRow {
  instance_id: string;
  account_id: string;
  region: string;
  availability_zone: string;
  instance_type: string;
  image_id: string;
  vpc_id: string | null;
  subnet_id: string | null;
  private_ip: string | null;
  http_tokens: HttpTokens;
  http_endpoint: Toggle;
  hop_limit: number;
  metadata_tags: Toggle;
  imds_port: number | null;
  tags: string;
  association_id: string | null;
  profile_arn: string | null;
  association_state: string | null;
  launch_time: string;
}

const toInstance = (r: InstanceRow): Ec2Instance => ({
  instanceId: r.instance_id,
  accountId: r.account_id,
  region: r.region,
  availabilityZone: r.availability_zone,
  instanceType: r.instance_type,
  imageId: r.image_id,
  vpcId: r.vpc_id,
  subnetId: r.subnet_id,
  privateIp: r.private_ip,
  httpTokens: r.http_tokens,
  httpEndpoint: r.http_endpoint,
  hopLimit: r.hop_limit,
  metadataTags: r.metadata_tags,
  imdsPort: r.imds_port,
  tags: JSON.parse(r.tags) as Tag[],
  association: r.association_id && r.profile_arn ? { associationId: r.association_id, profileArn: r.profile_arn, state: r.association_state ?? 'associated' } : null,
  launchTime: r.launch_time,
});

export type MetadataOptions = Pick<Ec2Instance, 'httpTokens' | 'httpEndpoint' | 'hopLimit' | 'metadataTags'>;

export class Ec2InstancesRepo {
  constructor(private readonly db: Db) {}

  get(instanceId: string): Ec2Instance | null {
    const r = this.db.get<InstanceRow>('SELECT * FROM ec2_instances WHERE instance_id = ?', instanceId);
    return r ? toInstance(r) : null;
  }

  list(accountId?: string): Ec2Instance[] {
    const rows = accountId
      ? this.db.all<InstanceRow>('SELECT * FROM ec2_instances WHERE account_id = ? ORDER BY instance_id', accountId)
      : this.db.all<InstanceRow>('SELECT * FROM ec2_instances ORDER BY instance_id');
    return rows.map(toInstance);
  }

  byAssociation(associationId: string): Ec2Instance | null {
    const r = this.db.get<InstanceRow>('SELECT * FROM ec2_instances WHERE association_id = ?', associationId);
    return r ? toInstance(r) : null;
  }

  /** Inserts or replaces the whole record (seeds are upserts). */
  put(i: Ec2Instance): Ec2Instance {
    this.db.run(
      `INSERT OR REPLACE INTO ec2_instances (instance_id, account_id, region, availability_zone, instance_type, image_id, vpc_id, subnet_id,
         private_ip, http_tokens, http_endpoint, hop_limit, metadata_tags, imds_port, tags, association_id, profile_arn, association_state, launch_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      i.instanceId, i.accountId, i.region, i.availabilityZone, i.instanceType, i.imageId, i.vpcId, i.subnetId, i.privateIp,
      i.httpTokens, i.httpEndpoint, i.hopLimit, i.metadataTags, i.imdsPort, JSON.stringify(i.tags),
      i.association?.associationId ?? null, i.association?.profileArn ?? null, i.association?.state ?? null, i.launchTime,
    );
    return i;
  }

  setAssociation(instanceId: string, a: ProfileAssociation | null): void {
    this.db.run(
      'UPDATE ec2_instances SET association_id = ?, profile_arn = ?, association_state = ? WHERE instance_id = ?',
      a?.associationId ?? null, a?.profileArn ?? null, a?.state ?? null, instanceId,
    );
  }

  setMetadataOptions(instanceId: string, o: MetadataOptions): void {
    this.db.run(
      'UPDATE ec2_instances SET http_tokens = ?, http_endpoint = ?, hop_limit = ?, metadata_tags = ? WHERE instance_id = ?',
      o.httpTokens, o.httpEndpoint, o.hopLimit, o.metadataTags, instanceId,
    );
  }

  delete(instanceId: string): boolean {
    return this.db.run('DELETE FROM ec2_instances WHERE instance_id = ?', instanceId).changes > 0;
  }
}
