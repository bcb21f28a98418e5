// Kafka UUIDs (topic IDs, directory IDs, member IDs…) are 16 bytes on the wire. In kwasm they are
// strings in Kafka's own text form: URL-safe base64 without padding, 22 characters — what
// `kafka-topics.sh --describe` prints and what Kafka's `Uuid.toString()` returns. Strings compare
// with === and work as Map keys; the all-zero UUID is `AAAAAAAAAAAAAAAAAAAAAA`.
//
// Only canonical strings are valid: the 22nd character carries 2 bits, so its low 4 bits must be
// zero (one of A, Q, g, w). This keeps string <-> bytes a bijection.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** Kafka reserves this id for the `__cluster_metadata` topic. */
export const METADATA_TOPIC_UUID = 'AAAAAAAAAAAAAAAAAAAAAQ';

/** Reads 16 bytes at `off` as a Kafka UUID string. */
export function uuidFromBytes(b: Uint8Array, off = 0): string {
  let s = '';
  let i = off;
  // 5 groups of 3 bytes -> 20 characters, then 1 byte -> 2 characters.
  for (let g = 0; g < 5; g++, i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s +=
      ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const last = b[i]!;
  return s + ALPHABET[last >>> 2]! + ALPHABET[(last & 3) << 4]!;
}

/** Writes the 16 bytes of a canonical UUID string into `out` at `off`. Returns false (writing
 *  nothing useful) when the string is not a canonical 22-character Kafka UUID. */
export function uuidIntoBytes(s: string, out: Uint8Array, off = 0): boolean {
  if (typeof s !== 'string' || s.length !== 22) return false;
  let o = off;
  let c = 0;
  for (let g = 0; g < 5; g++, c += 4) {
    const a = sextet(s, c), b = sextet(s, c + 1), d = sextet(s, c + 2), e = sextet(s, c + 3);
    if ((a | b | d | e) < 0) return false;
    const n = (a << 18) | (b << 12) | (d << 6) | e;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  const a = sextet(s, 20), b = sextet(s, 21);
  if ((a | b) < 0 || (b & 15) !== 0) return false;
  out[o] = (a << 2) | (b >>> 4);
  return true;
}

function sextet(s: string, i: number): number {
  const ch = s.charCodeAt(i);
  return ch < 128 ? DECODE[ch]! : -1;
}

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && uuidIntoBytes(s, SCRATCH);
}
const SCRATCH = new Uint8Array(16);

export function uuidToBytes(s: string): Uint8Array {
  const out = new Uint8Array(16);
  if (!uuidIntoBytes(s, out)) throw new TypeError(`not a Kafka UUID: ${JSON.stringify(s)}`);
  return out;
}

/** A random UUID as Kafka makes them: never the zero or metadata id, never starting with '-'
 *  (which command-line tools would read as an option). */
export function randomUuid(): string {
  const b = new Uint8Array(16);
  for (;;) {
    crypto.getRandomValues(b);
    const s = uuidFromBytes(b);
    if (s !== ZERO_UUID && s !== METADATA_TOPIC_UUID && s[0] !== '-') return s;
  }
}

/** RFC 4122 hex form (8-4-4-4-12), for logs and tools that expect it. */
export function uuidToHex(s: string): string {
  const b = uuidToBytes(s);
  let h = '';
  for (let i = 0; i < 16; i++) {
    h += b[i]!.toString(16).padStart(2, '0');
    if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
  }
  return h;
}
