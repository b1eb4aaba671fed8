// Owns rendering a virtual MFA device's otpauth:// URI as the QR code PNG CreateVirtualMFADevice returns
// (QRCodePNG): the QR symbol comes from the `qrcode` package (ISO/IEC 18004, error correction level M,
// automatic version and mask); the PNG around it is a plain 8-bit grayscale image (RFC 2083) with a
// 4-module quiet zone. Pure and deterministic: same text, same bytes.
import QRCode from 'qrcode';
import { deflateSync } from 'node:zlib';

/** The QR matrix for `text` (rows of modules, true = dark), error correction level M. */
export function qrMatrix(text: string): boolean[][] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, y) => Array.from({ length: modules.size }, (_, x) => !!modules.get(y, x)));
}

// ------------------------------------------------------------------ PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A grayscale PNG of the QR code for `text`: `scale` pixels per module, a 4-module light quiet zone. */
export function qrCodePng(text: string, scale = 4): Buffer {
  const modules = qrMatrix(text);
  const quiet = 4;
  const side = (modules.length + 2 * quiet) * scale;
  const rows: Buffer[] = [];
  for (let py = 0; py < side; py++) {
    const row = Buffer.alloc(side + 1, 0xff);
    row[0] = 0; // filter: none
    const my = Math.floor(py / scale) - quiet;
    if (my >= 0 && my < modules.length) {
      for (let px = 0; px < side; px++) {
        const mx = Math.floor(px / scale) - quiet;
        if (mx >= 0 && mx < modules.length && modules[my][mx]) row[px + 1] = 0;
      }
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
