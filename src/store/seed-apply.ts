// Owns applying one parsed seed document to the store, synchronously, inside the caller's transaction.
// Seeds are upserts: on a persistent data file they are re-applied at every start without conflict
// (missing entities are created, existing ones updated to match, keys and attachments ensured).
import type { JWK } from 'jose';
import { arns, parseArn } from '../aws/arn';
import { AwsError } from '../aws/errors';
import { newPodIdentityAssociationId, newUniqueId, orgIds } from '../aws/ids';
import { eksIssuerUrl, jwks, newClusterOidcId, providerUrlFromIssuer, type ClusterKey } from '../oidc/index';
import type { IdSource } from '../runtime';
import { checkTrustPrincipals } from './policy-documents';
import { ensureAwsManagedPolicy } from './aws-managed-policies';
import { ensureClusterOidcProvider, recordClusterKey, vaultedClusterKey } from './cluster-vault';
import { applyAccountDetails } from './seed-account-details';
import { applySamlSeed } from './seed-saml';
import { applyInstance, applyTask } from './seed-workloads';
import type { PolicyOwnerKind } from './repos/inline-policies';
import type { OrgPolicyType } from './repos/organizations';
import { SeedError, type SeedDocument, type SeedKey, type SeedOrganization, type SeedPodIdentityAssociation, type SeedPolicyRefs } from './seed-schema';
import type { Store } from './store';

export interface ApplyContext {
  ids: IdSource;
  now: Date;
  clusterKeys: Map<string, ClusterKey>;
}

function entryLabel(section: string, i: number, name: string): string {
  return `${section}[${i}] (${name})`;
}

/** Runs `fn` for one entry, turning any failure into a SeedError naming file and entry. */
function forEntry(doc: SeedDocument, label: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof SeedError) throw e;
    const problem = e instanceof AwsError ? `${e.code}: ${e.message}` : (e as Error).message;
    throw new SeedError(`${doc.source}: ${label}: ${problem}`);
  }
}

function fail(problem: string): never {
  throw new Error(problem);
}

function ensureKeys(store: Store, keys: SeedKey[], account: string, userId: string | null, at: string): void {
  for (const k of keys) {
    const existing = store.accessKeys.get(k.accessKeyId);
    if (existing) {
      if (existing.accountId !== account || existing.userId !== userId) fail(`access key ${k.accessKeyId} already belongs to another identity`);
      if (existing.secret !== k.secretAccessKey) {
        store.accessKeys.delete(k.accessKeyId);
        store.accessKeys.create({ id: k.accessKeyId, secret: k.secretAccessKey, accountId: account, userId, status: k.status, createdAt: at });
      } else if (existing.status !== k.status) store.accessKeys.setStatus(k.accessKeyId, k.status);
      continue;
    }
    if (store.sessions.get(k.accessKeyId)) fail(`access key ${k.accessKeyId} is already in use`);
    if (userId && store.accessKeys.listFor(account, userId).length >= 2) fail('Cannot exceed quota for AccessKeysPerUser: 2');
    store.accessKeys.create({ id: k.accessKeyId, secret: k.secretAccessKey, accountId: account, userId, status: k.status, createdAt: at });
  }
}

/** A managed-policy reference: an ARN (customer or AWS-managed) or a customer policy name in `account`. */
function resolvePolicyRef(store: Store, ids: IdSource, account: string, ref: string): string {
  if (ref.startsWith('arn:')) {
    const p = parseArn(ref);
    if (!p || p.service !== 'iam' || !p.resource.startsWith('policy/')) fail(`${ref} is not a managed policy ARN`);
    const found = p.account === 'aws' ? ensureAwsManagedPolicy(store, ids, ref) : store.managedPolicies.get(ref);
    if (!found) fail(`managed policy ${ref} does not exist`);
    return found.arn;
  }
  const byName = store.managedPolicies.getByName(account, ref);
  if (!byName) fail(`managed policy ${JSON.stringify(ref)} is not defined in account ${account} (define it under policies:, or use an ARN)`);
  return byName.arn;
}

function applyRefs(store: Store, ctx: ApplyContext, kind: PolicyOwnerKind, entityId: string, account: string, refs: Pick<SeedPolicyRefs, 'inlinePolicies' | 'managedPolicies'>): void {
  const at = ctx.now.toISOString();
  for (const p of refs.inlinePolicies) store.inlinePolicies.put(kind, entityId, p.name, p.document, at);
  const arnsToAttach = refs.managedPolicies.map((r) => resolvePolicyRef(store, ctx.ids, account, r));
  if (arnsToAttach.length > 10) fail(`Cannot exceed quota for PoliciesPer${kind === 'role' ? 'Role' : kind === 'user' ? 'User' : 'Group'}: 10`);
  for (const arn of arnsToAttach) store.managedPolicies.attach(arn, kind, entityId, at);
}

function applyOrganization(store: Store, ctx: ApplyContext, org: SeedOrganization): void {
  const at = ctx.now.toISOString();
  const all = [org.managementAccount, ...org.accounts, ...org.units.flatMap((u) => u.accounts)];
  for (const a of all) store.accounts.ensure({ id: a, createdAt: at });

  const existingMembership = store.organizations.membership(org.managementAccount);
  let o = existingMembership?.org ?? (org.id ? store.organizations.get(org.id) : null);
  if (o && o.managementAccountId !== org.managementAccount) fail(`organization ${o.id} is managed by ${o.managementAccountId}, not ${org.managementAccount}`);
  if (!o) {
    o = store.organizations.create({
      id: org.id ?? orgIds.organization(ctx.ids),
      rootId: orgIds.root(ctx.ids),
      managementAccountId: org.managementAccount,
      createdAt: at,
      rcpEnabled: org.rcpEnabled,
    });
  } else if (org.rcpEnabled && !o.rcpEnabled) {
    // Enabling RCPs attaches RCPFullAWSAccess to the root, every OU and every account, as in AWS.
    store.organizations.setPolicyTypeEnabled(o.id, 'RESOURCE_CONTROL_POLICY', true);
  }
  const orgId = o.id;
  const unitIds = new Map<string, string>([['Root', o.rootId]]);
  for (const u of org.units) {
    const parentId = unitIds.get(u.parent) ?? fail(`unit ${JSON.stringify(u.name)}: parent ${JSON.stringify(u.parent)} is not Root or an earlier unit`);
    const unit = store.organizations.unitByName(orgId, parentId, u.name) ?? store.organizations.createUnit({ id: orgIds.ou(ctx.ids, o.rootId), orgId, parentId, name: u.name });
    unitIds.set(u.name, unit.id);
  }
  for (const a of org.accounts) store.organizations.placeAccount(a, orgId, o.rootId, at);
  for (const u of org.units) for (const a of u.accounts) store.organizations.placeAccount(a, orgId, unitIds.get(u.name)!, at);

  const policies = (list: SeedOrganization['scps'], type: OrgPolicyType) => {
    for (const p of list) {
      let pol = store.organizations.policyByName(orgId, type, p.name);
      if (!pol) pol = store.organizations.createPolicy({ id: orgIds.policy(ctx.ids), orgId, type, name: p.name, description: p.description, content: p.content });
      else if (pol.content !== p.content) store.db.run('UPDATE org_policies SET content = ?, description = ? WHERE id = ?', p.content, p.description, pol.id);
      for (const t of p.targets) {
        const target = unitIds.get(t) ?? (/^\d{12}$/.test(t) ? t : fail(`policy ${JSON.stringify(p.name)}: target ${JSON.stringify(t)} is not Root, a unit name or an account id`));
        if (/^\d{12}$/.test(target) && store.organizations.membership(target)?.org.id !== orgId) fail(`policy ${JSON.stringify(p.name)}: account ${target} is not in the organization`);
        store.organizations.attach(pol.id, target);
      }
    }
  };
  policies(org.scps, 'SERVICE_CONTROL_POLICY');
  policies(org.rcps, 'RESOURCE_CONTROL_POLICY');
}

export function applySeedDocument(store: Store, doc: SeedDocument, ctx: ApplyContext): void {
  const at = ctx.now.toISOString();
  const ensureAccount = (id: string) => store.accounts.ensure({ id, createdAt: at });

  doc.accounts.forEach((a, i) =>
    forEntry(doc, entryLabel('accounts', i, a.id), () => {
      store.accounts.ensure({ id: a.id, alias: a.alias, email: a.email, name: a.name, createdAt: at });
      ensureKeys(store, a.rootAccessKeys, a.id, null, at);
    }),
  );

  doc.organizations.forEach((o, i) => forEntry(doc, entryLabel('organizations', i, o.id ?? o.managementAccount), () => applyOrganization(store, ctx, o)));

  doc.policies.forEach((p, i) =>
    forEntry(doc, entryLabel('policies', i, p.name), () => {
      ensureAccount(p.account);
      const existing = store.managedPolicies.getByName(p.account, p.name);
      if (!existing) {
        const arn = arns.policy(p.account, p.path, p.name);
        store.managedPolicies.create({ arn, id: newUniqueId(ctx.ids, 'ANPA'), accountId: p.account, name: p.name, path: p.path, description: p.description, document: p.document, createdAt: at });
        if (p.tags.length) store.tags.put('policy', arn, p.tags, false);
      } else if (store.managedPolicies.defaultDocument(existing.arn) !== p.document) {
        for (const v of store.managedPolicies.versions(existing.arn).slice(4)) if (v.versionId !== existing.defaultVersionId) store.managedPolicies.deleteVersion(existing.arn, v.versionId);
        store.managedPolicies.addVersion(existing.arn, p.document, at, true);
      }
    }),
  );

  doc.groups.forEach((g, i) =>
    forEntry(doc, entryLabel('groups', i, g.name), () => {
      ensureAccount(g.account);
      const group =
        store.groups.getByName(g.account, g.name) ??
        store.groups.create({ id: newUniqueId(ctx.ids, 'AGPA'), accountId: g.account, name: g.name, path: g.path, arn: arns.group(g.account, g.path, g.name), createdAt: at });
      applyRefs(store, ctx, 'group', group.id, g.account, g);
    }),
  );

  doc.users.forEach((u, i) =>
    forEntry(doc, entryLabel('users', i, u.name), () => {
      ensureAccount(u.account);
      const boundaryArn = u.permissionsBoundary ? resolvePolicyRef(store, ctx.ids, u.account, u.permissionsBoundary) : null;
      let user = store.users.getByName(u.account, u.name);
      if (!user) {
        user = store.users.create({ id: newUniqueId(ctx.ids, 'AIDA'), accountId: u.account, name: u.name, path: u.path, arn: arns.user(u.account, u.path, u.name), boundaryArn, createdAt: at });
      } else store.users.update(user.id, { boundaryArn });
      ensureKeys(store, u.accessKeys, u.account, user.id, at);
      for (const gName of u.groups) {
        const g = store.groups.getByName(u.account, gName) ?? fail(`group ${JSON.stringify(gName)} is not defined in account ${u.account}`);
        if (!store.groups.isMember(g.id, user.id) && store.groups.countForUser(user.id) >= 10) fail('Cannot exceed quota for GroupsPerUser: 10');
        store.groups.addMember(g.id, user.id, at);
      }
      for (const d of u.mfaDevices) {
        // A virtual MFA device enabled for this user, with the seed given (so codes can be computed).
        const serial = arns.mfa(u.account, d.path, d.name);
        const existing = store.mfaDevices.get(serial);
        if (existing && existing.userId !== null && existing.userId !== user.id) fail(`MFA device ${serial} is enabled for another user`);
        if (existing && existing.seedBase32 !== d.seed) fail(`MFA device ${serial} exists with another seed`);
        if (!existing) store.mfaDevices.create({ serial, accountId: u.account, name: d.name, path: d.path, seedBase32: d.seed, createdAt: at });
        if (!existing || existing.userId === null) store.mfaDevices.enable(serial, user.id, at);
      }
      applyRefs(store, ctx, 'user', user.id, u.account, u);
      if (u.tags.length) store.tags.put('user', user.id, u.tags);
    }),
  );

  doc.eksClusters.forEach((c, i) =>
    forEntry(doc, entryLabel('eksClusters', i, c.name), () => {
      ensureAccount(c.account);
      let cluster = store.eksClusters.get(c.account, c.region, c.name);
      if (!cluster) {
        const key = ctx.clusterKeys.get(`${c.account}/${c.region}/${c.name}`) ?? fail('signing key was not prepared');
        const vaulted = c.privateKeyPem ? null : vaultedClusterKey(store, c.account, c.region, c.name, c.id ?? undefined);
        const id = c.id ?? vaulted?.id ?? newClusterOidcId(ctx.ids);
        if (store.eksClusters.getById(id)) fail(`cluster OIDC id ${id} is already used by another cluster`);
        cluster = store.eksClusters.create({
          accountId: c.account,
          region: c.region,
          name: c.name,
          id,
          issuer: eksIssuerUrl(c.region, id),
          privateJwk: JSON.stringify(key.privateJwk),
          publicJwk: JSON.stringify(key.publicJwk),
          kid: key.kid,
          createdAt: vaulted?.createdAt ?? at,
        });
      } else if (c.id && cluster.id !== c.id) fail(`cluster exists with OIDC id ${cluster.id}, not ${c.id}`);
      if (c.oidcProvider) ensureClusterOidcProvider(store, cluster, c.oidcProvider.clientIds, at);
      recordClusterKey(store, cluster, c.oidcProvider?.clientIds ?? null);
      for (const sa of c.serviceAccounts) store.webhook.putServiceAccount({ clusterId: cluster.id, namespace: sa.namespace, name: sa.name, annotations: sa.annotations, source: 'seed', updatedAt: at });
    }),
  );

  doc.oidcProviders.forEach((p, i) =>
    forEntry(doc, entryLabel('oidcProviders', i, p.url), () => {
      ensureAccount(p.account);
      if (p.thumbprints.length > 5) fail('Thumbprint list must contain fewer than 5 entries.');
      const url = p.url.slice('https://'.length);
      const existing = store.oidcProviders.findByUrl(p.account, url);
      if (!existing) {
        const arn = arns.oidcProvider(p.account, url);
        store.oidcProviders.create({ arn, accountId: p.account, url, clientIds: p.clientIds, thumbprints: p.thumbprints, jwks: p.jwks, allowNetworkFetch: p.allowNetworkFetch, createdAt: at });
        if (p.tags.length) store.tags.put('oidc-provider', arn, p.tags, false);
      } else store.oidcProviders.update(existing.arn, { clientIds: p.clientIds, thumbprints: p.thumbprints, jwks: p.jwks, allowNetworkFetch: p.allowNetworkFetch });
    }),
  );

  applySamlSeed(store, { samlIdps: doc.samlIdps, samlProviders: doc.samlProviders }, ctx, (label, fn) => forEntry(doc, label, fn));

  doc.roles.forEach((r, i) =>
    forEntry(doc, entryLabel('roles', i, r.name), () => {
      ensureAccount(r.account);
      const boundaryArn = r.permissionsBoundary ? resolvePolicyRef(store, ctx.ids, r.account, r.permissionsBoundary) : null;
      let role = store.roles.getByName(r.account, r.name);
      if (!role) {
        role = store.roles.create({
          id: newUniqueId(ctx.ids, 'AROA'),
          accountId: r.account,
          name: r.name,
          path: r.path,
          arn: arns.role(r.account, r.path, r.name),
          trustPolicy: r.trustPolicy,
          description: r.description,
          maxSessionDuration: r.maxSessionDuration,
          boundaryArn,
          createdAt: at,
        });
      } else {
        store.roles.update(role.id, { trustPolicy: r.trustPolicy, description: r.description, maxSessionDuration: r.maxSessionDuration, boundaryArn });
      }
      applyRefs(store, ctx, 'role', role.id, r.account, r);
      if (r.tags.length) store.tags.put('role', role.id, r.tags);
    }),
  );

  // Principals named in trust policies must exist once everything in the document is in place.
  doc.roles.forEach((r, i) => forEntry(doc, entryLabel('roles', i, r.name), () => checkTrustPrincipals(store, r.trustPolicy)));

  doc.podIdentityAssociations.forEach((p, i) =>
    forEntry(doc, entryLabel('podIdentityAssociations', i, `${p.cluster}/${p.namespace}/${p.serviceAccount}`), () => applyPodIdentityAssociation(store, ctx, p, at)),
  );

  if (doc.accountDetails) applyAccountDetails(store, doc.accountDetails, doc.source, ctx);

  // Workloads last: their instance profiles and task roles refer to the roles above.
  doc.instances.forEach((s, i) => forEntry(doc, entryLabel('instances', i, s.id ?? ''), () => applyInstance(store, ctx.ids, ctx.now, s)));
  doc.tasks.forEach((s, i) => forEntry(doc, entryLabel('tasks', i, s.taskId ?? s.cluster), () => applyTask(store, ctx.ids, ctx.now, s)));
}

/**
 * One Pod Identity association: its cluster and role(s) must exist (in this or an earlier seed); an
 * association of the same service account is updated in place, so re-applying a seed is idempotent.
 */
function applyPodIdentityAssociation(store: Store, ctx: ApplyContext, p: SeedPodIdentityAssociation, at: string): void {
  const cluster = p.region
    ? store.eksClusters.get(p.account, p.region, p.cluster)
    : (store.eksClusters.list().find((c) => c.accountId === p.account && c.name === p.cluster) ?? null);
  if (!cluster) fail(`cluster ${p.cluster} is not defined (eksClusters)`);
  const roleArn = p.role.startsWith('arn:') ? p.role : store.roles.getByName(p.account, p.role)?.arn;
  if (!roleArn || !store.roles.getByArn(roleArn)) fail(`role ${p.role} does not exist`);
  if (p.targetRoleArn && !store.roles.getByArn(p.targetRoleArn)) fail(`targetRoleArn ${p.targetRoleArn} does not exist`);
  const existing = store.podIdentity.findAssociation(cluster!.accountId, cluster!.name, p.namespace, p.serviceAccount, cluster!.region);
  if (existing) {
    if (p.id && existing.id !== p.id) fail(`an association ${existing.id} exists for ${p.namespace}/${p.serviceAccount}, not ${p.id}`);
    store.podIdentity.update(existing.id, {
      modifiedAt: at,
      roleArn: roleArn!,
      targetRoleArn: p.targetRoleArn,
      externalId: p.targetRoleArn ? (existing.externalId ?? ctx.ids.requestId()) : null,
      disableSessionTags: p.disableSessionTags,
    });
    if (p.tags.length) store.tags.put('eks-pod-identity-association', existing.arn, p.tags, false);
    return;
  }
  const id = p.id ?? newPodIdentityAssociationId(ctx.ids);
  const arn = arns.eksPodIdentityAssociation(cluster!.region, cluster!.accountId, cluster!.name, id);
  if (store.podIdentity.getByArn(arn)) fail(`association id ${id} is already used`);
  store.podIdentity.create({
    id,
    arn,
    accountId: cluster!.accountId,
    region: cluster!.region,
    clusterName: cluster!.name,
    namespace: p.namespace,
    serviceAccount: p.serviceAccount,
    roleArn: roleArn!,
    targetRoleArn: p.targetRoleArn,
    externalId: p.targetRoleArn ? ctx.ids.requestId() : null,
    disableSessionTags: p.disableSessionTags,
    policy: null,
    ownerArn: null,
    clientRequestToken: null,
    createdAt: at,
    modifiedAt: at,
  });
  if (p.tags.length) store.tags.put('eks-pod-identity-association', arn, p.tags, false);
}
