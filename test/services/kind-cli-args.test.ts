// `iamlocal kind` flag parsing: defaults (output dir, docker/podman host addresses, stock kind issuer),
// the NS/NAME=ROLE_ARN form, and every refusal a clear usage error.
import { describe, expect, it } from 'vitest';
import { KindUsageError, parseKindArgs } from '../../src/cli-kind';

describe('iamlocal kind arguments', () => {
  it('defaults', () => {
    expect(parseKindArgs(['--cluster', 'demo'], {})).toMatchObject({
      cluster: 'demo',
      out: './iamlocal-kind-demo',
      hostAddress: '172.18.0.1',
      failurePolicy: 'Ignore',
      regionalSts: false,
      workers: 0,
      existing: false,
      issuer: 'https://kubernetes.default.svc.cluster.local',
      serviceAccounts: [],
      endpoint: 'http://127.0.0.1:4599',
      credentials: { accessKeyId: 'AKIAIAMLOCALROOTUSER', secretAccessKey: 'root' },
    });
    expect(parseKindArgs(['--cluster', 'demo', '--provider', 'podman'], {})).toMatchObject({ hostAddress: '10.89.0.1' });
    expect(parseKindArgs(['--cluster', 'demo'], { IAMLOCAL_ENDPOINT: 'http://10.0.0.2:4599' })).toMatchObject({ endpoint: 'http://10.0.0.2:4599' });
  });

  it('options', () => {
    const a = parseKindArgs(['--cluster=demo', '--service-account', 'apps/web=arn:aws:iam::000000000000:role/web', '--service-account', 'b/c.d=arn:aws:iam::000000000000:role/x', '--host-address', '192.168.1.20', '--api-port', '4599', '--webhook-port', '4600', '--regional-sts', '--failure-policy', 'Fail', '--no-region-env', '--workers', '2'], {});
    expect(a).toMatchObject({ hostAddress: '192.168.1.20', apiPort: 4599, webhookPort: 4600, regionalSts: true, failurePolicy: 'Fail', regionEnv: '', workers: 2 });
    if (a === 'help') throw new Error('help');
    expect(a.serviceAccounts).toEqual([
      { namespace: 'apps', name: 'web', roleArn: 'arn:aws:iam::000000000000:role/web' },
      { namespace: 'b', name: 'c.d', roleArn: 'arn:aws:iam::000000000000:role/x' },
    ]);
    expect(parseKindArgs(['--help'], {})).toBe('help');
  });

  it.each([
    [[], '--cluster is required'],
    [['--cluster', 'd', '--host-address', 'kind-gw'], 'must be an IP'],
    [['--cluster', 'd', '--host-address', '169.254.170.23'], 'link-local'],
    [['--cluster', 'd', '--service-account', 'web=arn:aws:iam::1:role/x'], 'NAMESPACE/NAME=ROLE_ARN'],
    [['--cluster', 'd', '--provider', 'lxc'], 'docker or podman'],
    [['--cluster', 'd', '--failure-policy', 'fail'], 'Ignore or Fail'],
    [['--cluster', 'd', '--webhook-port', '0'], 'not a port number'],
    [['--cluster', 'd', '--bogus'], 'unknown option'],
  ])('%j → %s', (argv, msg) => {
    expect(() => parseKindArgs(argv as string[], {})).toThrow(KindUsageError);
    expect(() => parseKindArgs(argv as string[], {})).toThrow(msg);
  });
});
