// Configuration: defaults, IAMLOCAL_* environment, flags (flags win), and clear errors.
import { describe, expect, it } from 'vitest';
import type { OptionSpec } from '../../src/cli-args';
import { HEALTH_OPTIONS, HEALTH_USAGE } from '../../src/cli-health';
import { MINT_TOKEN_OPTIONS, MINT_TOKEN_USAGE } from '../../src/cli-mint-token';
import { dataFile, defaults, resolveConfig, SERVER_OPTIONS, USAGE } from '../../src/config';

describe('config', () => {
  it('defaults: 127.0.0.1:4599, ./.iamlocal/iamlocal.db, root AKIAIAMLOCALROOTUSER/root, user admin test/test, info, enforce', () => {
    const c = resolveConfig([], {});
    expect(c).toMatchObject({ port: 4599, host: '127.0.0.1', inMemory: false, seeds: [], logLevel: 'info', rootCredentials: { accessKeyId: 'AKIAIAMLOCALROOTUSER', secretAccessKey: 'root' }, defaultUser: { userName: 'admin', accessKeyId: 'test', secretAccessKey: 'test' }, enforce: 'enforce' });
    expect(dataFile(c)).toBe('.iamlocal/iamlocal.db');
    expect(dataFile({ ...c, inMemory: true })).toBe(':memory:');
  });

  it('environment, then flags', () => {
    const env = { IAMLOCAL_PORT: '5000', IAMLOCAL_HOST: '0.0.0.0', IAMLOCAL_DATA_DIR: '/data', IAMLOCAL_SEED: 'a.yaml,seed/', IAMLOCAL_LOG_LEVEL: 'warn', IAMLOCAL_IN_MEMORY: 'true' };
    expect(resolveConfig([], env)).toMatchObject({ port: 5000, host: '0.0.0.0', dataDir: '/data', seeds: ['a.yaml', 'seed/'], logLevel: 'warn', inMemory: true });
    const c = resolveConfig(['--port', '6000', '--seed', 'x.yaml', '--seed=y/', '--log-level', 'silent', '--data', '/tmp/d'], env);
    expect(c).toMatchObject({ port: 6000, seeds: ['x.yaml', 'y/'], logLevel: 'silent', dataDir: '/tmp/d', inMemory: false });
  });

  it('IAMLOCAL_SEED splits on commas and colons, but keeps iamlocal:examples whole', () => {
    expect(resolveConfig([], { IAMLOCAL_SEED: 'a.yaml:b/,iamlocal:examples, iamlocal:examples/10-irsa-payments.yaml' }).seeds).toEqual(['a.yaml', 'b/', 'iamlocal:examples', 'iamlocal:examples/10-irsa-payments.yaml']);
  });

  it('enforce mode and the decision log: default enforce / 1000; env, then flags; bad values refused', () => {
    expect(resolveConfig([], {})).toMatchObject({ enforce: 'enforce', decisionLogSize: 1000, decisionLogPersist: false });
    const env = { IAMLOCAL_ENFORCE: 'audit', IAMLOCAL_DECISION_LOG: '50', IAMLOCAL_DECISION_LOG_PERSIST: '1' };
    expect(resolveConfig([], env)).toMatchObject({ enforce: 'audit', decisionLogSize: 50, decisionLogPersist: true });
    expect(resolveConfig(['--enforce', 'enforce', '--decision-log=7'], env)).toMatchObject({ enforce: 'enforce', decisionLogSize: 7 });
    expect(() => resolveConfig(['--enforce', 'off'], {})).toThrow(/expected enforce or audit/);
    expect(() => resolveConfig([], { IAMLOCAL_DECISION_LOG: '0' })).toThrow(/IAMLOCAL_DECISION_LOG/);
  });

  it('root credentials from env, or off', () => {
    expect(resolveConfig([], { IAMLOCAL_ROOT_ACCESS_KEY_ID: 'AKIAX', IAMLOCAL_ROOT_SECRET_ACCESS_KEY: 's' }).rootCredentials).toEqual({ accessKeyId: 'AKIAX', secretAccessKey: 's' });
    expect(resolveConfig([], { IAMLOCAL_ROOT_ACCESS_KEY_ID: 'off' }).rootCredentials).toBe(false);
    expect(() => resolveConfig([], { IAMLOCAL_ROOT_ACCESS_KEY_ID: 'AKIAX' })).toThrow('IAMLOCAL_ROOT_ACCESS_KEY_ID is set but IAMLOCAL_ROOT_SECRET_ACCESS_KEY is not');
  });

  it('bad input is a clear error', () => {
    expect(() => resolveConfig(['--port', 'abc'], {})).toThrow('--port: not a port number: "abc"');
    expect(() => resolveConfig(['--log-level', 'loud'], {})).toThrow('--log-level: expected one of debug, info, warn, error, silent, got "loud"');
    expect(() => resolveConfig(['--bogus'], {})).toThrow(/^unknown option "--bogus"/);
    expect(() => resolveConfig(['--seed'], {})).toThrow('--seed needs a value');
  });

  it('the pod identity webhook is off by default; --webhook-port / --webhook-san and their env override', () => {
    expect(resolveConfig([], {})).toMatchObject({ webhookPort: null, webhookSans: [] });
    expect(resolveConfig(['--webhook-port', '4600', '--webhook-san', 'a.example', '--webhook-san=10.0.0.5'], {})).toMatchObject({ webhookPort: 4600, webhookSans: ['a.example', '10.0.0.5'] });
    expect(resolveConfig([], { IAMLOCAL_WEBHOOK_PORT: '4601', IAMLOCAL_WEBHOOK_SANS: 'x.example, 10.0.0.6' })).toMatchObject({ webhookPort: 4601, webhookSans: ['x.example', '10.0.0.6'] });
    expect(resolveConfig([], { IAMLOCAL_WEBHOOK_PORT: 'off' }).webhookPort).toBeNull();
    expect(() => resolveConfig(['--webhook-port', 'https'], {})).toThrow('--webhook-port: not a port number: "https"');
    resolveConfig(['--webhook-san', 'b'], {});
    expect(defaults.webhookSans).toEqual([]);
  });

  it('workload credential ports: off by default, a port (0 = any free one) from env or flags, `off` again', () => {
    expect(resolveConfig([], {})).toMatchObject({ imdsPort: null, ecsPort: null });
    expect(resolveConfig([], { IAMLOCAL_IMDS_PORT: '1338', IAMLOCAL_ECS_PORT: '0' })).toMatchObject({ imdsPort: 1338, ecsPort: 0 });
    expect(resolveConfig(['--imds-port', 'off', '--ecs-port', '1339'], { IAMLOCAL_IMDS_PORT: '1338' })).toMatchObject({ imdsPort: null, ecsPort: 1339 });
    expect(() => resolveConfig(['--imds-port', '70000'], {})).toThrow('--imds-port: not a port number: "70000"');
  });

  it('defaults object is not mutated', () => {
    resolveConfig(['--seed', 'a'], {});
    expect(defaults.seeds).toEqual([]);
  });

  it.each([
    ['iamlocal', SERVER_OPTIONS, USAGE],
    ['iamlocal mint-token', MINT_TOKEN_OPTIONS, MINT_TOKEN_USAGE],
    ['iamlocal health', HEALTH_OPTIONS, HEALTH_USAGE],
  ] as [string, OptionSpec<never>[], string][])('%s --help lists every flag and environment variable of its option table', (_cmd, options, usage) => {
    for (const o of options) {
      if (o.flag) expect(usage).toMatch(new RegExp(`^  ${o.flag}\\b`, 'm'));
      if (o.env) expect(usage).toContain(o.env);
      if (o.default) expect(usage).toContain(`default ${o.default}`);
    }
  });

  it('admin user credentials from env, or off', () => {
    expect(resolveConfig([], { IAMLOCAL_ADMIN_ACCESS_KEY_ID: 'AKIAADMIN', IAMLOCAL_ADMIN_SECRET_ACCESS_KEY: 's' }).defaultUser).toEqual({ userName: 'admin', accessKeyId: 'AKIAADMIN', secretAccessKey: 's' });
    expect(resolveConfig([], { IAMLOCAL_ADMIN_ACCESS_KEY_ID: 'off' }).defaultUser).toBe(false);
    expect(resolveConfig([], { IAMLOCAL_ADMIN_SECRET_ACCESS_KEY: 'other' }).defaultUser).toEqual({ userName: 'admin', accessKeyId: 'test', secretAccessKey: 'other' });
    expect(() => resolveConfig([], { IAMLOCAL_ADMIN_ACCESS_KEY_ID: 'AKIAADMIN' })).toThrow('IAMLOCAL_ADMIN_ACCESS_KEY_ID is set but IAMLOCAL_ADMIN_SECRET_ACCESS_KEY is not');
  });
});

describe('--proxy-upstream (src/proxy/upstream-spec.ts)', () => {
  it('takes SERVICE=URL with credentials in the URL and options after commas; repeatable; env space-separated', () => {
    const c = resolveConfig(['--proxy-upstream', 's3=http://KEY:SE%2FCRET@127.0.0.1:9000,port=4570,region=eu-west-1,account=111111111111'], {});
    expect(c.proxyUpstreams).toEqual([
      { service: 's3', url: 'http://127.0.0.1:9000', port: 4570, credentials: { accessKeyId: 'KEY', secretAccessKey: 'SE/CRET' }, region: 'eu-west-1', account: '111111111111' },
    ]);
    const e = resolveConfig([], { IAMLOCAL_PROXY_UPSTREAMS: 's3=http://127.0.0.1:9000 s3=http://127.0.0.1:9001,port=0' });
    expect(e.proxyUpstreams.map((u) => [u.url, u.credentials.accessKeyId])).toEqual([['http://127.0.0.1:9000', 'S3RVER'], ['http://127.0.0.1:9001', 'S3RVER']]);
  });

  it.each([
    ['dynamo=http://x', /unknown proxy service "dynamo"/],
    ['s3', /expected SERVICE=URL/],
    ['s3=not a url', /not a URL/],
    ['s3=https://h:1', /must be an http:\/\/ URL/],
    ['s3=http://h:1,port=99999', /port: not a port number/],
    ['s3=http://h:1,colour=blue', /unknown or bad option/],
  ])('refuses %s', (spec, why) => {
    expect(() => resolveConfig(['--proxy-upstream', spec], {})).toThrow(why);
  });
});
