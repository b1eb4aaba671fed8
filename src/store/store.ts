// Owns the Store: one SQLite database plus one repository per aggregate. Services reach state only
// through these repositories; `transaction` wraps one request's mutations.
import { Db } from './db';
import { AccessAdvisorRepo } from './repos/access-advisor';
import { AccessAnalyzerRepo } from './repos/access-analyzer';
import { AccountFeaturesRepo } from './repos/account-features';
import { DelegationRequestsRepo } from './repos/delegation-requests';
import { AccessKeysRepo } from './repos/access-keys';
import { AccountSettingsRepo } from './repos/account-settings';
import { AccountsRepo } from './repos/accounts';
import { ClusterKeysRepo } from './repos/cluster-keys';
import { Ec2InstancesRepo } from './repos/ec2-instances';
import { EcsTasksRepo } from './repos/ecs-tasks';
import { EksClustersRepo } from './repos/eks-clusters';
import { GroupsRepo } from './repos/groups';
import { InlinePoliciesRepo } from './repos/inline-policies';
import { InstanceProfilesRepo } from './repos/instance-profiles';
import { LoginProfilesRepo } from './repos/login-profiles';
import { ManagedPoliciesRepo } from './repos/managed-policies';
import { MfaDevicesRepo } from './repos/mfa-devices';
import { OidcProvidersRepo } from './repos/oidc-providers';
import { OrgHandshakesRepo } from './repos/org-handshakes';
import { OrgSettingsRepo } from './repos/org-settings';
import { OrganizationsRepo } from './repos/organizations';
import { PodIdentityRepo } from './repos/pod-identity';
import { ProxyBucketsRepo } from './repos/proxy-buckets';
import { RolesRepo } from './repos/roles';
import { ServerCertificatesRepo } from './repos/server-certificates';
import { MockSamlIdpsRepo, SamlProvidersRepo } from './repos/saml-providers';
import { SessionsRepo } from './repos/sessions';
import { TagsRepo } from './repos/tags';
import { UserCredentialsRepo } from './repos/user-credentials';
import { UsersRepo } from './repos/users';
import { WebhookRepo } from './repos/webhook';

export interface StoreOptions {
  /** SQLite file path; omit (or ':memory:') for an in-memory store. */
  filename?: string;
}

export interface StoreCounts {
  accounts: number;
  users: number;
  roles: number;
  clusters: number;
  oidcProviders: number;
  scps: number;
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
  /** Cluster signing keys, kept across reset (migration 007). */
  readonly clusterKeys: ClusterKeysRepo;
  /** The pod identity webhook's settings, service accounts and TLS, kept across reset. */
  readonly webhook: WebhookRepo;
  /** The authorizing S3 proxy's bucket owners and locally kept bucket policies, kept across reset. */
  readonly proxyBuckets: ProxyBucketsRepo;
  readonly mfaDevices: MfaDevicesRepo;
  readonly instanceProfiles: InstanceProfilesRepo;
  readonly organizations: OrganizationsRepo;
  /** Organizations handshakes and responsibility transfers (migration 015). */
  readonly orgHandshakes: OrgHandshakesRepo;
  /** Trusted service access, delegated administrators, the resource policy (migration 015). */
  readonly orgSettings: OrgSettingsRepo;
  readonly samlProviders: SamlProvidersRepo;
  readonly mockSamlIdps: MockSamlIdpsRepo;
  readonly podIdentity: PodIdentityRepo;
  readonly accessAnalyzer: AccessAnalyzerRepo;
  readonly ec2Instances: Ec2InstancesRepo;
  readonly ecsTasks: EcsTasksRepo;
  readonly accountSettings: AccountSettingsRepo;
  readonly loginProfiles: LoginProfilesRepo;
  readonly userCredentials: UserCredentialsRepo;
  readonly serverCertificates: ServerCertificatesRepo;
  /** Last-accessed data and report jobs (migration 016). */
  readonly accessAdvisor: AccessAdvisorRepo;
  /** Organization root access features and outbound identity federation (migration 016). */
  readonly accountFeatures: AccountFeaturesRepo;
  /** IAM temporary delegation requests (migration 016). */
  readonly delegationRequests: DelegationRequestsRepo;

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
    this.clusterKeys = new ClusterKeysRepo(this.db);
    this.webhook = new WebhookRepo(this.db);
    this.proxyBuckets = new ProxyBucketsRepo(this.db);
    this.mfaDevices = new MfaDevicesRepo(this.db);
    this.instanceProfiles = new InstanceProfilesRepo(this.db);
    this.organizations = new OrganizationsRepo(this.db);
    this.orgHandshakes = new OrgHandshakesRepo(this.db);
    this.orgSettings = new OrgSettingsRepo(this.db);
    this.samlProviders = new SamlProvidersRepo(this.db);
    this.mockSamlIdps = new MockSamlIdpsRepo(this.db);
    this.podIdentity = new PodIdentityRepo(this.db);
    this.accessAnalyzer = new AccessAnalyzerRepo(this.db);
    this.ec2Instances = new Ec2InstancesRepo(this.db);
    this.ecsTasks = new EcsTasksRepo(this.db);
    this.accountSettings = new AccountSettingsRepo(this.db);
    this.loginProfiles = new LoginProfilesRepo(this.db);
    this.userCredentials = new UserCredentialsRepo(this.db);
    this.serverCertificates = new ServerCertificatesRepo(this.db);
    this.accessAdvisor = new AccessAdvisorRepo(this.db);
    this.accountFeatures = new AccountFeaturesRepo(this.db);
    this.delegationRequests = new DelegationRequestsRepo(this.db);
  }

  /** Runs `fn` in one SQLite transaction; it must be synchronous. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  /** What the store holds, for the health endpoint and the start-up summary. */
  counts(): StoreCounts {
    const n = (sql: string) => this.db.get<{ n: number }>(sql)!.n;
    return {
      accounts: n('SELECT COUNT(*) AS n FROM accounts'),
      users: n('SELECT COUNT(*) AS n FROM users'),
      roles: n('SELECT COUNT(*) AS n FROM roles'),
      clusters: n('SELECT COUNT(*) AS n FROM eks_clusters'),
      oidcProviders: n('SELECT COUNT(*) AS n FROM oidc_providers'),
      scps: n(`SELECT COUNT(*) AS n FROM org_policies WHERE type = 'SERVICE_CONTROL_POLICY'`),
    };
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
