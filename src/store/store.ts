// Owns the Store: one SQLite database plus one repository per aggregate. Services reach state only
// through these repositories; `transaction` wraps one request's mutations.
import { Db } from './db';
import { AccessKeysRepo } from './repos/access-keys';
import { AccountsRepo } from './repos/accounts';
import { Ec2InstancesRepo } from './repos/ec2-instances';
import { EcsTasksRepo } from './repos/ecs-tasks';
import { EksClustersRepo } from './repos/eks-clusters';
import { GroupsRepo } from './repos/groups';
import { InlinePoliciesRepo } from './repos/inline-policies';
import { InstanceProfilesRepo } from './repos/instance-profiles';
import { ManagedPoliciesRepo } from './repos/managed-policies';
import { MfaDevicesRepo } from './repos/mfa-devices';
import { OidcProvidersRepo } from './repos/oidc-providers';
import { OrganizationsRepo } from './repos/organizations';
import { RolesRepo } from './repos/roles';
import { SessionsRepo } from './repos/sessions';
import { TagsRepo } from './repos/tags';
import { UsersRepo } from './repos/users';

export interface StoreOptions {
  /** SQLite file path; omit (or ':memory:') for an in-memory store. */
  filename?: string;
}

export class Store {
  readonly db: Db;
  readonly accounts: AccountsRepo;
  readonly accessKeys: AccessKeysRepo;
  readonly users: UsersRepo;
  readonly groups: GroupsRepo;
  readonly roles: RolesRepo;
  readonly inlinePolicies: InlinePoliciesRepo;
  readonly managedPolicies: ManagedPoliciesRepo;
  readonly tags: TagsRepo;
  readonly sessions: SessionsRepo;
  readonly oidcProviders: OidcProvidersRepo;
  readonly eksClusters: EksClustersRepo;
  readonly mfaDevices: MfaDevicesRepo;
  readonly instanceProfiles: InstanceProfilesRepo;
  readonly organizations: OrganizationsRepo;
  readonly ec2Instances: Ec2InstancesRepo;
  readonly ecsTasks: EcsTasksRepo;

  constructor(opts: StoreOptions = {}) {
    this.db = new Db({ filename: opts.filename ?? ':memory:' });
    this.accounts = new AccountsRepo(this.db);
    this.accessKeys = new AccessKeysRepo(this.db);
    this.users = new UsersRepo(this.db);
    this.groups = new GroupsRepo(this.db);
    this.roles = new RolesRepo(this.db);
    this.inlinePolicies = new InlinePoliciesRepo(this.db);
    this.managedPolicies = new ManagedPoliciesRepo(this.db);
    this.tags = new TagsRepo(this.db);
    this.sessions = new SessionsRepo(this.db);
    this.oidcProviders = new OidcProvidersRepo(this.db);
    this.eksClusters = new EksClustersRepo(this.db);
    this.mfaDevices = new MfaDevicesRepo(this.db);
    this.instanceProfiles = new InstanceProfilesRepo(this.db);
    this.organizations = new OrganizationsRepo(this.db);
    this.ec2Instances = new Ec2InstancesRepo(this.db);
    this.ecsTasks = new EcsTasksRepo(this.db);
  }

  /** Runs `fn` in one SQLite transaction; it must be synchronous. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  /** Empties every table (admin reset). */
  wipe(): void {
    this.db.wipe();
  }

  close(): void {
    this.db.close();
  }
}

export function openStore(opts: StoreOptions = {}): Store {
  return new Store(opts);
}
