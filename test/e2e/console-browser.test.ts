// The web console in a real browser: Debian's chromium (headless) driven by playwright-core, against a
// real server. Signs in through the form (SigV4 signed in-page with WebCrypto → session cookie), sees
// a denied IRSA call appear in the live view, opens it and reads the failing condition (wanted vs
// seen) with the trust policy statement highlighted; browses principals; runs the simulator.
// Screenshots of the main views are taken on every run; with IAMLOCAL_SCREENSHOTS=docs they replace
// docs/console-*.png (so a plain test run leaves the checkout clean). .ci/run installs chromium;
// locally the test skips, saying so, only when /usr/bin/chromium is absent.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { mintToken } from '../helpers/admin-client';
import { send } from '../helpers/raw-client';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`console-browser.test.ts skipped: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run installs it)`);

const IRSA_SEED = fileURLToPath(new URL('../../seed/10-irsa-payments.yaml', import.meta.url));
const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));
const ROLE = 'arn:aws:iam::000000000000:role/payments-api';

describe.skipIf(!HAVE_CHROMIUM)('web console in headless Chromium', () => {
  let iam: IamLocal;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let DOCS: string;

  beforeAll(async () => {
    iam = await startIamLocal({ seed: [IRSA_SEED, { users: [{ name: 'ana', inlinePolicies: { s3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] } } }] }] });
    profile = mkdtempSync(join(tmpdir(), 'iamlocal-chromium-'));
    DOCS = process.env.IAMLOCAL_SCREENSHOTS === 'docs' ? DOCS_DIR : mkdtempSync(join(tmpdir(), 'iamlocal-shots-'));
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await iam?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (DOCS && DOCS !== DOCS_DIR) rmSync(DOCS, { recursive: true, force: true });
  });

  it('the page alone shows only the sign-in form; a wrong secret is refused', async () => {
    await page.goto(`${iam.endpoint}/_iamlocal/console`);
    await page.waitForSelector('#login-form');
    expect(await page.isHidden('#tabs')).toBe(true);
    await page.fill('input[name=accessKeyId]', 'test');
    await page.fill('input[name=secretAccessKey]', 'not-the-secret');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#login-error:has-text("Sign-in failed")');
    expect(await page.textContent('#login-error')).toContain('signature');
    await page.screenshot({ path: join(DOCS, 'console-login.png') });
  }, 60_000);

  it('signs in, shows a denied IRSA call live, and explains it: trust policy, :sub wanted vs seen', async () => {
    await page.fill('input[name=secretAccessKey]', 'test');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#live.on');
    // The cookie is HttpOnly and SameSite=Strict.
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'iamlocal_console')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    const token = await mintToken(iam.endpoint, 'demo', { namespace: 'default', serviceAccount: 'payments-api' });
    await new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: iam.credentials })
      .send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'pod', WebIdentityToken: token }))
      .catch(() => undefined);

    const row = page.locator('#decision-table tbody tr', { hasText: 'sts:AssumeRoleWithWebIdentity' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('denied');
    await row.click();
    await page.waitForSelector('#detail .cond');
    const cond = await page.textContent('#detail .cond');
    expect(cond).toContain('StringEquals');
    expect(cond).toContain(':sub');
    expect(cond).toContain('system:serviceaccount:payments:payments-api');
    expect(cond).toContain('system:serviceaccount:default:payments-api');
    // The failing statement is highlighted in the trust policy text, the key marked.
    expect(await page.textContent('#detail pre.policy mark.failed')).toContain('sts:AssumeRoleWithWebIdentity');
    expect(await page.textContent('#detail pre.policy mark.key')).toContain(':sub');
    await page.screenshot({ path: join(DOCS, 'console-decisions.png') });

    // Filtering to allowed decisions hides the denial.
    await page.selectOption('#filters select[name=decision]', 'allowed');
    expect(await page.locator('#decision-table tbody tr', { hasText: 'sts:AssumeRoleWithWebIdentity' }).count()).toBe(0);
    await page.selectOption('#filters select[name=decision]', '');
  }, 60_000);

  it('principals & policies: roles with trust policies, users, OIDC providers, clusters', async () => {
    await page.click('#tabs button[data-tab=principals]');
    await page.waitForSelector('#principals-body .acct');
    const text = await page.textContent('#principals-body');
    expect(text).toContain(ROLE);
    expect(text).toContain('arn:aws:iam::000000000000:user/ana');
    expect(text).toContain('oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D');
    expect(text).toContain('Mock EKS clusters (1)');
    await page.locator('#principals-body summary', { hasText: ROLE }).click();
    await page.locator('#principals-body summary', { hasText: 'Trust policy' }).first().click();
    expect(await page.locator('#principals-body pre.policy').first().textContent()).toContain('"sts:AssumeRoleWithWebIdentity"');
    await page.screenshot({ path: join(DOCS, 'console-principals.png') });
  }, 60_000);

  it('the simulator runs the evaluator and shows each decision with its reason', async () => {
    await page.click('#tabs button[data-tab=simulator]');
    await page.fill('#sim-form input[name=principal]', 'arn:aws:iam::000000000000:user/ana');
    await page.fill('#sim-form textarea[name=actions]', 's3:GetObject\ns3:PutObject');
    await page.fill('#sim-form textarea[name=resources]', 'arn:aws:s3:::reports/q3.csv');
    await page.click('#sim-form button[type=submit]');
    await page.waitForSelector('#sim-results tbody tr');
    const rows = await page.locator('#sim-results tbody tr').allTextContents();
    expect(rows[0]).toContain('allowed');
    expect(rows[1]).toContain('implicitDeny');
    expect(rows[1]).toContain('no identity-based policy allows s3:PutObject');
    await page.screenshot({ path: join(DOCS, 'console-simulator.png') });
    // Simulations are in the log, marked simulated.
    expect(iam.decisions({ simulated: true }).map((d) => d.action)).toEqual(['s3:GetObject', 's3:PutObject']);
  }, 60_000);

  it('never an unauthenticated or cross-site write: the cookie alone cannot POST without the CSRF token', async () => {
    const status = await page.evaluate(async () => (await fetch('/_iamlocal/console/api/simulate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"principal":"x","actions":["s3:GetObject"]}' })).status);
    expect(status).toBe(403);
    const anon = await send(iam.endpoint, { method: 'POST', path: '/_iamlocal/console/api/simulate', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anon.status).toBe(403);
  }, 60_000);
});
