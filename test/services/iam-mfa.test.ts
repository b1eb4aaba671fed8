// Virtual MFA handlers and TOTP, called directly with a frozen clock and seeded ids: validation table,
// RFC 6238 vectors, CreateVirtualMFADevice shape, EnableMFADevice with two consecutive codes, assignment
// listing, deactivate/delete rules, resync, and verifyMfaCode (the STS entry point) with replay protection.
import { describe, expect, it } from 'vitest';
import { iamOperations } from '../../src/services/iam/index';
import {
  createVirtualMFADevice,
  deactivateMFADevice,
  deleteVirtualMFADevice,
  enableMFADevice,
  listMFADevices,
  listVirtualMFADevices,
  requireMfaCode,
  resyncMFADevice,
  verifyMfaCode,
} from '../../src/services/iam/mfa-devices';
import { mfaProvisioningUri, totpCode, totpCodeAt, totpStep } from '../../src/services/iam/mfa-totp';
import { createUser } from '../../src/services/iam/users';
import fixtures from '../fixtures/services/mfa/validation.json';
import { harness, rejected, thrown, type Harness } from '../helpers/services';

describe('virtual MFA validation', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness();
      expect(thrown(() => h.run(iamOperations.get(c.op)!, c.params, h.root()))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
    });
  }
});

describe('TOTP', () => {
  // RFC 6238 Appendix B, SHA-1 seed "12345678901234567890" (base32 GEZDGNBVGY3TQOJQ…), last 6 of 8 digits.
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('RFC 6238 vector at T=%i → %s', (t, code) => {
    expect(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', new Date(t * 1000))).toBe(code);
  });

  it('the provisioning URI is what AWS QR codes carry: otpauth://totp/NAME@ACCOUNT?secret=SEED', () => {
    expect(mfaProvisioningUri('alice-phone', '123456789012', 'ABCDEF')).toBe('otpauth://totp/alice-phone%40123456789012?secret=ABCDEF');
  });
});

async function setup(): Promise<Harness & { serial: string; seed: string; enable(user?: string): void }> {
  const h = await harness();
  h.run(createUser, { UserName: 'alice' }, h.root());
  h.run(createUser, { UserName: 'bob' }, h.root());
  const serial = (await h.runPrepared(createVirtualMFADevice, { VirtualMFADeviceName: 'alice-phone' }, h.root())).VirtualMFADevice.SerialNumber as string;
  const seed = h.store.mfaDevices.get(serial)!.seedBase32;
  const enable = (user = 'alice') => {
    const step = totpStep(h.clock.now());
    h.run(enableMFADevice, { UserName: user, SerialNumber: serial, AuthenticationCode1: totpCodeAt(seed, step - 1), AuthenticationCode2: totpCodeAt(seed, step) }, h.root());
  };
  return Object.assign(h, { serial, seed, enable });
}

describe('CreateVirtualMFADevice', () => {
  it('serial arn:aws:iam::ACCT:mfa{path}{name}; Base32StringSeed is the 64-character base32 seed as bytes; QRCodePNG a PNG', async () => {
    const h = await harness();
    const out = (await h.runPrepared(createVirtualMFADevice, { VirtualMFADeviceName: 'phone', Path: '/team/', Tags: [{ Key: 'owner', Value: 'alice' }] }, h.root())).VirtualMFADevice;
    expect(out.SerialNumber).toBe('arn:aws:iam::000000000000:mfa/team/phone');
    expect(Buffer.isBuffer(out.Base32StringSeed)).toBe(true);
    const seed = out.Base32StringSeed.toString('ascii');
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);
    expect(h.store.mfaDevices.get(out.SerialNumber)!.seedBase32).toBe(seed);
    expect(out.Tags).toEqual([{ Key: 'owner', Value: 'alice' }]);
    expect(out.QRCodePNG.subarray(1, 4).toString('ascii')).toBe('PNG'); // content: iam-mfa-qr.test.ts
    expect(await rejected(() => h.runPrepared(createVirtualMFADevice, { VirtualMFADeviceName: 'phone', Path: '/team/' }, h.root()))).toEqual({
      code: 'EntityAlreadyExists', message: 'MFADevice entity at the same path and name already exists.', status: 409,
    });
    const call = h.call(h.root());
    const input = createVirtualMFADevice.input({ VirtualMFADeviceName: 'x', Tags: [{ Key: 'k', Value: 'v' }] }, call);
    expect(createVirtualMFADevice.resource(input, call)).toBe('arn:aws:iam::000000000000:mfa/x');
    expect(createVirtualMFADevice.conditionKeys!(input, call)).toEqual({ 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] });
  });
});

describe('EnableMFADevice', () => {
  it('two consecutive codes enable the device for the user', async () => {
    const h = await setup();
    h.enable();
    expect(h.store.mfaDevices.get(h.serial)).toMatchObject({ userId: h.store.users.getByName('000000000000', 'alice')!.id, enabledAt: '2026-11-29T12:00:00.000Z' });
    expect(h.run(listMFADevices, { UserName: 'alice' }, h.root())).toEqual({
      MFADevices: [{ UserName: 'alice', SerialNumber: h.serial, EnableDate: new Date('2026-11-29T12:00:00Z') }],
      IsTruncated: false,
    });
    expect(h.run(listMFADevices, {}, h.user('alice')).MFADevices).toHaveLength(1);
    expect(h.run(listMFADevices, {}, h.user('bob')).MFADevices).toEqual([]);
  });

  it('wrong codes, the same code twice, codes in the wrong order → InvalidAuthenticationCode (403)', async () => {
    const h = await setup();
    const step = totpStep(h.clock.now());
    const c = (s: number) => totpCodeAt(h.seed, s);
    const bad = { code: 'InvalidAuthenticationCode', message: 'Authentication code for device is not valid.', status: 403 };
    for (const [a, b] of [['000000', '000000'], [c(step), c(step)], [c(step), c(step - 1)], [c(step - 30), c(step - 29)]]) {
      expect(thrown(() => h.run(enableMFADevice, { UserName: 'alice', SerialNumber: h.serial, AuthenticationCode1: a, AuthenticationCode2: b }, h.root()))).toEqual(bad);
    }
    expect(h.store.mfaDevices.get(h.serial)!.userId).toBeNull();
  });

  it('a device in use, an unknown device, an unknown user', async () => {
    const h = await setup();
    h.enable();
    h.clock.advance(60_000);
    expect(thrown(() => h.enable('bob'))).toEqual({ code: 'EntityAlreadyExists', message: 'MFA Device is already in use.', status: 409 });
    const ghost = 'arn:aws:iam::000000000000:mfa/ghost';
    expect(thrown(() => h.run(enableMFADevice, { UserName: 'bob', SerialNumber: ghost, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: `VirtualMFADevice with serial number ${ghost} doesn't exist.`, status: 404,
    });
    expect(thrown(() => h.run(enableMFADevice, { UserName: 'carol', SerialNumber: h.serial, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }, h.root())).message).toBe(
      'The user with name carol cannot be found.',
    );
  });

  it('is authorized on the user; CreateVirtualMFADevice/DeleteVirtualMFADevice on the device', async () => {
    const h = await setup();
    const call = h.call(h.root());
    const e = enableMFADevice.input({ UserName: 'alice', SerialNumber: h.serial, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }, call);
    expect(enableMFADevice.resource(e, call)).toBe('arn:aws:iam::000000000000:user/alice');
    expect(deleteVirtualMFADevice.resource(deleteVirtualMFADevice.input({ SerialNumber: h.serial }, call), call)).toBe(h.serial);
    expect(listVirtualMFADevices.resource(listVirtualMFADevices.input({}, call), call)).toBe('*');
  });
});

describe('ListVirtualMFADevices / DeactivateMFADevice / DeleteVirtualMFADevice', () => {
  it('AssignmentStatus filters; an assigned device carries its User and EnableDate', async () => {
    const h = await setup();
    await h.runPrepared(createVirtualMFADevice, { VirtualMFADeviceName: 'spare' }, h.root());
    h.enable();
    const all = h.run(listVirtualMFADevices, {}, h.root()).VirtualMFADevices;
    expect(all.map((d: { SerialNumber: string }) => d.SerialNumber)).toEqual([h.serial, 'arn:aws:iam::000000000000:mfa/spare']);
    expect(all[0].User).toMatchObject({ UserName: 'alice', Arn: 'arn:aws:iam::000000000000:user/alice' });
    expect(all[0].EnableDate).toEqual(new Date('2026-11-29T12:00:00Z'));
    expect(all[1].User).toBeUndefined();
    const serials = (status: string) => h.run(listVirtualMFADevices, { AssignmentStatus: status }, h.root()).VirtualMFADevices.map((d: { SerialNumber: string }) => d.SerialNumber);
    expect(serials('Assigned')).toEqual([h.serial]);
    expect(serials('Unassigned')).toEqual(['arn:aws:iam::000000000000:mfa/spare']);
    const p1 = h.run(listVirtualMFADevices, { MaxItems: '1' }, h.root());
    expect(p1.IsTruncated).toBe(true);
    expect(h.run(listVirtualMFADevices, { MaxItems: '1', Marker: p1.Marker }, h.root()).VirtualMFADevices[0].SerialNumber).toBe('arn:aws:iam::000000000000:mfa/spare');
  });

  it('an assigned device cannot be deleted; deactivating needs the right user; then it can go', async () => {
    const h = await setup();
    h.enable();
    expect(thrown(() => h.run(deleteVirtualMFADevice, { SerialNumber: h.serial }, h.root()))).toEqual({
      code: 'DeleteConflict', message: 'MFA VirtualDevice in use. Must deactivate first.', status: 409,
    });
    expect(thrown(() => h.run(deactivateMFADevice, { UserName: 'bob', SerialNumber: h.serial }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'MFA Device invalid for user.', status: 404 });
    expect(h.run(deactivateMFADevice, { UserName: 'alice', SerialNumber: h.serial }, h.root())).toBeUndefined();
    expect(h.run(listMFADevices, { UserName: 'alice' }, h.root()).MFADevices).toEqual([]);
    expect(thrown(() => h.run(deactivateMFADevice, { SerialNumber: h.serial }, h.root())).message).toBe('MFA Device invalid for user.');
    h.run(deleteVirtualMFADevice, { SerialNumber: h.serial }, h.root());
    expect(thrown(() => h.run(deleteVirtualMFADevice, { SerialNumber: h.serial }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: `VirtualMFADevice with serial number ${h.serial} doesn't exist.`, status: 404,
    });
  });

  it('DeactivateMFADevice without UserName acts on the user the device is enabled for', async () => {
    const h = await setup();
    h.enable();
    const call = h.call(h.root());
    expect(deactivateMFADevice.resource(deactivateMFADevice.input({ SerialNumber: h.serial }, call), call)).toBe('arn:aws:iam::000000000000:user/alice');
    h.run(deactivateMFADevice, { SerialNumber: h.serial }, h.root());
    expect(h.store.mfaDevices.get(h.serial)!.userId).toBeNull();
  });
});

describe('ResyncMFADevice', () => {
  it('accepts two consecutive codes from minutes ago for the enabled user; refuses bad codes and other users', async () => {
    const h = await setup();
    h.enable();
    h.clock.advance(10 * 60_000);
    const step = totpStep(h.clock.now()) - 15; // the device's clock lags 7.5 minutes
    const params = { UserName: 'alice', SerialNumber: h.serial, AuthenticationCode1: totpCodeAt(h.seed, step), AuthenticationCode2: totpCodeAt(h.seed, step + 1) };
    expect(thrown(() => h.run(resyncMFADevice, { ...params, UserName: 'bob' }, h.root())).message).toBe('MFA Device invalid for user.');
    expect(thrown(() => h.run(resyncMFADevice, { ...params, AuthenticationCode2: params.AuthenticationCode1 }, h.root())).code).toBe('InvalidAuthenticationCode');
    expect(h.run(resyncMFADevice, params, h.root())).toBeUndefined();
  });
});

describe('verifyMfaCode (for STS)', () => {
  it('accepts the current code (±1 step) of an enabled device once; a replay or an older code is refused', async () => {
    const h = await setup();
    h.enable();
    const alice = h.store.users.getByName('000000000000', 'alice')!.id;
    h.clock.advance(60_000);
    const now = h.clock.now();
    const code = totpCode(h.seed, now);
    expect(verifyMfaCode(h.store, now, h.serial, code, alice)).toBe('ok');
    expect(verifyMfaCode(h.store, now, h.serial, code, alice)).toBe('invalid-code');
    expect(verifyMfaCode(h.store, now, h.serial, totpCodeAt(h.seed, totpStep(now) - 1), alice)).toBe('invalid-code');
    const later = new Date(now.getTime() + 30_000);
    expect(verifyMfaCode(h.store, later, h.serial, totpCode(h.seed, later), alice)).toBe('ok');
    // Codes used to enable the device cannot be replayed either.
    expect(h.store.mfaDevices.get(h.serial)!.lastCodes.length).toBeGreaterThanOrEqual(4);
  });

  it('a code outside the window, a wrong code → invalid-code; another user, an unassigned or unknown device → unknown-device', async () => {
    const h = await setup();
    const now = h.clock.now();
    expect(verifyMfaCode(h.store, now, h.serial, totpCode(h.seed, now))).toBe('unknown-device'); // not enabled yet
    h.enable();
    const alice = h.store.users.getByName('000000000000', 'alice')!.id;
    const bob = h.store.users.getByName('000000000000', 'bob')!.id;
    const next = new Date(now.getTime() + 90_000);
    expect(verifyMfaCode(h.store, next, h.serial, totpCode(h.seed, new Date(next.getTime() - 90_000)), alice)).toBe('invalid-code');
    expect(verifyMfaCode(h.store, next, h.serial, '000000', alice)).toBe('invalid-code');
    expect(verifyMfaCode(h.store, next, h.serial, totpCode(h.seed, next), bob)).toBe('unknown-device');
    expect(verifyMfaCode(h.store, next, 'arn:aws:iam::000000000000:mfa/none', '123456')).toBe('unknown-device');
  });

  it('requireMfaCode throws the AccessDenied texts STS uses', async () => {
    const h = await setup();
    h.enable();
    const later = new Date(h.clock.now().getTime() + 60_000);
    expect(thrown(() => requireMfaCode(h.store, later, h.serial, '000000'))).toEqual({
      code: 'AccessDenied', message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.', status: 403,
    });
    expect(thrown(() => requireMfaCode(h.store, later, 'arn:aws:iam::000000000000:mfa/none', '000000'))).toEqual({
      code: 'AccessDenied',
      message: 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
      status: 403,
    });
    expect(() => requireMfaCode(h.store, later, h.serial, totpCode(h.seed, later))).not.toThrow();
  });
});
