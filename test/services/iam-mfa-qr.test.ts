// The QR code PNG of CreateVirtualMFADevice: the symbol (drawn by the `qrcode` package) has its finder
// patterns and grows with the text, the PNG container is right, and — where zbarimg (Debian zbar-tools)
// is installed — a real QR reader decodes what iamlocal returns.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createVirtualMFADevice } from '../../src/services/iam/mfa-devices';
import { qrCodePng, qrMatrix } from '../../src/services/iam/mfa-qr-png';
import { createUser } from '../../src/services/iam/users';
import { harness } from '../helpers/services';

const hasZbar = (() => {
  try {
    execFileSync('zbarimg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function decode(png: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'iamlocal-qr-'));
  const file = join(dir, 'code.png');
  writeFileSync(file, png);
  return execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/\n$/, '');
}

describe('QR symbol (qrcode package, level M)', () => {
  it('finder patterns sit in three corners; the dark module is dark; the size is 4·version + 17', () => {
    const m = qrMatrix('otpauth://totp/x%40000000000000?secret=ABC');
    const size = m.length;
    expect((size - 17) % 4).toBe(0);
    expect(m.every((row) => row.length === size)).toBe(true);
    for (const [x, y] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
      expect(m[y].slice(x, x + 7)).toEqual([true, true, true, true, true, true, true]);
      expect(m[y + 1].slice(x, x + 7)).toEqual([true, false, false, false, false, false, true]);
    }
    expect(m[size - 8][8]).toBe(true);
  });

  it('grows with the text: 14 bytes fit version 1, an otpauth URI with a 32-character seed needs a larger one', () => {
    expect(qrMatrix('a'.repeat(14)).length).toBe(21);
    expect(qrMatrix('a'.repeat(15)).length).toBe(25);
    expect(qrMatrix(`otpauth://totp/alice-phone%40alice?secret=${'A'.repeat(32)}`).length).toBeGreaterThan(25);
  });
});

describe('PNG', () => {
  it('is a valid grayscale PNG: signature, IHDR with the scaled size, inflatable IDAT of the right length', () => {
    const png = qrCodePng('hello', 3);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    const side = (21 + 8) * 3;
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([side, side, 8, 0]);
    const idatAt = png.indexOf('IDAT');
    const idat = png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4));
    expect(inflateSync(idat).length).toBe(side * (side + 1));
    expect(png.subarray(-8, -4).toString('ascii')).toBe('IEND');
    expect(qrCodePng('hello', 3)).toEqual(png);
  });
});

describe.skipIf(!hasZbar)('a real QR reader (zbarimg)', () => {
  it('decodes codes from version 1 to 40', () => {
    for (const length of [1, 14, 100, 500, 1200, 2300]) {
      const text = Array.from({ length }, (_, i) => String.fromCharCode(97 + ((i * 7 + length) % 26))).join('');
      expect(decode(qrCodePng(text, 2)), `${length} bytes`).toBe(text);
    }
  }, 60_000);

  it("decodes CreateVirtualMFADevice's QRCodePNG to otpauth://totp/NAME@ACCOUNT?secret=SEED", async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'alice' }, h.root());
    const out = (await h.runPrepared(createVirtualMFADevice, { VirtualMFADeviceName: 'alice-phone' }, h.user('alice'))).VirtualMFADevice;
    const seed = out.Base32StringSeed.toString('ascii');
    expect(decode(out.QRCodePNG)).toBe(`otpauth://totp/alice-phone%40alice?secret=${seed}`);
    const byRoot = (await h.runPrepared(createVirtualMFADevice, { VirtualMFADeviceName: 'spare' }, h.root())).VirtualMFADevice;
    expect(decode(byRoot.QRCodePNG)).toBe(`otpauth://totp/spare%40000000000000?secret=${byRoot.Base32StringSeed.toString('ascii')}`);
  });
});
