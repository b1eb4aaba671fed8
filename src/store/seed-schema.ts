// Owns the seed document format: parsing a YAML/JSON value into typed entries, with every problem
// reported as `<file>: <section>[i] (<name>): <problem>`. Policy documents are checked with the
// evaluator's validator here, so a bad seed stops start-up before anything is served.
// The format is documented in seed/README.md.
import { validatePolicyDocument } from '../policy/index';
import { PolicyValidationError, type DocumentKind } from '../policy/types';
import { isAccountAuthorizationDetails, parseAccountDetails, type AccountDetailsImport } from './seed-account-details';
import { parseInstanceEntry, parseTaskEntry, WORKLOAD_SECTIONS, type SeedInstance, type SeedTask } from './seed-workloads';

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

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

export interface SeedDocument {
  source: string;
  accounts: SeedAccount[];
  policies: SeedManagedPolicy[];
  groups: SeedGroup[];
  users: SeedUser[];
  roles: SeedRole[];
  oidcProviders: SeedOidcProvider[];
  eksClusters: SeedEksCluster[];
  organizations: SeedOrganization[];
  /** Mock EC2 instances and ECS tasks (src/store/seed-workloads.ts). */
  instances: SeedInstance[];
  tasks: SeedTask[];
  /** Set when the document is `aws iam get-account-authorization-details` output (seed-account-details.ts). */
  accountDetails?: AccountDetailsImport;
}

const SECTIONS = ['accounts', 'policies', 'groups', 'users', 'roles', 'oidcProviders', 'eksClusters', 'organizations', 'organization', ...WORKLOAD_SECTIONS];
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

/** Parses one seed document (already read from YAML/JSON). */
export function parseSeedDocument(value: unknown, source: string, defaultAccount: string): SeedDocument {
  if (isAccountAuthorizationDetails(value)) {
    const accountDetails = parseAccountDetails(value as Obj, source, defaultAccount);
    return { source, accounts: [], policies: [], groups: [], users: [], roles: [], oidcProviders: [], eksClusters: [], organizations: [], instances: [], tasks: [], accountDetails };
  }
  const top = new Ctx(source, 'document');
  const o = top.obj(value ?? {}, 'a seed document');
  for (const k of Object.keys(o)) if (!SECTIONS.includes(k)) top.fail(`unknown section ${JSON.stringify(k)} (known: ${SECTIONS.filter((s) => s !== 'organization').join(', ')})`);
  const acct = (c: Ctx, e: Obj) => c.str(e, 'account', { re: ACCOUNT }) ?? defaultAccount;
  const each = <T>(section: string, fn: (c: Ctx, e: Obj) => T): T[] =>
    top.list(o, section).map((e, i) => {
      const c = new Ctx(source, `${section}[${i}]${entryName(e)}`);
      return fn(c, c.obj(e, 'entry'));
    });

  const doc: SeedDocument = {
    source,
    accounts: each('accounts', (c, e) => ({
      id: c.str(e, 'id', { required: true, re: ACCOUNT })!,
      alias: c.str(e, 'alias', { re: /^[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?$/, min: 3, max: 63 }),
      name: c.str(e, 'name'),
      email: c.str(e, 'email'),
      rootAccessKeys: c.keys(e, 'rootAccessKeys'),
    })),
    policies: each('policies', (c, e) => ({
      account: acct(c, e),
      name: c.str(e, 'name', { required: true, re: NAME, max: 128 })!,
      path: c.str(e, 'path', { re: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/ }) ?? '/',
      description: c.str(e, 'description', { max: 1000 }),
      document: c.policy(e.document, 'document', 'identity'),
      tags: c.tags(e),
    })),
    groups: each('groups', (c, e) => {
      const r = c.refs(e);
      return { account: acct(c, e), name: c.str(e, 'name', { required: true, re: NAME, max: 128 })!, path: c.str(e, 'path', { re: PATH }) ?? '/', inlinePolicies: r.inlinePolicies, managedPolicies: r.managedPolicies };
    }),
    users: each('users', (c, e) => ({
      account: acct(c, e),
      name: c.str(e, 'name', { required: true, re: NAME, max: 64 })!,
      path: c.str(e, 'path', { re: PATH }) ?? '/',
      groups: c.strList(e, 'groups', NAME),
      accessKeys: c.keys(e, 'accessKeys'),
      mfaDevices: c.list(e, 'mfaDevices').map((d, i) => {
        const dc = new Ctx(source, `${c.where} mfaDevices[${i}]`);
        const dobj = dc.obj(d, 'MFA device');
        return {
          name: dc.str(dobj, 'name', { required: true, re: NAME })!,
          path: dc.str(dobj, 'path', { re: PATH }) ?? '/',
          seed: dc.str(dobj, 'seed', { required: true, re: /^[A-Z2-7]{16,}=*$/ })!,
        };
      }),
      ...c.refs(e),
    })),
    roles: each('roles', (c, e) => {
      const max = e.maxSessionDuration === undefined ? 3600 : Number(e.maxSessionDuration);
      if (!Number.isInteger(max) || max < 3600 || max > 43200) c.fail('maxSessionDuration must be an integer from 3600 to 43200');
      return {
        account: acct(c, e),
        name: c.str(e, 'name', { required: true, re: NAME, max: 64 })!,
        path: c.str(e, 'path', { re: PATH }) ?? '/',
        description: c.str(e, 'description', { max: 1000 }),
        maxSessionDuration: max,
        trustPolicy: c.policy(e.trustPolicy ?? e.assumeRolePolicyDocument, 'trustPolicy', 'trust'),
        ...c.refs(e),
      };
    }),
    oidcProviders: each('oidcProviders', (c, e) => {
      const url = c.str(e, 'url', { required: true, max: 255 })!;
      if (!url.startsWith('https://')) c.fail('url must start with https://');
      return {
        account: acct(c, e),
        url,
        clientIds: c.strList(e, 'clientIds'),
        thumbprints: c.strList(e, 'thumbprints', /^[0-9A-Fa-f]{40}$/),
        jwks: e.jwks === undefined || e.jwks === null ? null : typeof e.jwks === 'string' ? e.jwks : JSON.stringify(e.jwks),
        allowNetworkFetch: e.allowNetworkFetch === true,
        tags: c.tags(e),
      };
    }),
    eksClusters: each('eksClusters', (c, e) => {
      const withProvider = e.oidcProvider !== false;
      const po = typeof e.oidcProvider === 'object' && e.oidcProvider !== null ? (e.oidcProvider as Obj) : {};
      return {
        account: acct(c, e),
        name: c.str(e, 'name', { required: true, re: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, max: 100 })!,
        region: c.str(e, 'region', { re: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/ }) ?? 'us-east-1',
        id: c.str(e, 'id', { re: /^[0-9A-F]{32}$/ }),
        privateKeyPem: c.str(e, 'privateKeyPem'),
        oidcProvider: withProvider ? { clientIds: po.clientIds ? c.strList(po, 'clientIds') : ['sts.amazonaws.com'] } : null,
      };
    }),
    organizations: [],
    instances: each('instances', (c, e) => parseInstanceEntry(c, e, defaultAccount, true)),
    tasks: each('tasks', (c, e) => parseTaskEntry(c, e, defaultAccount, true)),
  };

  const orgValues = [...top.list(o, 'organizations'), ...(o.organization !== undefined ? [o.organization] : [])];
  doc.organizations = orgValues.map((v, i) => {
    const c = new Ctx(source, `organizations[${i}]${entryName(v)}`);
    const e = c.obj(v, 'organization');
    const orgPolicies = (key: 'scps' | 'rcps') =>
      c.list(e, key).map((p, j) => {
        const pc = new Ctx(source, `${c.where} ${key}[${j}]${entryName(p)}`);
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
        const uc = new Ctx(source, `${c.where} units[${j}]${entryName(u)}`);
        const uo = uc.obj(u, 'unit');
        return { name: uc.str(uo, 'name', { required: true, min: 1, max: 128 })!, parent: uc.str(uo, 'parent') ?? 'Root', accounts: uc.strList(uo, 'accounts', ACCOUNT) };
      }),
      scps: orgPolicies('scps'),
      rcps: orgPolicies('rcps'),
    };
  });
  return doc;
}
