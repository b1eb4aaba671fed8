// Owns the ISO 8601 timestamps every request writes and reads (aws:CurrentTime, Expiration, last-used,
// decision records). V8's Date#toISOString formats through a printf-style path (~7k instructions a call,
// counted under callgrind) and Date.parse runs the general date grammar; an AssumeRole wrote eight and
// read four of them. Within one second every timestamp shares its first 19 characters, so those are made
// once a second and the rest is appended; a string already parsed is answered from a small table.
// Results are exactly those of the built-ins (test/aws/time.test.ts compares them over many instants).

/** Instants in [1970-01-01, 10000-01-01): a four-digit year, as toISOString writes (others go to V8). */
const MAX_FAST_MS = 253_402_300_800_000;

/**
 * The last few seconds formatted: `seconds[i]` and its `YYYY-MM-DDTHH:MM:SS` in `prefixes[i]`. A request
 * writes more than one second (issued now, expiring in an hour; a cut-off a minute ago), so one entry
 * would be replaced at every other call.
 */
const SLOTS = 4;
const seconds: number[] = new Array(SLOTS).fill(Number.NaN);
const prefixes: string[] = new Array(SLOTS).fill('');
let nextSlot = 0;

function prefixOf(second: number): string {
  for (let i = 0; i < SLOTS; i++) if (seconds[i] === second) return prefixes[i];
  const i = nextSlot;
  nextSlot = (nextSlot + 1) % SLOTS;
  seconds[i] = second;
  return (prefixes[i] = new Date(second * 1000).toISOString().slice(0, 19));
}

const msSuffix = (ms: number): string => (ms < 10 ? '.00' : ms < 100 ? '.0' : '.') + ms + 'Z';

/** `d.toISOString()` (`2026-12-05T15:40:00.123Z`); a time value out of range throws RangeError as it does. */
export function isoString(d: Date | number): string {
  const t = typeof d === 'number' ? d : d.getTime();
  if (!(t >= 0 && t < MAX_FAST_MS) || !Number.isInteger(t)) return new Date(t).toISOString();
  const second = Math.floor(t / 1000);
  return prefixOf(second) + msSuffix(t - second * 1000);
}

/** Seconds precision, as AWS writes aws:CurrentTime and response timestamps (`2026-12-05T15:40:00Z`). */
export function isoSeconds(d: Date | number): string {
  const t = typeof d === 'number' ? d : d.getTime();
  if (!(t >= 0 && t < MAX_FAST_MS) || !Number.isInteger(t)) return new Date(t).toISOString().slice(0, 19) + 'Z';
  return prefixOf(Math.floor(t / 1000)) + 'Z';
}

/** Parsed strings kept (the whole table is dropped when it fills: a bound, not an LRU). */
const PARSED_MAX = 256;
const parsed = new Map<string, number>();

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/**
 * `Date.parse(s)` (NaN for what it rejects). A timestamp of a second recently formatted here (what this
 * process just wrote) is read off its prefix; others are answered from a table of strings seen recently.
 */
export function parseIso(s: string): number {
  if ((s.length === 24 || s.length === 20) && s.charCodeAt(s.length - 1) === 90 /* Z */) {
    for (let i = 0; i < SLOTS; i++) {
      if (prefixes[i] === '' || !s.startsWith(prefixes[i])) continue;
      if (s.length === 20) return seconds[i] * 1000;
      const a = digit(s, 20), b = digit(s, 21), c = digit(s, 22);
      if (s.charCodeAt(19) === 46 /* . */ && a >= 0 && b >= 0 && c >= 0) return seconds[i] * 1000 + a * 100 + b * 10 + c;
      break;
    }
  }
  if (s.length > 64) return Date.parse(s);
  const hit = parsed.get(s);
  if (hit !== undefined) return hit;
  const t = Date.parse(s);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(s, t);
  return t;
}
