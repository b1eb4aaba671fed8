// The QR code PNG of CreateVirtualMFADevice against the standard's tables (capacities, format and version
// information, a Reed–Solomon vector), the PNG container, and — where zbarimg (Debian zbar-tools) is
// installed — a real QR reader decoding what iamlocal draws, one code per version 1–40.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createVirtualMFADevice } from '../../src/services/iam/mfa-devices';
import { dataCodewords, formatBits, qrCodePng, qrMatrix, rsGenerator, rsRemainder, versionBits } from '../../src/services/iam/mfa-qr-png';
import { createUser } from '../../src/services/iam/users';
import vectors from '../fixtures/services/mfa/qr-vectors.json';
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

describe('QR tables', () => {
  it.each(Object.entries(vectors.byteCapacityM))('version %s at level M holds %i bytes', (ver, bytes) => {
    const v = Number(ver);
    expect(Math.floor((dataCodewords(v) * 8 - 4 - (v <= 9 ? 8 : 16)) / 8)).toBe(bytes);
  });

  it.each(vectors.format)('format information level $level mask $mask', ({ level, mask, bits }) => {
    expect(formatBits(level, mask).toString(2).padStart(15, '0')).toBe(bits);
  });

  it.each(vectors.version)('version information of version $version', ({ version, bits }) => {
    expect(versionBits(version).toString(2).padStart(18, '0')).toBe(bits);
  });

  it('Reed–Solomon codewords of the HELLO WORLD 1-M example', () => {
    expect(rsRemainder(vectors.rs.data, rsGenerator(vectors.rs.ecc.length))).toEqual(vectors.rs.ecc);
  });

  it('finder patterns sit in three corners; the dark module is dark', () => {
    const m = qrMatrix('otpauth://totp/x%40000000000000?secret=ABC');
    const size = m.length;
    expect((size - 17) % 4).toBe(0);
    for (const [x, y] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
      expect(m[y].slice(x, x + 7)).toEqual([true, true, true, true, true, true, true]);
      expect(m[y + 1].slice(x, x + 7)).toEqual([true, false, false, false, false, false, true]);
    }
    expect(m[size - 8][8]).toBe(true);
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
  it('decodes the code of every version 1–40 filled to capacity', () => {
    for (let v = 1; v <= 40; v++) {
      const text = Array.from({ length: dataCodewords(v) - (v <= 9 ? 2 : 3) }, (_, i) => String.fromCharCode(97 + ((i * 7 + v) % 26))).join('');
      expect(decode(qrCodePng(text, 2)), `version ${v}`).toBe(text);
    }
  }, 60_000);

  it("decodes CreateVirtualMFADevice's QRCodePNG to otpauth://totp/NAME@ACCOUNT?secret=SEED", async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'alice' }, h.root());
    const out = h.run(createVirtualMFADevice, { VirtualMFADeviceName: 'alice-phone' }, h.user('alice')).VirtualMFADevice;
    const seed = out.Base32StringSeed.toString('ascii');
    expect(decode(out.QRCodePNG)).toBe(`otpauth://totp/alice-phone%40alice?secret=${seed}`);
    const byRoot = h.run(createVirtualMFADevice, { VirtualMFADeviceName: 'spare' }, h.root()).VirtualMFADevice;
    expect(decode(byRoot.QRCodePNG)).toBe(`otpauth://totp/spare%40000000000000?secret=${byRoot.Base32StringSeed.toString('ascii')}`);
  });
});
