// The Organizations cache behind authorization never outlives the data: any write to the org tables
// (through the repository, raw SQL, or a reset) is seen by the next decision.
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/authz/authorize';
import { withOrgMemo } from '../../src/authz/org-memo';
import { harness } from '../helpers/services';

const denyS3 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] });
const seed = {
  accounts: [{ id: '999999999999' }],
  organization: { managementAccount: '999999999999', units: [{ name: 'Workloads', accounts: ['000000000000'] }] },
};

describe('organization cache', () => {
  it('sees an SCP attached after a decision was cached, and its removal', async () => {
    const h = await harness(seed);
    const ask = () => withOrgMemo(() => decide(h.store, { principal: h.root(), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} }).decision.decision, h.store);
    expect(ask()).toBe('allowed');
    const org = h.store.organizations.membership('000000000000')!.org;
    h.store.organizations.createPolicy({ id: 'p-denys3000', orgId: org.id, type: 'SERVICE_CONTROL_POLICY', name: 'DenyS3', description: null, content: denyS3 });
    h.store.organizations.attach('p-denys3000', '000000000000');
    expect(ask()).toBe('explicitDeny');
    // A write that bypasses the repository is seen too (SQLite triggers bump the generation).
    h.store.db.run('DELETE FROM org_policy_attachments WHERE policy_id = ?', 'p-denys3000');
    expect(ask()).toBe('allowed');
  });

  it('sees an account leave the organization and a wipe', async () => {
    const h = await harness(seed);
    const org = h.store.organizations.membership('000000000000')!.org;
    h.store.organizations.createPolicy({ id: 'p-denys3001', orgId: org.id, type: 'SERVICE_CONTROL_POLICY', name: 'DenyS3', description: null, content: denyS3 });
    h.store.organizations.attach('p-denys3001', org.rootId);
    const ask = () => decide(h.store, { principal: h.root(), action: 's3:GetObject', resource: '*', context: {} }).decision.decision;
    expect(ask()).toBe('explicitDeny');
    h.store.db.run('DELETE FROM org_accounts WHERE account_id = ?', '000000000000');
    expect(ask()).toBe('allowed');
    h.store.db.run('INSERT INTO org_accounts (account_id, org_id, parent_id, joined_at) VALUES (?, ?, ?, ?)', '000000000000', org.id, org.rootId, '2026-01-01T00:00:00Z');
    expect(ask()).toBe('explicitDeny');
    const before = h.store.db.generation('org');
    h.store.wipe();
    expect(h.store.db.generation('org')).toBeGreaterThan(before);
    expect(h.store.organizations.membership('000000000000')).toBeNull();
    expect(ask()).toBe('allowed');
  });
});
