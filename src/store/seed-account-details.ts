// Owns loading the JSON that `aws iam get-account-authorization-details` prints (or the API's raw
// result) as a seed: users, groups, roles (trust, inline, attached, boundary, tags, instance profiles,
// last use) and customer managed policies with every version, keeping AWS's ids, ARNs and dates so a
// real account's IAM design can be rehearsed offline. AWS managed policies come from the catalogue.
// Documents may be objects (the CLI and boto3 decode them) or percent-encoded strings (the raw API).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
import { arns, parseArn } from '../aws/arn';
import { AwsError } from '../aws/errors';
import { newUniqueId, type UniqueIdPrefix } from '../aws/ids';
import { validatePolicyDocument } from '../policy/index';
import { PolicyValidationError, type DocumentKind } from '../policy/types';
import type { IdSource } from '../runtime';
import { checkTrustPrincipals } from './policy-documents';
import { ensureAwsManagedPolicy } from './aws-managed-policies';
import type { PolicyOwnerKind } from './repos/inline-policies';
import type { Tag } from './repos/tags';
import { SeedError } from './seed-error';
import type { Store } from './store';

/** Top-level keys of a GetAccountAuthorizationDetails result (CLI output, boto3 or raw API). */
const DETAIL_KEYS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];
const ALLOWED_KEYS = new Set([...DETAIL_KEYS, 'IsTruncated', 'Marker', 'ResponseMetadata']);

interface Inline {
  name: string;
  document: string;
}
interface Common {
  account: string;
  id: string | null;
  name: string;
  path: string;
  createdAt: string | null;
  inline: Inline[];
  attached: string[];
}
export interface ImportedGroup extends Common {}
export interface ImportedUser extends Common {
  groups: string[];
  boundaryArn: string | null;
  tags: Tag[];
}
export interface ImportedInstanceProfile {
  id: string | null;
  name: string;
  path: string;
  createdAt: string | null;
  tags: Tag[];
}
export interface ImportedRole extends Common {
  trustPolicy: string;
  boundaryArn: string | null;
  tags: Tag[];
  instanceProfiles: ImportedInstanceProfile[];
  lastUsed: { at: string; region: string | null } | null;
}
export interface ImportedPolicy {
  account: string;
  id: string | null;
  name: string;
  path: string;
  description: string | null;
  defaultVersionId: string;
  createdAt: string | null;
  updatedAt: string | null;
  versions: { versionId: string; document: string; createdAt: string | null }[];
}
export interface AccountDetailsImport {
  users: ImportedUser[];
  groups: ImportedGroup[];
  roles: ImportedRole[];
  policies: ImportedPolicy[];
}

type Obj = Record<string, unknown>;

/** True for a document shaped like GetAccountAuthorizationDetails output (no seed section is spelled like its lists). */
export function isAccountAuthorizationDetails(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.keys(value).some((k) => DETAIL_KEYS.includes(k));
}

class Entry {
  constructor(
    readonly source: string,
    readonly where: string,
  ) {}
  fail(problem: string): never {
    throw new SeedError(`${this.source}: ${this.where}: ${problem}`);
  }
  obj(v: unknown, what: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${what} must be an object`);
    return v as Obj;
  }
  list(o: Obj, key: string): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`${key} must be a list`);
    return v;
  }
  str(o: Obj, key: string, re?: RegExp): string | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') this.fail(`${key} must be a string`);
    if (re && !re.test(v)) this.fail(`${key} ${JSON.stringify(v)} is not valid`);
    return v;
  }
  req(o: Obj, key: string, re?: RegExp): string {
    return this.str(o, key, re) ?? this.fail(`${key} is required`);
  }
  date(o: Obj, key: string): string | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    const t = typeof v === 'string' || typeof v === 'number' || v instanceof Date ? new Date(v as string).getTime() : NaN;
    if (Number.isNaN(t)) this.fail(`${key} ${JSON.stringify(v)} is not a date`);
    return new Date(t).toISOString();
  }
  /** A policy document: an object (CLI/boto3), a JSON string, or a percent-encoded JSON string (raw API). */
  document(v: unknown, what: string, kind: DocumentKind): string {
    let text: string;
    if (typeof v === 'object' && v !== null) text = JSON.stringify(v);
    else if (typeof v === 'string') {
      text = v.trimStart().startsWith('{') ? v : decode(v) ?? this.fail(`${what} is neither JSON nor a percent-encoded JSON document`);
    } else this.fail(`${what} is required`);
    try {
      validatePolicyDocument(text, kind);
    } catch (e) {
      if (e instanceof PolicyValidationError) this.fail(`${what}: MalformedPolicyDocument: ${e.message}`);
      throw e;
    }
    return text;
  }
  tags(o: Obj): Tag[] {
    return this.list(o, 'Tags').map((t) => {
      const to = this.obj(t, 'tag');
      return { Key: this.req(to, 'Key'), Value: this.str(to, 'Value') ?? '' };
    });
  }
}

function decode(s: string): string | null {
  try {
    const d = decodeURIComponent(s);
    return d.trimStart().startsWith('{') ? d : null;
  } catch {
    return null;
  }
}

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const ID = /^[A-Z0-9]{16,128}$/;

function accountOf(e: Entry, arn: string | null, fallback: string): string {
  if (arn === null) return fallback;
  const a = parseArn(arn);
  if (!a || a.service !== 'iam') e.fail(`Arn ${JSON.stringify(arn)} is not an IAM ARN`);
  return /^\d{12}$/.test(a.account) ? a.account : fallback;
}

function common(e: Entry, o: Obj, nameKey: string, inlineKey: string, fallback: string): Common {
  return {
    account: accountOf(e, e.str(o, 'Arn'), fallback),
    id: e.str(o, nameKey.replace('Name', 'Id'), ID),
    name: e.req(o, nameKey, NAME),
    path: e.str(o, 'Path', PATH) ?? '/',
    createdAt: e.date(o, 'CreateDate'),
    inline: e.list(o, inlineKey).map((p, i) => {
      const po = e.obj(p, `${inlineKey}[${i}]`);
      const name = e.req(po, 'PolicyName', NAME);
      return { name, document: e.document(po.PolicyDocument, `${inlineKey}[${i}] (${name}) PolicyDocument`, 'identity') };
    }),
    attached: e.list(o, 'AttachedManagedPolicies').map((p, i) => e.req(e.obj(p, `AttachedManagedPolicies[${i}]`), 'PolicyArn')),
  };
}

function boundaryArn(e: Entry, o: Obj): string | null {
  const b = o.PermissionsBoundary;
  if (b === undefined || b === null) return null;
  return e.str(e.obj(b, 'PermissionsBoundary'), 'PermissionsBoundaryArn');
}

/** Parses the output into what will be imported; every problem names the file and the entry. */
export function parseAccountDetails(value: Obj, source: string, defaultAccount: string): AccountDetailsImport {
  const unknown = Object.keys(value).filter((k) => !ALLOWED_KEYS.has(k));
  if (unknown.length > 0) {
    throw new SeedError(`${source}: get-account-authorization-details output: unknown key ${JSON.stringify(unknown[0])} (known: ${[...ALLOWED_KEYS].join(', ')})`);
  }
  const each = <T>(key: string, nameKey: string, fn: (e: Entry, o: Obj) => T): T[] => {
    const top = new Entry(source, key);
    return top.list(value, key).map((v, i) => {
      const name = typeof v === 'object' && v !== null ? (v as Obj)[nameKey] : undefined;
      const e = new Entry(source, `${key}[${i}]${typeof name === 'string' ? ` (${name})` : ''}`);
      return fn(e, e.obj(v, 'entry'));
    });
  };
  return {
    groups: each('GroupDetailList', 'GroupName', (e, o) => common(e, o, 'GroupName', 'GroupPolicyList', defaultAccount)),
    users: each('UserDetailList', 'UserName', (e, o) => ({
      ...common(e, o, 'UserName', 'UserPolicyList', defaultAccount),
      groups: e.list(o, 'GroupList').map((g) => (typeof g === 'string' && NAME.test(g) ? g : e.fail(`GroupList: ${JSON.stringify(g)} is not a group name`))),
      boundaryArn: boundaryArn(e, o),
      tags: e.tags(o),
    })),
    roles: each('RoleDetailList', 'RoleName', (e, o) => {
      const used = o.RoleLastUsed === undefined || o.RoleLastUsed === null ? {} : e.obj(o.RoleLastUsed, 'RoleLastUsed');
      const usedAt = e.date(used, 'LastUsedDate');
      return {
        ...common(e, o, 'RoleName', 'RolePolicyList', defaultAccount),
        trustPolicy: e.document(o.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument', 'trust'),
        boundaryArn: boundaryArn(e, o),
        tags: e.tags(o),
        instanceProfiles: e.list(o, 'InstanceProfileList').map((p, i) => {
          const po = e.obj(p, `InstanceProfileList[${i}]`);
          return {
            id: e.str(po, 'InstanceProfileId', ID),
            name: e.req(po, 'InstanceProfileName', NAME),
            path: e.str(po, 'Path', PATH) ?? '/',
            createdAt: e.date(po, 'CreateDate'),
            tags: e.tags(po),
          };
        }),
        lastUsed: usedAt ? { at: usedAt, region: e.str(used, 'Region') } : null,
      };
    }),
    policies: each('Policies', 'PolicyName', (e, o) => {
      const arn = e.req(o, 'Arn');
      const account = parseArn(arn)?.account;
      if (account === 'aws') return null; // AWS managed: the catalogue already has it
      const defaultVersionId = e.req(o, 'DefaultVersionId', /^v[1-9][0-9]*$/);
      const versions = e.list(o, 'PolicyVersionList').map((v, i) => {
        const vo = e.obj(v, `PolicyVersionList[${i}]`);
        const versionId = e.req(vo, 'VersionId', /^v[1-9][0-9]*$/);
        return { versionId, document: e.document(vo.Document, `PolicyVersionList[${i}] (${versionId}) Document`, 'identity'), createdAt: e.date(vo, 'CreateDate') };
      });
      if (!versions.some((v) => v.versionId === defaultVersionId)) e.fail(`PolicyVersionList has no default version ${defaultVersionId}`);
      if (versions.length > 5) e.fail('A managed policy can have up to 5 versions.');
      return {
        account: accountOf(e, arn, defaultAccount),
        id: e.str(o, 'PolicyId', ID),
        name: e.req(o, 'PolicyName', NAME),
        path: e.str(o, 'Path', /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/) ?? '/',
        description: e.str(o, 'Description'),
        defaultVersionId,
        createdAt: e.date(o, 'CreateDate'),
        updatedAt: e.date(o, 'UpdateDate'),
        versions,
      };
    }).filter((p): p is ImportedPolicy => p !== null),
  };
}

// ------------------------------------------------------------------ applying

export interface AccountDetailsApplyContext {
  ids: IdSource;
  now: Date;
}

function run(source: string, where: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof SeedError) throw e;
    const problem = e instanceof AwsError ? `${e.code}: ${e.message}` : (e as Error).message;
    throw new SeedError(`${source}: ${where}: ${problem}`);
  }
}

function fail(problem: string): never {
  throw new Error(problem);
}

/** An id kept from AWS unless another entity already uses it. */
function idFor(store: Store, ctx: AccountDetailsApplyContext, given: string | null, prefix: UniqueIdPrefix, taken: (id: string) => boolean): string {
  if (given && !taken(given)) return given;
  return newUniqueId(ctx.ids, prefix);
}

function managedRef(store: Store, ctx: AccountDetailsApplyContext, arn: string): string {
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || !p.resource.startsWith('policy/')) fail(`${arn} is not a managed policy ARN`);
  const found = p.account === 'aws' ? ensureAwsManagedPolicy(store, ctx.ids, arn) : store.managedPolicies.get(arn);
  return found?.arn ?? fail(`managed policy ${arn} does not exist (AWS managed policies must be in the catalogue; customer ones in Policies)`);
}

function applyPolicies(store: Store, kind: PolicyOwnerKind, entityId: string, c: Common, ctx: AccountDetailsApplyContext, at: string): void {
  for (const p of c.inline) store.inlinePolicies.put(kind, entityId, p.name, p.document, at);
  for (const arn of c.attached) store.managedPolicies.attach(managedRef(store, ctx, arn), kind, entityId, at);
}

/** Applies the import (upsert, inside the caller's transaction), in dependency order. */
export function applyAccountDetails(store: Store, imp: AccountDetailsImport, source: string, ctx: AccountDetailsApplyContext): void {
  const now = ctx.now.toISOString();
  const ensureAccount = (id: string) => store.accounts.ensure({ id, createdAt: now });

  imp.policies.forEach((p, i) =>
    run(source, `Policies[${i}] (${p.name})`, () => {
      ensureAccount(p.account);
      const arn = arns.policy(p.account, p.path, p.name);
      const created = p.createdAt ?? now;
      const byVersion = new Map(p.versions.map((v) => [v.versionId, v]));
      const def = byVersion.get(p.defaultVersionId)!;
      if (!store.managedPolicies.get(arn)) {
        if (store.managedPolicies.getByName(p.account, p.name)) fail(`a policy called ${p.name} already exists at another path`);
        store.managedPolicies.create({
          arn,
          id: idFor(store, ctx, p.id, 'ANPA', (id) => !!store.db.get('SELECT 1 FROM managed_policies WHERE id = ?', id)),
          accountId: p.account,
          name: p.name,
          path: p.path,
          description: p.description,
          document: def.document,
          createdAt: created,
          updatedAt: p.updatedAt ?? created,
          defaultVersionId: p.defaultVersionId,
          versionCreatedAt: def.createdAt ?? created,
        });
      }
      // The version set becomes exactly the exported one; version numbers continue after the highest.
      for (const v of p.versions) store.managedPolicies.putVersion(arn, v.versionId, v.document, v.createdAt ?? created);
      store.managedPolicies.setDefaultVersion(arn, p.defaultVersionId, p.updatedAt ?? created);
      for (const v of store.managedPolicies.versions(arn)) if (!byVersion.has(v.versionId)) store.managedPolicies.deleteVersion(arn, v.versionId);
      const highest = Math.max(...p.versions.map((v) => Number(v.versionId.slice(1))));
      store.db.run('UPDATE managed_policies SET next_version = MAX(next_version, ?) WHERE arn = ?', highest + 1, arn);
    }),
  );

  imp.groups.forEach((g, i) =>
    run(source, `GroupDetailList[${i}] (${g.name})`, () => {
      ensureAccount(g.account);
      const group =
        store.groups.getByName(g.account, g.name) ??
        store.groups.create({
          id: idFor(store, ctx, g.id, 'AGPA', (id) => !!store.groups.getById(id)),
          accountId: g.account,
          name: g.name,
          path: g.path,
          arn: arns.group(g.account, g.path, g.name),
          createdAt: g.createdAt ?? now,
        });
      applyPolicies(store, 'group', group.id, g, ctx, now);
    }),
  );

  imp.users.forEach((u, i) =>
    run(source, `UserDetailList[${i}] (${u.name})`, () => {
      ensureAccount(u.account);
      const boundary = u.boundaryArn ? managedRef(store, ctx, u.boundaryArn) : null;
      let user = store.users.getByName(u.account, u.name);
      if (!user) {
        user = store.users.create({
          id: idFor(store, ctx, u.id, 'AIDA', (id) => !!store.users.getById(id)),
          accountId: u.account,
          name: u.name,
          path: u.path,
          arn: arns.user(u.account, u.path, u.name),
          boundaryArn: boundary,
          createdAt: u.createdAt ?? now,
        });
      } else store.users.update(user.id, { boundaryArn: boundary });
      for (const gName of u.groups) {
        const g = store.groups.getByName(u.account, gName) ?? fail(`group ${gName} is not in GroupDetailList`);
        store.groups.addMember(g.id, user.id, now);
      }
      applyPolicies(store, 'user', user.id, u, ctx, now);
      if (u.tags.length) store.tags.put('user', user.id, u.tags);
    }),
  );

  imp.roles.forEach((r, i) =>
    run(source, `RoleDetailList[${i}] (${r.name})`, () => {
      ensureAccount(r.account);
      const boundary = r.boundaryArn ? managedRef(store, ctx, r.boundaryArn) : null;
      let role = store.roles.getByName(r.account, r.name);
      if (!role) {
        role = store.roles.create({
          id: idFor(store, ctx, r.id, 'AROA', (id) => !!store.roles.getById(id)),
          accountId: r.account,
          name: r.name,
          path: r.path,
          arn: arns.role(r.account, r.path, r.name),
          trustPolicy: r.trustPolicy,
          description: null,
          maxSessionDuration: 3600,
          boundaryArn: boundary,
          createdAt: r.createdAt ?? now,
        });
      } else store.roles.update(role.id, { trustPolicy: r.trustPolicy, boundaryArn: boundary });
      applyPolicies(store, 'role', role.id, r, ctx, now);
      if (r.tags.length) store.tags.put('role', role.id, r.tags);
      if (r.lastUsed) store.roles.recordUse(role.id, r.lastUsed.at, r.lastUsed.region ?? '');
      for (const ip of r.instanceProfiles) {
        let profile = store.instanceProfiles.getByName(r.account, ip.name);
        if (!profile) {
          profile = store.instanceProfiles.create({
            id: idFor(store, ctx, ip.id, 'AIPA', (id) => !!store.db.get('SELECT 1 FROM instance_profiles WHERE id = ?', id)),
            accountId: r.account,
            name: ip.name,
            path: ip.path,
            arn: arns.instanceProfile(r.account, ip.path, ip.name),
            createdAt: ip.createdAt ?? now,
          });
        }
        if (ip.tags.length) store.tags.put('instance-profile', profile.id, ip.tags, false);
        const held = store.instanceProfiles.roleIds(profile.id);
        if (!held.includes(role.id)) {
          if (held.length > 0) fail(`instance profile ${ip.name} already holds another role`);
          store.instanceProfiles.addRole(profile.id, role.id);
        }
      }
    }),
  );

  // Principals named in trust policies must exist once everything is in place (as for any seed).
  imp.roles.forEach((r, i) => run(source, `RoleDetailList[${i}] (${r.name})`, () => checkTrustPrincipals(store, r.trustPolicy)));
}
