// Bounded reader over one frame (or part of one). Every read checks the bytes that remain before
// touching them; every length and count is checked against what remains before anything is
// allocated, so no input makes the decoder read past `end` or allocate more than the frame holds.
// Byte fields (`bytes`, `records`, unknown tagged fields) come back as views of the frame: never
// copied. Failures throw a DecodeFailure (cheap, no stack); see errors.ts.
import { DecodeFailure, type DecodeErrorCode } from './errors.js';
import { uuidFromBytes } from './uuid.js';

const MAX_STRING_BYTES = 0x7fff;
const textDecoder = new TextDecoder('utf-8');

export class Reader {
  readonly buf: Uint8Array;
  readonly dv: DataView;
  pos: number;
  /** Exclusive bound of readable bytes. Tagged fields narrow it to their declared size. */
  end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(code: DecodeErrorCode, reason: string): DecodeFailure {
    return new DecodeFailure(code, reason, this.pos);
  }

  #need(n: number): void {
    if (n > this.end - this.pos) throw this.fail('TRUNCATED', `need ${n} bytes, ${this.end - this.pos} remain`);
  }

  bool(): boolean {
    this.#need(1);
    return this.buf[this.pos++] !== 0;
  }
  int8(): number {
    this.#need(1);
    return this.dv.getInt8(this.pos++);
  }
  int16(): number {
    this.#need(2);
    const x = this.dv.getInt16(this.pos);
    this.pos += 2;
    return x;
  }
  uint16(): number {
    this.#need(2);
    const x = this.dv.getUint16(this.pos);
    this.pos += 2;
    return x;
  }
  int32(): number {
    this.#need(4);
    const x = this.dv.getInt32(this.pos);
    this.pos += 4;
    return x;
  }
  uint32(): number {
    this.#need(4);
    const x = this.dv.getUint32(this.pos);
    this.pos += 4;
    return x;
  }
  int64(): bigint {
    this.#need(8);
    const x = this.dv.getBigInt64(this.pos);
    this.pos += 8;
    return x;
  }
  float64(): number {
    this.#need(8);
    const x = this.dv.getFloat64(this.pos);
    this.pos += 8;
    return x;
  }
  uuid(): string {
    this.#need(16);
    const s = uuidFromBytes(this.buf, this.pos);
    this.pos += 16;
    return s;
  }

  /** Unsigned LEB128 varint of at most 5 bytes and 32 bits. */
  uvarint(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.#uvarintLong();
  }

  #uvarintLong(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      if (pos >= end) {
        this.pos = pos;
        throw this.fail('TRUNCATED', 'varint runs past the end');
      }
      const b = buf[pos++]!;
      if (shift === 28) {
        if (b > 0x0f) {
          this.pos = pos - 1;
          throw this.fail('INVALID_VARINT', 'unsigned varint longer than 5 bytes or over 32 bits');
        }
        this.pos = pos;
        return value + b * 0x10000000;
      }
      value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value;
      }
    }
    throw this.fail('INVALID_VARINT', 'unreachable');
  }

  /** Signed zigzag varint (32 bit). Not used by the message schemas; records use it. */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Length of a string/bytes/records field: -1 for null, else a length that fits in what
   *  remains. `max` bounds it further (32767 for strings). */
  #length(flex: boolean, int16: boolean, max: number): number {
    const start = this.pos;
    let n: number;
    if (flex) n = this.uvarint() - 1;
    else if (int16) n = this.int16();
    else n = this.int32();
    if (n < -1) {
      this.pos = start;
      throw this.fail('INVALID_LENGTH', `negative length ${n}`);
    }
    if (n > max || n > this.end - this.pos) {
      this.pos = start;
      throw this.fail('INVALID_LENGTH', `length ${n} exceeds the ${this.end - this.pos} bytes that remain`);
    }
    return n;
  }

  #nonNull(n: number): number {
    if (n < 0) throw this.fail('NULL_NOT_ALLOWED', 'null in a non-nullable field');
    return n;
  }

  /** Non-nullable string: int16 length, or compact (uvarint length+1) in flexible versions. */
  str(flex: boolean): string {
    return this.#text(this.#nonNull(this.#length(flex, true, MAX_STRING_BYTES)));
  }
  nstr(flex: boolean, nullable: boolean): string | null {
    const n = this.#length(flex, true, MAX_STRING_BYTES);
    if (n < 0) {
      if (!nullable) throw this.fail('NULL_NOT_ALLOWED', 'null in a non-nullable string');
      return null;
    }
    return this.#text(n);
  }

  #text(n: number): string {
    const buf = this.buf;
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    if (n <= 32) {
      // Short ASCII strings (topic names, client ids) decode faster by hand than via TextDecoder.
      let s = '';
      for (let i = start; i < end; i++) {
        const c = buf[i]!;
        if (c >= 0x80) return textDecoder.decode(buf.subarray(start, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return textDecoder.decode(buf.subarray(start, end));
  }

  /** Non-nullable bytes as a view: int32 length, or compact in flexible versions. */
  bytes(flex: boolean): Uint8Array {
    return this.view(this.#nonNull(this.#length(flex, false, Infinity)));
  }
  nbytes(flex: boolean, nullable: boolean): Uint8Array | null {
    const n = this.#length(flex, false, Infinity);
    if (n < 0) {
      if (!nullable) throw this.fail('NULL_NOT_ALLOWED', 'null in non-nullable bytes');
      return null;
    }
    return this.view(n);
  }
  /** `records`: raw bytes as a view of the frame, never parsed here. */
  records(flex: boolean, nullable: boolean): Uint8Array | null {
    return this.nbytes(flex, nullable);
  }

  /** `n` bytes as a plain Uint8Array view of the frame (no copy; a Buffer frame's subarray would
   *  cost a Buffer construction per field). */
  view(n: number): Uint8Array {
    this.#need(n);
    const buf = this.buf;
    const v = new Uint8Array(buf.buffer, buf.byteOffset + this.pos, n);
    this.pos += n;
    return v;
  }

  /** Element count of an array: -1 for null. `minElem` is the fewest bytes one element can take,
   *  so the count is bounded by the bytes that remain. */
  arrayLen(flex: boolean, minElem: number): number {
    const start = this.pos;
    const n = flex ? this.uvarint() - 1 : this.int32();
    if (n < -1) {
      this.pos = start;
      throw this.fail('INVALID_LENGTH', `negative array length ${n}`);
    }
    if (n * minElem > this.end - this.pos) {
      this.pos = start;
      throw this.fail('INVALID_LENGTH', `array of ${n} elements cannot fit in ${this.end - this.pos} bytes`);
    }
    return n;
  }

  /** Number of tagged fields: each takes at least 2 bytes (tag, size). */
  tagCount(): number {
    const start = this.pos;
    const n = this.uvarint();
    if (n * 2 > this.end - this.pos) {
      this.pos = start;
      throw this.fail('INVALID_LENGTH', `${n} tagged fields cannot fit in ${this.end - this.pos} bytes`);
    }
    return n;
  }

  /** Reads a tagged field's tag and size, rejects a tag already seen in this section, and
   *  narrows `end` to the field's content. The caller saves the previous `end` and restores it
   *  with `tagEnd`. */
  tagBegin(seen: number[]): number {
    const tag = this.uvarint();
    if (seen.includes(tag)) throw this.fail('INVALID_TAGGED_FIELD', `tag ${tag} appears twice`);
    seen.push(tag);
    const size = this.uvarint();
    if (size > this.end - this.pos) throw this.fail('INVALID_LENGTH', `tagged field of ${size} bytes exceeds what remains`);
    this.end = this.pos + size;
    return tag;
  }

  /** Called after a tagged field's content: it must fill exactly its declared size. */
  tagEnd(outerEnd: number): void {
    if (this.pos !== this.end) throw this.fail('INVALID_TAGGED_FIELD', `tagged field content ends at ${this.pos}, declared end ${this.end}`);
    this.end = outerEnd;
  }

  /** The rest of the current tagged field, as a view (unknown tags are kept raw). */
  rest(): Uint8Array {
    return this.view(this.end - this.pos);
  }

  badTag(tag: number, version: number): DecodeFailure {
    return this.fail('INVALID_TAGGED_FIELD', `tag ${tag} is not valid in version ${version}`);
  }
}
