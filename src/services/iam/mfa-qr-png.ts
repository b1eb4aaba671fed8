// Owns rendering a virtual MFA device's otpauth:// URI as the QR code PNG CreateVirtualMFADevice returns
// (QRCodePNG): ISO/IEC 18004 byte mode, error correction level M, the lowest-penalty mask, 4-module quiet
// zone; then a plain 8-bit grayscale PNG (RFC 2083). Pure and deterministic: same text, same bytes.
import { deflateSync } from 'node:zlib';

// Error correction level M: codewords per block and number of blocks for versions 1–40 (ISO/IEC 18004
// Table 9). Index 0 is unused. The data capacity follows from the module count (dataCodewords()).
const ECC_PER_BLOCK_M = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28];
const BLOCKS_M = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49];
/** Format information bits of level M (ISO/IEC 18004 §7.9: M is 00). */
const LEVEL_M_BITS = 0;

export class QrTooLong extends Error {}

// ------------------------------------------------------------------ Reed–Solomon over GF(2^8), x^8+x^4+x^3+x^2+1

function gfMultiply(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z & 0xff;
}

/** Coefficients (highest power first, leading 1 dropped) of ∏ (x − α^i), i < degree. */
export function rsGenerator(degree: number): number[] {
  const g = new Array<number>(degree).fill(0);
  g[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      g[j] = gfMultiply(g[j], root);
      if (j + 1 < degree) g[j] ^= g[j + 1];
    }
    root = gfMultiply(root, 0x02);
  }
  return g;
}

/** The error-correction codewords of one block: remainder of data·x^n divided by the generator. */
export function rsRemainder(data: number[], generator: number[]): number[] {
  const rem = new Array<number>(generator.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ rem.shift()!;
    rem.push(0);
    for (let i = 0; i < generator.length; i++) rem[i] ^= gfMultiply(generator[i], factor);
  }
  return rem;
}

// ------------------------------------------------------------------ capacity

/** Modules available for data + EC in a version (all minus function patterns, format and version info). */
function rawDataModules(ver: number): number {
  let n = (16 * ver + 128) * ver + 64;
  if (ver >= 2) {
    const align = Math.floor(ver / 7) + 2;
    n -= (25 * align - 10) * align - 55;
    if (ver >= 7) n -= 36;
  }
  return n;
}

/** Data codewords of a version at level M (e.g. 16 for version 1, 216 for version 10). */
export function dataCodewords(ver: number): number {
  return Math.floor(rawDataModules(ver) / 8) - ECC_PER_BLOCK_M[ver] * BLOCKS_M[ver];
}

// ------------------------------------------------------------------ codewords

function encodeData(text: Buffer): { ver: number; codewords: number[] } {
  for (let ver = 1; ver <= 40; ver++) {
    const countBits = ver <= 9 ? 8 : 16;
    const capacityBits = dataCodewords(ver) * 8;
    if (4 + countBits + text.length * 8 > capacityBits) continue;
    const bits: number[] = [];
    const put = (value: number, len: number) => {
      for (let i = len - 1; i >= 0; i--) bits.push((value >>> i) & 1);
    };
    put(0b0100, 4); // byte mode
    put(text.length, countBits);
    for (const b of text) put(b, 8);
    put(0, Math.min(4, capacityBits - bits.length)); // terminator
    put(0, (8 - (bits.length % 8)) % 8);
    const codewords: number[] = [];
    for (let i = 0; i < bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
    for (let pad = 0xec; codewords.length < dataCodewords(ver); pad ^= 0xec ^ 0x11) codewords.push(pad);
    return { ver, codewords: interleave(ver, codewords) };
  }
  throw new QrTooLong(`text of ${text.length} bytes does not fit a QR code`);
}

/** Splits data into blocks, appends each block's EC codewords, and interleaves (§7.6). */
function interleave(ver: number, data: number[]): number[] {
  const blocks = BLOCKS_M[ver];
  const ecc = ECC_PER_BLOCK_M[ver];
  const total = Math.floor(rawDataModules(ver) / 8);
  const shortBlocks = blocks - (total % blocks);
  const shortLen = Math.floor(total / blocks) - ecc;
  const generator = rsGenerator(ecc);
  const dataBlocks: number[][] = [];
  const eccBlocks: number[][] = [];
  for (let i = 0, k = 0; i < blocks; i++) {
    const len = shortLen + (i < shortBlocks ? 0 : 1);
    const d = data.slice(k, k + len);
    k += len;
    dataBlocks.push(d);
    eccBlocks.push(rsRemainder(d, generator));
  }
  const out: number[] = [];
  for (let i = 0; i <= shortLen; i++) for (const d of dataBlocks) if (i < d.length) out.push(d[i]);
  for (let i = 0; i < ecc; i++) for (const e of eccBlocks) out.push(e[i]);
  return out;
}

// ------------------------------------------------------------------ the matrix

/** BCH-protected format information (level and mask), masked with 101010000010010 (§7.9). */
export function formatBits(levelBits: number, mask: number): number {
  const data = (levelBits << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** BCH-protected version information for versions 7 and up (§7.10). */
export function versionBits(ver: number): number {
  let rem = ver;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (ver << 12) | rem;
}

function alignmentPositions(ver: number, size: number): number[] {
  if (ver === 1) return [];
  const count = Math.floor(ver / 7) + 2;
  const step = ver === 32 ? 26 : Math.ceil((ver * 4 + 4) / (count * 2 - 2)) * 2;
  const out = [6];
  for (let pos = size - 7; out.length < count; pos -= step) out.splice(1, 0, pos);
  return out;
}

const MASKS: ((x: number, y: number) => boolean)[] = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

class Matrix {
  readonly dark: boolean[][];
  readonly fixed: boolean[][];
  constructor(readonly size: number) {
    this.dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.fixed = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }
  /** x = column, y = row. */
  setFunction(x: number, y: number, dark: boolean): void {
    this.dark[y][x] = dark;
    this.fixed[y][x] = true;
  }
}

function drawFunctionPatterns(m: Matrix, ver: number): void {
  const { size } = m;
  for (let i = 0; i < size; i++) {
    m.setFunction(6, i, i % 2 === 0);
    m.setFunction(i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        m.setFunction(x, y, d !== 2 && d !== 4);
      }
    }
  }
  const pos = alignmentPositions(ver, size);
  const last = pos.length - 1;
  for (let i = 0; i < pos.length; i++) {
    for (let j = 0; j < pos.length; j++) {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue; // finder corners
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) m.setFunction(pos[i] + dx, pos[j] + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  }
  drawFormat(m, 0); // reserve; redrawn with the chosen mask
  if (ver >= 7) {
    const bits = versionBits(ver);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      m.setFunction(a, b, dark);
      m.setFunction(b, a, dark);
    }
  }
}

function drawFormat(m: Matrix, mask: number): void {
  const { size } = m;
  const bits = formatBits(LEVEL_M_BITS, mask);
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  for (let i = 0; i <= 5; i++) m.setFunction(8, i, bit(i));
  m.setFunction(8, 7, bit(6));
  m.setFunction(8, 8, bit(7));
  m.setFunction(7, 8, bit(8));
  for (let i = 9; i < 15; i++) m.setFunction(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i++) m.setFunction(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) m.setFunction(8, size - 15 + i, bit(i));
  m.setFunction(8, size - 8, true); // the dark module
}

/** Places codewords in the two-column zigzag from the bottom-right corner, skipping function modules (§7.7.3). */
function drawCodewords(m: Matrix, codewords: number[]): void {
  const { size } = m;
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing pattern
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? size - 1 - vert : vert;
        if (m.fixed[y][x] || i >= codewords.length * 8) continue;
        m.dark[y][x] = ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
        i++;
      }
    }
  }
}

function applyMask(m: Matrix, mask: number): void {
  const f = MASKS[mask];
  for (let y = 0; y < m.size; y++) for (let x = 0; x < m.size; x++) if (!m.fixed[y][x] && f(x, y)) m.dark[y][x] = !m.dark[y][x];
}

/** Penalty score N1–N4 (§7.8.3): lower is easier to read. */
function penalty(m: Matrix): number {
  const { size, dark } = m;
  let score = 0;
  const line = (get: (i: number) => boolean) => {
    let s = 0;
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && get(i) === get(i - 1)) run++;
      else {
        if (run >= 5) s += 3 + (run - 5);
        run = 1;
      }
    }
    // 1:1:3:1:1 finder-like pattern with 4 light modules on one side.
    for (let i = 0; i + 6 < size; i++) {
      const core = get(i) && !get(i + 1) && get(i + 2) && get(i + 3) && get(i + 4) && !get(i + 5) && get(i + 6);
      if (!core) continue;
      const lightBefore = i >= 4 && !get(i - 1) && !get(i - 2) && !get(i - 3) && !get(i - 4);
      const lightAfter = i + 10 < size && !get(i + 7) && !get(i + 8) && !get(i + 9) && !get(i + 10);
      if (lightBefore || lightAfter) s += 40;
    }
    return s;
  };
  for (let k = 0; k < size; k++) {
    score += line((i) => dark[k][i]);
    score += line((i) => dark[i][k]);
  }
  let darkCount = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (dark[y][x]) darkCount++;
      if (y + 1 < size && x + 1 < size && dark[y][x] === dark[y][x + 1] && dark[y][x] === dark[y + 1][x] && dark[y][x] === dark[y + 1][x + 1]) score += 3;
    }
  }
  score += 10 * Math.floor(Math.abs((darkCount * 100) / (size * size) - 50) / 5);
  return score;
}

/** The QR matrix for `text` (rows of modules, true = dark). */
export function qrMatrix(text: string): boolean[][] {
  const { ver, codewords } = encodeData(Buffer.from(text, 'utf8'));
  const size = ver * 4 + 17;
  let best: { score: number; dark: boolean[][] } | null = null;
  for (let mask = 0; mask < 8; mask++) {
    const m = new Matrix(size);
    drawFunctionPatterns(m, ver);
    drawCodewords(m, codewords);
    applyMask(m, mask);
    drawFormat(m, mask);
    const score = penalty(m);
    if (!best || score < best.score) best = { score, dark: m.dark };
  }
  return best!.dark;
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
