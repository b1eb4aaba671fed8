// Owns the seed document format: parsing a YAML/JSON value into typed entries, with every problem
// reported as `<file>: <section>[i] (<name>): <problem>`. Policy documents are checked with the
// evaluator's validator here, so a bad seed stops start-up before anything is served.
// The format is documented in seed/README.md.
import { validatePolicyDocument } from '../policy/index';
import { PolicyValidationError, type DocumentKind } from '../policy/types';
import { isAccountAuthorizationDetails, parseAccountDetails, type AccountDetailsImport } from './seed-account-details';
import { parseSamlSeed, type SeedSamlIdp, type SeedSamlProvider } from './seed-saml';
import { parseInstanceEntry, parseTaskEntry, type SeedInstance, type SeedTask } from './seed-workloads';
import { checkFields, list, obj, str, toJsonSchema, unknownNameProblem, type FieldSpec, type ObjectSpec } from './seed-fields';
import { SeedError } from './seed-error';

export { SeedError };

export interface SeedKey {
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
}

export interface SeedPolicyRefs {
  inlinePolicies: { name: string; document: string }[];
  /** Managed policy ARNs, or names of customer-managed policies in the same account. */
  managedPolicies: string[];
  permissionsBoundary: string | null;
  tags: { Key: string; Value: string }[];
}

export interface SeedAccount {
  id: string;
  alias: string | null;
  name: string | null;
  email: string | null;
  rootAccessKeys: SeedKey[];
}
export interface SeedManagedPolicy {
  account: string;
  name: string;
  path: string;
  description: string | null;
  document: string;
  tags: { Key: string; Value: string }[];
}
export interface SeedGroup extends Omit<SeedPolicyRefs, 'permissionsBoundary' | 'tags'> {
  account: string;
  name: string;
  path: string;
}
/** A virtual MFA device enabled for the user, with a fixed seed so tests can compute TOTP codes. */
export interface SeedMfaDevice {
  name: string;
  path: string;
  /** Base32 TOTP seed (RFC 4648 alphabet, ≥ 16 characters). */
  seed: string;
}
export interface SeedUser extends SeedPolicyRefs {
  account: string;
  name: string;
  path: string;
  groups: string[];
  accessKeys: SeedKey[];
  mfaDevices: SeedMfaDevice[];
}
export interface SeedRole extends SeedPolicyRefs {
  account: string;
  name: string;
  path: string;
  description: string | null;
  maxSessionDuration: number;
  trustPolicy: string;
}
export interface SeedOidcProvider {
  account: string;
  url: string;
  clientIds: string[];
  thumbprints: string[];
  jwks: string | null;
  allowNetworkFetch: boolean;
  tags: { Key: string; Value: string }[];
}
export interface SeedEksCluster {
  account: string;
  name: string;
  region: string;
  /** 32 upper-case hex; fixed so trust policies can name the issuer. Generated when omitted. */
  id: string | null;
  /** PEM of the service-account signing key; generated when omitted. */
  privateKeyPem: string | null;
  /** Also create the IAM OIDC provider for the issuer (default true), with these client ids. */
  oidcProvider: { clientIds: string[] } | null;
  /** Service accounts the pod identity webhook knows for this cluster (their eks.amazonaws.com/* annotations). */
  serviceAccounts: { namespace: string; name: string; annotations: Record<string, string> }[];
}
export interface SeedPodIdentityAssociation {
  account: string;
  cluster: string;
  /** null = the region of the account's cluster with that name. */
  region: string | null;
  namespace: string;
  serviceAccount: string;
  /** A role of the same account by name, or a role ARN. */
  role: string;
  targetRoleArn: string | null;
  disableSessionTags: boolean;
  /** Fixed association id (a- + 17 lower-case alphanumerics); generated when omitted. */
  id: string | null;
  tags: { Key: string; Value: string }[];
}
export interface SeedOrgPolicy {
  name: string;
  description: string | null;
  content: string;
  /** `Root`, an OU name, or a 12-digit account id. */
  targets: string[];
}
export interface SeedOrgUnit {
  name: string;
  /** `Root` or another OU's name. */
  parent: string;
  accounts: string[];
}
export interface SeedOrganization {
  id: string | null;
  managementAccount: string;
  rcpEnabled: boolean;
  /** Accounts directly under the root (the management account always is). */
  accounts: string[];
  units: SeedOrgUnit[];
  scps: SeedOrgPolicy[];
  rcps: SeedOrgPolicy[];
}

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const ACCOUNT = /^\d{12}$/;

type Obj = Record<string, unknown>;

export class Ctx {
  constructor(
    readonly source: string,
    readonly where: string,
  ) {}
  fail(problem: string): never {
    throw new SeedError(`${this.source}: ${this.where}: ${problem}`);
  }
  obj(v: unknown, what: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${what} must be a mapping`);
    return v as Obj;
  }
  str(o: Obj, key: string, opts: { required?: boolean; re?: RegExp; max?: number; min?: number } = {}): string | null {
    const v = o[key];
    if (v === undefined || v === null) {
      if (opts.required) this.fail(`${key} is required`);
      return null;
    }
    if (typeof v !== 'string' && typeof v !== 'number') this.fail(`${key} must be a string`);
    const s = String(v);
    if (opts.min !== undefined && s.length < opts.min) this.fail(`${key} must be at least ${opts.min} characters`);
    if (opts.max !== undefined && s.length > opts.max) this.fail(`${key} must be at most ${opts.max} characters`);
    if (opts.re && !opts.re.test(s)) this.fail(`${key} ${JSON.stringify(s)} is not valid (must match ${opts.re.source})`);
    return s;
  }
  list(o: Obj, key: string): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`${key} must be a list`);
    return v;
  }
  strList(o: Obj, key: string, re?: RegExp): string[] {
    return this.list(o, key).map((x) => {
      if (typeof x !== 'string' && typeof x !== 'number') this.fail(`${key} must be a list of strings`);
      const s = String(x);
      if (re && !re.test(s)) this.fail(`${key}: ${JSON.stringify(s)} is not valid`);
      return s;
    });
  }
  policy(v: unknown, what: string, kind: DocumentKind): string {
    if (v === undefined || v === null) this.fail(`${what} is required`);
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    try {
      validatePolicyDocument(text, kind);
    } catch (e) {
      if (e instanceof PolicyValidationError) this.fail(`${what}: MalformedPolicyDocument: ${e.message}`);
      throw e;
    }
    return text;
  }
  tags(o: Obj, key = 'tags'): { Key: string; Value: string }[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) {
      return v.map((t) => {
        const to = this.obj(t, key);
        return { Key: String(to.Key ?? to.key ?? this.fail(`${key}: every tag needs a Key`)), Value: String(to.Value ?? to.value ?? '') };
      });
    }
    return Object.entries(this.obj(v, key)).map(([k, val]) => ({ Key: k, Value: String(val ?? '') }));
  }
  keys(o: Obj, key: string): SeedKey[] {
    return this.list(o, key).map((k, i) => {
      const c = new Ctx(this.source, `${this.where} ${key}[${i}]`);
      const ko = c.obj(k, 'access key');
      const status = c.str(ko, 'status') ?? 'Active';
      if (status !== 'Active' && status !== 'Inactive') c.fail(`status must be Active or Inactive`);
      return {
        accessKeyId: c.str(ko, 'accessKeyId', { required: true, re: /^[\w]+$/, min: 1, max: 128 })!,
        secretAccessKey: c.str(ko, 'secretAccessKey', { required: true, min: 1 })!,
        status: status as 'Active' | 'Inactive',
      };
    });
  }
  refs(o: Obj, identityKind: DocumentKind = 'identity'): SeedPolicyRefs {
    const inline = o.inlinePolicies;
    const inlinePolicies: { name: string; document: string }[] = [];
    if (inline !== undefined && inline !== null) {
      if (Array.isArray(inline)) {
        inline.forEach((p, i) => {
          const po = this.obj(p, `inlinePolicies[${i}]`);
          const name = this.str(po, 'name', { required: true, re: NAME, max: 128 })!;
          inlinePolicies.push({ name, document: this.policy(po.document, `inline policy ${name}`, identityKind) });
        });
      } else {
        for (const [name, doc] of Object.entries(this.obj(inline, 'inlinePolicies'))) {
          if (!NAME.test(name)) this.fail(`inline policy name ${JSON.stringify(name)} is not valid`);
          inlinePolicies.push({ name, document: this.policy(doc, `inline policy ${name}`, identityKind) });
        }
      }
    }
    return {
      inlinePolicies,
      managedPolicies: this.strList(o, 'managedPolicies'),
      permissionsBoundary: this.str(o, 'permissionsBoundary'),
      tags: this.tags(o),
    };
  }
}

function entryName(v: unknown): string {
  if (typeof v === 'object' && v !== null) {
    const o = v as Obj;
    const n = o.name ?? o.id ?? o.url;
    if (typeof n === 'string' || typeof n === 'number') return ` (${n})`;
  }
  return '';
}

// ---------------------------------------------------------------- field declarations

const account = str({ pattern: ACCOUNT, description: '12-digit account id (default: the default account 000000000000)' });
const name = (maxLength: number) => str({ pattern: NAME, maxLength });
const path = str({ pattern: PATH, description: 'IAM path, e.g. / or /team/' });
const policy: FieldSpec = { type: 'policy', description: 'IAM policy document (object or JSON text)' };
const tags: FieldSpec = {
  type: 'either',
  description: 'tags: a list of {Key, Value} or a mapping of key to value',
  options: [list(obj({ Key: str(), Value: str(), key: str(), value: str() })), { type: 'map', values: str() }],
};
const accessKey = obj({ accessKeyId: str({ pattern: /^[\w]+$/, minLength: 1, maxLength: 128 }), secretAccessKey: str({ minLength: 1 }), status: str({ enum: ['Active', 'Inactive'] }) }, ['accessKeyId', 'secretAccessKey']);
const inlinePolicies: FieldSpec = {
  type: 'either',
  description: 'inline policies: a mapping of policy name to document, or a list of {name, document}',
  options: [{ type: 'map', values: policy }, list(obj({ name: name(128), document: policy }, ['name', 'document']))],
};
const managedPolicies = list(str(), 'managed policy ARNs (AWS or customer), or names of customer managed policies of the same account');
const refs = { inlinePolicies, managedPolicies, permissionsBoundary: str({ description: 'managed policy ARN or name' }), tags };
const orgPolicy = obj({ name: str({ minLength: 1, maxLength: 128 }), description: str({ maxLength: 512 }), content: policy, document: policy, targets: list(str(), 'Root, an OU name, or a 12-digit account id') }, ['name']);

// ---------------------------------------------------------------- sections

/** One top-level section of a seed document: the shape of its entries and how an entry is read. */
interface Section<T> {
  entry: ObjectSpec;
  /** Also accepted as a single entry under this key (`organization:`). */
  singular?: string;
  parse(c: Ctx, e: Obj, defaultAccount: string): T;
}
const section = <T>(s: Section<T>): Section<T> => s;
const acct = (c: Ctx, e: Obj, defaultAccount: string) => c.str(e, 'account', { re: ACCOUNT }) ?? defaultAccount;

/**
 * Every section of a seed document, in the order they are listed (and documented). Adding a section is
 * this one declaration: its fields (strict check and JSON Schema) and its parser; SeedDocument follows.
 */
export const SEED_SECTIONS = {
  accounts: section<SeedAccount>({
    entry: obj({ id: account, alias: str({ pattern: /^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/, minLength: 3, maxLength: 63 }), name: str(), email: str(), rootAccessKeys: list(accessKey) }, ['id']),
    parse: (c, e) => ({
      id: c.str(e, 'id', { required: true, re: ACCOUNT })!,
      alias: c.str(e, 'alias', { re: /^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/, min: 3, max: 63 }),
      name: c.str(e, 'name'),
      email: c.str(e, 'email'),
      rootAccessKeys: c.keys(e, 'rootAccessKeys'),
    }),
  }),
  policies: section<SeedManagedPolicy>({
    entry: obj({ account, name: name(128), path: str({ pattern: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/ }), description: str({ maxLength: 1000 }), document: policy, tags }, ['name', 'document']),
    parse: (c, e, d) => ({
      account: acct(c, e, d),
      name: c.str(e, 'name', { required: true, re: NAME, max: 128 })!,
      path: c.str(e, 'path', { re: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/ }) ?? '/',
      description: c.str(e, 'description', { max: 1000 }),
      document: c.policy(e.document, 'document', 'identity'),
      tags: c.tags(e),
    }),
  }),
  groups: section<SeedGroup>({
    entry: obj({ account, name: name(128), path, inlinePolicies, managedPolicies }, ['name']),
    parse: (c, e, d) => {
      const r = c.refs(e);
      return { account: acct(c, e, d), name: c.str(e, 'name', { required: true, re: NAME, max: 128 })!, path: c.str(e, 'path', { re: PATH }) ?? '/', inlinePolicies: r.inlinePolicies, managedPolicies: r.managedPolicies };
    },
  }),
  users: section<SeedUser>({
    entry: obj({ account, name: name(64), path, groups: list(name(128)), accessKeys: list(accessKey), mfaDevices: list(obj({ name: str({ pattern: NAME }), path, seed: str({ pattern: /^[A-Z2-7]{16,}=*$/, description: 'base32 TOTP seed' }) }, ['name', 'seed'])), ...refs }, ['name']),
    parse: (c, e, d) => ({
      account: acct(c, e, d),
      name: c.str(e, 'name', { required: true, re: NAME, max: 64 })!,
      path: c.str(e, 'path', { re: PATH }) ?? '/',
      groups: c.strList(e, 'groups', NAME),
      accessKeys: c.keys(e, 'accessKeys'),
      mfaDevices: c.list(e, 'mfaDevices').map((m, i) => {
        const dc = new Ctx(c.source, `${c.where} mfaDevices[${i}]`);
        const dobj = dc.obj(m, 'MFA device');
        return {
          name: dc.str(dobj, 'name', { required: true, re: NAME })!,
          path: dc.str(dobj, 'path', { re: PATH }) ?? '/',
          seed: dc.str(dobj, 'seed', { required: true, re: /^[A-Z2-7]{16,}=*$/ })!,
        };
      }),
      ...c.refs(e),
    }),
  }),
  roles: section<SeedRole>({
    entry: obj({ account, name: name(64), path, description: str({ maxLength: 1000 }), maxSessionDuration: { type: 'integer', minimum: 3600, maximum: 43200 }, trustPolicy: policy, assumeRolePolicyDocument: { type: 'policy', description: 'alias of trustPolicy' }, ...refs }, ['name']),
    parse: (c, e, d) => {
      const max = e.maxSessionDuration === undefined ? 3600 : Number(e.maxSessionDuration);
      if (!Number.isInteger(max) || max < 3600 || max > 43200) c.fail('maxSessionDuration must be an integer from 3600 to 43200');
      return {
        account: acct(c, e, d),
        name: c.str(e, 'name', { required: true, re: NAME, max: 64 })!,
        path: c.str(e, 'path', { re: PATH }) ?? '/',
        description: c.str(e, 'description', { max: 1000 }),
        maxSessionDuration: max,
        trustPolicy: c.policy(e.trustPolicy ?? e.assumeRolePolicyDocument, 'trustPolicy', 'trust'),
        ...c.refs(e),
      };
    },
  }),
  oidcProviders: section<SeedOidcProvider>({
    entry: obj({ account, url: str({ pattern: /^https:\/\//, maxLength: 255 }), clientIds: list(str()), thumbprints: list(str({ pattern: /^[0-9A-Fa-f]{40}$/ })), jwks: { type: 'policy', description: 'a JWKS document (object or JSON text) to verify tokens with' }, allowNetworkFetch: { type: 'boolean' }, tags }, ['url']),
    parse: (c, e, d) => {
      const url = c.str(e, 'url', { required: true, max: 255 })!;
      if (!url.startsWith('https://')) c.fail('url must start with https://');
      return {
        account: acct(c, e, d),
        url,
        clientIds: c.strList(e, 'clientIds'),
        thumbprints: c.strList(e, 'thumbprints', /^[0-9A-Fa-f]{40}$/),
        jwks: e.jwks === undefined || e.jwks === null ? null : typeof e.jwks === 'string' ? e.jwks : JSON.stringify(e.jwks),
        allowNetworkFetch: e.allowNetworkFetch === true,
        tags: c.tags(e),
      };
    },
  }),
  eksClusters: section<SeedEksCluster>({
    entry: obj({
      account,
      name: str({ pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, maxLength: 100 }),
      region: str({ pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/ }),
      id: str({ pattern: /^[0-9A-Z]{32}$/, description: 'OIDC id: 32 upper-case letters or digits (generated when omitted)' }),
      privateKeyPem: str({ description: 'PEM of the service-account signing key (generated when omitted)' }),
      oidcProvider: { type: 'either', description: 'false: no IAM OIDC provider for the issuer', options: [{ type: 'boolean' }, obj({ clientIds: list(str()) })] },
      serviceAccounts: list(obj({ namespace: str(), name: str(), roleArn: str(), annotations: { type: 'map', values: str() } }, ['namespace', 'name']), 'service accounts the pod identity webhook knows (docs/irsa.md)'),
    }, ['name']),
    parse: (c, e, d) => {
      const withProvider = e.oidcProvider !== false;
      const po = typeof e.oidcProvider === 'object' && e.oidcProvider !== null ? (e.oidcProvider as Obj) : {};
      return {
        account: acct(c, e, d),
        name: c.str(e, 'name', { required: true, re: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, max: 100 })!,
        region: c.str(e, 'region', { re: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/ }) ?? 'us-east-1',
        id: c.str(e, 'id', { re: /^[0-9A-Z]{32}$/ }),
        privateKeyPem: c.str(e, 'privateKeyPem'),
        oidcProvider: withProvider ? { clientIds: po.clientIds ? c.strList(po, 'clientIds') : ['sts.amazonaws.com'] } : null,
        serviceAccounts: c.list(e, 'serviceAccounts').map((v, j) => {
          const sc = new Ctx(c.source, `${c.where}.serviceAccounts[${j}]`);
          const s = sc.obj(v, 'service account');
          const annotations: Record<string, string> = {};
          const extra = s.annotations === undefined || s.annotations === null ? {} : sc.obj(s.annotations, 'annotations');
          for (const [k, a] of Object.entries(extra)) {
            if (!k.startsWith('eks.amazonaws.com/')) sc.fail(`annotation ${JSON.stringify(k)} is not an eks.amazonaws.com/ annotation`);
            if (typeof a !== 'string' && typeof a !== 'number' && typeof a !== 'boolean') sc.fail(`annotation ${k} must be a string`);
            annotations[k] = String(a);
          }
          const role = sc.str(s, 'roleArn', { re: /^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w\-/.@+=,]+$/ });
          if (role !== null) annotations['eks.amazonaws.com/role-arn'] = role;
          if (!annotations['eks.amazonaws.com/role-arn']) sc.fail('roleArn (or the annotation eks.amazonaws.com/role-arn) is required');
          return {
            namespace: sc.str(s, 'namespace', { required: true, re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, max: 63 })!,
            name: sc.str(s, 'name', { required: true, re: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, max: 253 })!,
            annotations,
          };
        }),
      };
    },
  }),
  organizations: section<SeedOrganization>({
    singular: 'organization',
    entry: obj({
      id: str({ pattern: /^o-[a-z0-9]{10,32}$/ }),
      managementAccount: account,
      rcpEnabled: { type: 'boolean' },
      accounts: list(account),
      units: list(obj({ name: str({ minLength: 1, maxLength: 128 }), parent: str({ description: 'Root or another unit name' }), accounts: list(account) }, ['name'])),
      scps: list(orgPolicy),
      rcps: list(orgPolicy),
    }, ['managementAccount']),
    parse: (c, e) => {
      const orgPolicies = (key: 'scps' | 'rcps') =>
        c.list(e, key).map((p, j) => {
          const pc = new Ctx(c.source, `${c.where} ${key}[${j}]${entryName(p)}`);
          const po = pc.obj(p, 'policy');
          const targets = pc.strList(po, 'targets');
          return {
            name: pc.str(po, 'name', { required: true, min: 1, max: 128 })!,
            description: pc.str(po, 'description', { max: 512 }),
            content: pc.policy(po.content ?? po.document, 'content', key === 'scps' ? 'scp' : 'rcp'),
            targets,
          };
        });
      return {
        id: c.str(e, 'id', { re: /^o-[a-z0-9]{10,32}$/ }),
        managementAccount: c.str(e, 'managementAccount', { required: true, re: ACCOUNT })!,
        rcpEnabled: e.rcpEnabled === true || c.list(e, 'rcps').length > 0,
        accounts: c.strList(e, 'accounts', ACCOUNT),
        units: c.list(e, 'units').map((u, j) => {
          const uc = new Ctx(c.source, `${c.where} units[${j}]${entryName(u)}`);
          const uo = uc.obj(u, 'unit');
          return { name: uc.str(uo, 'name', { required: true, min: 1, max: 128 })!, parent: uc.str(uo, 'parent') ?? 'Root', accounts: uc.strList(uo, 'accounts', ACCOUNT) };
        }),
        scps: orgPolicies('scps'),
        rcps: orgPolicies('rcps'),
      };
    },
  }),
  // EKS Pod Identity associations (applied after the clusters and roles of the same document).
  podIdentityAssociations: section<SeedPodIdentityAssociation>({
    entry: obj({
      account,
      cluster: str({ pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, maxLength: 100 }),
      region: str({ pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/ }),
      namespace: str({ pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, maxLength: 63 }),
      serviceAccount: str({ maxLength: 253 }),
      role: str({ description: 'a role of the same account by name' }),
      roleArn: str(),
      targetRoleArn: str(),
      disableSessionTags: { type: 'boolean' },
      id: str({ pattern: /^a-[a-z0-9]{17}$/ }),
      tags,
    }, ['cluster', 'namespace', 'serviceAccount']),
    parse: (c, e, d) => {
      const role = c.str(e, 'roleArn') ?? c.str(e, 'role', { re: NAME, max: 64 });
      if (!role) c.fail('role (a role name) or roleArn is required');
      return {
        account: c.str(e, 'account', { re: ACCOUNT }) ?? d,
        cluster: c.str(e, 'cluster', { required: true, re: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, max: 100 })!,
        region: c.str(e, 'region', { re: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/ }),
        namespace: c.str(e, 'namespace', { required: true, re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, max: 63 })!,
        serviceAccount: c.str(e, 'serviceAccount', { required: true, re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, max: 253 })!,
        role: role!,
        targetRoleArn: c.str(e, 'targetRoleArn', { re: /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/ }),
        disableSessionTags: e.disableSessionTags === true,
        id: c.str(e, 'id', { re: /^a-[a-z0-9]{17}$/ }),
        tags: c.tags(e),
      };
    },
  }),
  // Mock EC2 instances and ECS tasks: fields checked and applied in src/store/seed-workloads.ts.
  instances: section<SeedInstance>({
    entry: obj({
      id: str({ pattern: /^i-([0-9a-f]{8}|[0-9a-f]{17})$/ }),
      account,
      region: str({ pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/ }),
      availabilityZone: str(),
      instanceType: str(),
      imageId: str(),
      vpcId: str(),
      subnetId: str(),
      privateIp: str(),
      instanceProfile: str({ description: 'name or ARN of an instance profile' }),
      role: str({ description: 'role name or ARN; its instance profile is created as needed' }),
      httpTokens: str({ enum: ['required', 'optional'] }),
      httpEndpoint: str({ enum: ['enabled', 'disabled'] }),
      httpPutResponseHopLimit: { type: 'integer', minimum: 1, maximum: 64 },
      instanceMetadataTags: str({ enum: ['enabled', 'disabled'] }),
      imdsPort: { type: 'integer', minimum: 0, maximum: 65535 },
      tags,
    }, ['id']),
    parse: (c, e, d) => parseInstanceEntry(c, e, d, true),
  }),
  tasks: section<SeedTask>({
    entry: obj({
      account,
      region: str({ pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/ }),
      cluster: str(),
      taskId: str({ pattern: /^[0-9a-f]{32}$/ }),
      taskArn: str(),
      taskRoleArn: str({ description: 'role ARN or name' }),
      taskRole: str({ description: 'alias of taskRoleArn' }),
      credentialsId: str(),
      authorizationToken: str(),
    }),
    parse: (c, e, d) => parseTaskEntry(c, e, d, true),
  }),
  // SAML federation: mock IdPs and IAM SAML providers, checked and applied in src/store/seed-saml.ts.
  samlIdps: section<SeedSamlIdp>({
    entry: obj({
      account,
      name: str({ pattern: /^[\w._-]{1,128}$/ }),
      entityId: str(),
      privateKeyPem: str({ description: 'the IdP signing key (PEM); generated when absent' }),
      samlProvider: { type: 'either', options: [str({ pattern: /^[\w._-]{1,128}$/ }), { type: 'boolean' }], description: 'name of the IAM SAML provider to create (default: the IdP name), or false for none' },
    }, ['name']),
    parse: (c, e, d) => parseSamlSeed({ samlIdps: [e] }, d, (_where, problem) => c.fail(problem)).samlIdps[0],
  }),
  samlProviders: section<SeedSamlProvider>({
    entry: obj({ account, name: str({ pattern: /^[\w._-]{1,128}$/ }), metadataDocument: str({ description: 'SAML metadata XML of the IdP' }), tags }, ['name', 'metadataDocument']),
    parse: (c, e, d) => parseSamlSeed({ samlProviders: [e] }, d, (_where, problem) => c.fail(problem)).samlProviders[0],
  }),
};

type Sections = typeof SEED_SECTIONS;
type EntryOf<K extends keyof Sections> = Sections[K] extends Section<infer T> ? T : never;

export type SeedDocument = { source: string; /** Set when the document is `aws iam get-account-authorization-details` output (seed-account-details.ts). */ accountDetails?: AccountDetailsImport } & {
  [K in keyof Sections]: EntryOf<K>[];
};

const sectionNames = Object.keys(SEED_SECTIONS) as (keyof Sections)[];
const topKeys = (): string[] => sectionNames.flatMap((k) => [k, ...((SEED_SECTIONS[k] as Section<unknown>).singular ? [(SEED_SECTIONS[k] as Section<unknown>).singular!] : [])]);

/** The JSON Schema of seed documents (published as seed/schema/seed.schema.json). */
export function seedJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const k of sectionNames) {
    const sec = SEED_SECTIONS[k] as Section<unknown>;
    properties[k] = { type: 'array', items: toJsonSchema(sec.entry) };
    if (sec.singular) properties[sec.singular] = { ...toJsonSchema(sec.entry), description: `a single entry of ${k}` };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'iamlocal seed document',
    description: 'Generated from src/store/seed-schema.ts by `npm run seed-schema`; documented in seed/README.md. (`aws iam get-account-authorization-details` output is accepted as a seed too, and is not described here.)',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

/** Parses one seed document (already read from YAML/JSON). */
export function parseSeedDocument(value: unknown, source: string, defaultAccount: string): SeedDocument {
  const empty = Object.fromEntries(sectionNames.map((k) => [k, []])) as unknown as SeedDocument;
  if (isAccountAuthorizationDetails(value)) {
    return { ...empty, source, accountDetails: parseAccountDetails(value as Obj, source, defaultAccount) };
  }
  const top = new Ctx(source, 'document');
  const o = top.obj(value ?? {}, 'a seed document');
  const known = topKeys();
  for (const k of Object.keys(o)) if (!known.includes(k)) top.fail(unknownNameProblem('section', k, sectionNames));
  const doc = { ...empty, source };
  const entries = doc as unknown as Record<string, unknown[]>;
  for (const k of sectionNames) {
    const sec = SEED_SECTIONS[k] as Section<unknown>;
    const values = [...top.list(o, k), ...(sec.singular && o[sec.singular] !== undefined ? [o[sec.singular]] : [])];
    entries[k] = values.map((v, i) => {
      const where = `${k}[${i}]${entryName(v)}`;
      // Unknown or misspelt fields anywhere in the entry stop here, before any value is read.
      checkFields(v, sec.entry, where, (w, problem) => {
        throw new SeedError(`${source}: ${w}: ${problem}`);
      }, entryName);
      const c = new Ctx(source, where);
      return sec.parse(c, c.obj(v, k === 'organizations' ? 'organization' : 'entry'), defaultAccount);
    });
  }
  return doc;
}
