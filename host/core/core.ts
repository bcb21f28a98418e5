// The typed API over build/kwasm.wasm (see host/core/types.ts), runtime-neutral: no node: imports,
// so this file runs unchanged in Node, browsers, Deno and Bun. host/core/wasm.ts is the Node loader.
//
// Memory: the core's linear memory above arenaBase() is managed here. Long-lived blocks (indexes)
// come from a small first-fit allocator; every other call copies its input once into a scratch
// block that is reused (and regrown) across calls. Record data returned to the caller are views
// into the caller's own input, never into linear memory (which a later call may overwrite or grow).
import * as abi from './abi.js';
import type { CoreExports } from './abi.js';
import {
  BatchStatus,
  CoreError,
  type BatchDescriptor,
  type BatchHeaderInput,
  type BatchStatusCode,
  type ControlMarkerInput,
  type ControlRecord,
  type Core,
  type DecodeOptions,
  type EncodeOptions,
  type IndexOptions,
  type LegacyMessage,
  type LegacyMessageInput,
  type LegacyScanResult,
  type OffsetIndex,
  type OffsetIndexEntry,
  type RecordInput,
  type RecordsSection,
  type RecordView,
  type ScanResult,
  type TimeIndex,
  type TimeIndexEntry,
  type ValidateOptions,
} from './types.js';

const PAGE = 65536;
const utf8 = new TextEncoder();
const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** The imports build/kwasm.wasm expects. */
export function coreImports(): WebAssembly.Imports {
  return {
    env: {
      abort: () => {
        throw new Error('kwasm core: abort');
      },
    },
  };
}

/** Instantiates the core synchronously (Node, Deno, Bun, workers; browsers only for small modules). */
export function instantiateCore(source: BufferSource | WebAssembly.Module): Core {
  const mod = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  return createCore(new WebAssembly.Instance(mod, coreImports()).exports as unknown as CoreExports);
}

/** Instantiates the core asynchronously (the browser main thread). */
export async function instantiateCoreAsync(source: BufferSource | WebAssembly.Module | Response | PromiseLike<Response>): Promise<Core> {
  let mod: WebAssembly.Module;
  if (source instanceof WebAssembly.Module) mod = source;
  else if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) mod = await WebAssembly.compile(source);
  else mod = await WebAssembly.compileStreaming(source);
  const inst = await WebAssembly.instantiate(mod, coreImports());
  return createCore(inst.exports as unknown as CoreExports);
}

/** Linear-memory management: typed views refreshed after growth, a first-fit block allocator. */
class Arena {
  readonly #mem: WebAssembly.Memory;
  #u8: Uint8Array;
  #dv: DataView;
  #i32: Int32Array;
  #i64: BigInt64Array;
  #top: number;
  /** Free ranges [start, end), sorted, coalesced. */
  #free: Array<[number, number]> = [];

  constructor(mem: WebAssembly.Memory, base: number) {
    this.#mem = mem;
    this.#top = align(base, 64);
    this.#u8 = new Uint8Array(mem.buffer);
    this.#dv = new DataView(mem.buffer);
    this.#i32 = new Int32Array(mem.buffer);
    this.#i64 = new BigInt64Array(mem.buffer);
  }

  /** Views of the whole memory as i32 / i64 (index = byte offset / 4 or / 8; little-endian hosts). */
  get i32(): Int32Array {
    if (this.#i32.buffer !== this.#mem.buffer) this.#refresh();
    return this.#i32;
  }

  get i64(): BigInt64Array {
    if (this.#i64.buffer !== this.#mem.buffer) this.#refresh();
    return this.#i64;
  }

  get u8(): Uint8Array {
    if (this.#u8.buffer !== this.#mem.buffer) this.#refresh();
    return this.#u8;
  }

  get dv(): DataView {
    if (this.#dv.buffer !== this.#mem.buffer) this.#refresh();
    return this.#dv;
  }

  #refresh(): void {
    this.#u8 = new Uint8Array(this.#mem.buffer);
    this.#dv = new DataView(this.#mem.buffer);
    this.#i32 = new Int32Array(this.#mem.buffer);
    this.#i64 = new BigInt64Array(this.#mem.buffer);
  }

  alloc(size: number): number {
    size = align(Math.max(size, 64), 64);
    for (let i = 0; i < this.#free.length; i++) {
      const r = this.#free[i]!;
      if (r[1] - r[0] >= size) {
        const p = r[0];
        r[0] += size;
        if (r[0] === r[1]) this.#free.splice(i, 1);
        return p;
      }
    }
    let p = this.#top;
    const last = this.#free[this.#free.length - 1];
    if (last && last[1] === this.#top) {
      p = last[0];
      this.#free.pop();
    }
    const end = p + size;
    if (end > 0x1_0000_0000) throw new CoreError(BatchStatus.TOO_LARGE, 'kwasm core: 4 GiB address space exhausted');
    const have = this.#mem.buffer.byteLength;
    if (end > have) {
      try {
        this.#mem.grow(Math.ceil((end - have) / PAGE));
      } catch (cause) {
        if (p !== this.#top) this.#free.push([p, this.#top]);
        throw new CoreError(BatchStatus.TOO_LARGE, `kwasm core: cannot grow memory to ${end} bytes (${String(cause)})`);
      }
    }
    this.#top = end;
    return p;
  }

  free(ptr: number, size: number): void {
    size = align(Math.max(size, 64), 64);
    let start = ptr;
    let end = ptr + size;
    const list = this.#free;
    let i = 0;
    while (i < list.length && list[i]![0] < start) i++;
    if (i > 0 && list[i - 1]![1] === start) {
      start = list[i - 1]![0];
      list.splice(--i, 1);
    }
    if (i < list.length && list[i]![0] === end) {
      end = list[i]![1];
      list.splice(i, 1);
    }
    if (end === this.#top) this.#top = start;
    else list.splice(i, 0, [start, end]);
  }
}

// Table offsets in i32 units, as module constants: the hot loops below read only locals and these
// (namespace property reads cost a getter call under some loaders).
const R_WORDS = abi.R.SIZE / 4;
const R_OFFSET_DELTA = abi.R.OFFSET_DELTA / 4;
const R_KEY_OFF = abi.R.KEY_OFF / 4;
const R_KEY_LEN = abi.R.KEY_LEN / 4;
const R_VALUE_OFF = abi.R.VALUE_OFF / 4;
const R_VALUE_LEN = abi.R.VALUE_LEN / 4;
const R_HEADER_START = abi.R.HEADER_START / 4;
const R_HEADER_COUNT = abi.R.HEADER_COUNT / 4;
const H_WORDS = abi.H_SIZE / 4;
const D_WORDS = abi.D.SIZE / 4;

/** Shared by records without headers; frozen so that no caller can add to it. */
const NO_HEADERS: RecordView['headers'] = Object.freeze([]) as unknown as RecordView['headers'];
const clampI32 = (v: number) => Math.max(-0x80000000, Math.min(0x7fffffff, Math.trunc(v)));

class CoreImpl implements Core {
  readonly abiVersion: number;
  readonly #x: CoreExports;
  readonly #a: Arena;
  readonly #result: number;
  #scratchPtr = 0;
  #scratchSize = 0;

  constructor(x: CoreExports) {
    this.#x = x;
    this.abiVersion = x.abiVersion();
    if (this.abiVersion !== abi.ABI_VERSION) {
      throw new Error(`kwasm core: ABI version ${this.abiVersion}, this wrapper speaks ${abi.ABI_VERSION}`);
    }
    this.#a = new Arena(x.memory, x.arenaBase());
    this.#result = x.resultPtr();
  }

  /** A scratch block of at least n bytes; its content is not kept across calls. */
  #scratch(n: number): number {
    if (n > this.#scratchSize) {
      const old = this.#scratchSize;
      if (old > 0) this.#a.free(this.#scratchPtr, old);
      this.#scratchSize = 0;
      const size = align(Math.max(n, old * 2, 256 * 1024), PAGE);
      this.#scratchPtr = this.#a.alloc(size);
      this.#scratchSize = size;
    }
    return this.#scratchPtr;
  }

  /** Copies data into scratch at offset 0 and returns its pointer, with `extra` bytes behind it. */
  #input(data: Uint8Array, extra: number): number {
    const p = this.#scratch(align(data.length, 64) + extra);
    this.#a.u8.set(data, p);
    return p;
  }

  crc32c(data: Uint8Array, crc = 0): number {
    const p = this.#input(data, 0);
    return this.#x.crc32c(p, data.length, crc) >>> 0;
  }

  crc32(data: Uint8Array, crc = 0): number {
    const p = this.#input(data, 0);
    return this.#x.crc32(p, data.length, crc) >>> 0;
  }

  validateBatches(buf: Uint8Array, opts: ValidateOptions = {}): ScanResult {
    const len = buf.length;
    const maxBatches = Math.floor(len / abi.BATCH_HEADER_SIZE) + 1;
    const inLen = align(len, 64);
    const p = this.#input(buf, abi.T_HEADER + maxBatches * abi.D.SIZE);
    const out = p + inLen;
    const flags = (opts.strict ? abi.V_STRICT : 0) | (opts.records ? abi.V_RECORDS : 0);
    const r = this.#x.validateBatches(p, len, flags, out, maxBatches);
    const status = (r < 0 ? -r : 0) as BatchStatusCode;
    if (status === BatchStatus.BAD_ARGUMENT || status === BatchStatus.OUTPUT_FULL) {
      throw new CoreError(status, 'validateBatches');
    }
    if (opts.assign && status === BatchStatus.OK) {
      const n = this.#x.assignOffsets(p, len, opts.assign.baseOffset, opts.assign.leaderEpoch, out);
      if (n < 0) throw new CoreError(-n as BatchStatusCode, 'assignOffsets');
    }
    const i32 = this.#a.i32;
    const i64 = this.#a.i64;
    const count = i32[out >> 2]! >>> 0;
    const validBytes = i32[(out >> 2) + 1]! >>> 0;
    const errorPosition = i32[(out >> 2) + 2]! >>> 0;
    const batches: BatchDescriptor[] = new Array(count);
    for (let i = 0, d = out + abi.T_HEADER; i < count; i++, d += D_WORDS * 4) batches[i] = readDescriptor(i32, i64, d);
    if (opts.assign && status === BatchStatus.OK) this.#copyHeadersBack(buf, p, batches);
    return { status, validBytes, errorPosition, batches };
  }

  /** Copies the patched first 16 bytes (baseOffset, batchLength, epoch) of each batch back. */
  #copyHeadersBack(buf: Uint8Array, p: number, batches: readonly BatchDescriptor[]): void {
    const u8 = this.#a.u8;
    for (const b of batches) buf.set(u8.subarray(p + b.position, p + b.position + 16), b.position);
  }

  assignOffsets(buf: Uint8Array, baseOffset: bigint, leaderEpoch: number): bigint {
    const p = this.#input(buf, 0);
    const n = this.#x.assignOffsets(p, buf.length, baseOffset, leaderEpoch, 0);
    if (n < 0) throw new CoreError(-n as BatchStatusCode, 'assignOffsets');
    // Only the first 16 bytes of each batch changed; copying the whole buffer back is one memcpy.
    buf.set(this.#a.u8.subarray(p, p + buf.length));
    return this.#a.dv.getBigInt64(this.#result, true);
  }

  setBaseOffset(data: Uint8Array, position: number, baseOffset: bigint, partitionLeaderEpoch?: number): void {
    if (!(position >= 0 && position <= data.length)) throw new RangeError(`batch position ${position} outside ${data.length} bytes`);
    const head = data.subarray(position, position + abi.BATCH_HEADER_SIZE);
    const p = this.#input(head, 0);
    const st = this.#x.setBaseOffset(p, head.length, baseOffset, partitionLeaderEpoch ?? 0, partitionLeaderEpoch === undefined ? 0 : 1);
    if (st < 0) throw new CoreError(-st as BatchStatusCode, 'setBaseOffset');
    data.set(this.#a.u8.subarray(p, p + 16), position);
  }

  offsetIndexLookup(index: Uint8Array, entries: number, targetRelativeOffset: number): number {
    const n = Math.max(0, Math.min(entries, Math.floor(index.length / abi.OFFSET_INDEX_ENTRY)));
    const p = this.#input(index.subarray(0, n * abi.OFFSET_INDEX_ENTRY), 0);
    const slot = this.#x.offsetIndexLookup(p, n, clampI32(targetRelativeOffset));
    if (slot === -BatchStatus.NOT_FOUND) return -1;
    if (slot < 0) throw new CoreError(-slot as BatchStatusCode, 'offsetIndexLookup');
    return slot;
  }

  timeIndexLookup(index: Uint8Array, entries: number, targetTimestamp: bigint): number {
    const n = Math.max(0, Math.min(entries, Math.floor(index.length / abi.TIME_INDEX_ENTRY)));
    const p = this.#input(index.subarray(0, n * abi.TIME_INDEX_ENTRY), 0);
    const slot = this.#x.timeIndexLookup(p, n, targetTimestamp);
    if (slot === -BatchStatus.NOT_FOUND) return -1;
    if (slot < 0) throw new CoreError(-slot as BatchStatusCode, 'timeIndexLookup');
    return slot;
  }

  setMaxTimestamp(buf: Uint8Array, maxTimestamp: bigint | number, logAppendTime: boolean): void {
    const p = this.#input(buf, 0);
    const n = this.#x.setMaxTimestamp(p, buf.length, logAppendTime ? 1 : 0, BigInt(maxTimestamp));
    if (n < 0) throw new CoreError(-n as BatchStatusCode, 'setMaxTimestamp');
    buf.set(this.#a.u8.subarray(p, p + buf.length));
  }

  decodeRecords(batch: Uint8Array, opts: DecodeOptions = {}): RecordView[] {
    let recCap = Math.max(16, Math.floor(batch.length / 64));
    let hdrCap = recCap;
    for (let attempt = 0; ; attempt++) {
      const inLen = align(batch.length, 64);
      const p = this.#input(batch, recCap * abi.R.SIZE + hdrCap * abi.H_SIZE);
      const recOut = p + inLen;
      const hdrOut = recOut + recCap * abi.R.SIZE;
      const r = this.#x.decodeBatch(p, batch.length, recOut, recCap, hdrOut, hdrCap);
      if (r >= 0) return this.#views(batch, r, recOut, hdrOut);
      const dv = this.#a.dv;
      const d = this.#result + 64;
      if (-r === BatchStatus.OUTPUT_FULL && attempt < 3) {
        const needHeaders = dv.getInt32(this.#result, true);
        if (needHeaders < 0) recCap = dv.getInt32(d + abi.D.RECORD_COUNT, true);
        else hdrCap = needHeaders;
        continue;
      }
      if (-r === BatchStatus.BAD_COMPRESSION && opts.decompress) {
        const codec = dv.getUint16(d + abi.D.ATTRIBUTES, true) & 7;
        const count = dv.getInt32(d + abi.D.RECORD_COUNT, true);
        const lastOffsetDelta = dv.getInt32(d + abi.D.LAST_OFFSET_DELTA, true);
        const size = dv.getUint32(d + abi.D.BATCH_SIZE, true);
        if (codec > 4) throw new CoreError(BatchStatus.BAD_COMPRESSION, 'decodeRecords');
        const section = opts.decompress(batch.subarray(abi.BATCH_HEADER_SIZE, size), codec);
        return this.decodeRecordsSection(section, count, lastOffsetDelta);
      }
      throw new CoreError(-r as BatchStatusCode, 'decodeRecords');
    }
  }

  decodeRecordsSection(section: Uint8Array, count: number, lastOffsetDelta = 0x7fffffff): RecordView[] {
    if (!Number.isInteger(count) || count < 0 || count > section.length / abi.MIN_RECORD_SIZE) {
      throw new CoreError(BatchStatus.COUNT_MISMATCH, 'decodeRecordsSection');
    }
    let hdrCap = Math.max(16, count);
    for (let attempt = 0; ; attempt++) {
      const inLen = align(section.length, 64);
      const p = this.#input(section, count * abi.R.SIZE + hdrCap * abi.H_SIZE + 64);
      const recOut = p + inLen;
      const hdrOut = recOut + align(count * abi.R.SIZE, 64);
      const r = this.#x.decodeRecords(p, section.length, count, lastOffsetDelta, recOut, count, hdrOut, hdrCap);
      if (r >= 0) return this.#views(section, r, recOut, hdrOut);
      if (-r === BatchStatus.OUTPUT_FULL && attempt < 3) {
        hdrCap = this.#a.dv.getInt32(this.#result, true);
        continue;
      }
      throw new CoreError(-r as BatchStatusCode, 'decodeRecordsSection');
    }
  }

  /**
   * RecordViews from the core's tables; spans are views into `src` (the caller's bytes), made with
   * the Uint8Array constructor (several times faster than subarray, and plain Uint8Arrays even
   * when src is a Buffer).
   */
  #views(src: Uint8Array, count: number, recOut: number, hdrOut: number): RecordView[] {
    const i32 = this.#a.i32;
    const i64 = this.#a.i64;
    const ab = src.buffer;
    const at = src.byteOffset;
    const records: RecordView[] = new Array(count);
    let r = recOut >> 2;
    const h0 = hdrOut >> 2;
    for (let i = 0; i < count; i++, r += R_WORDS) {
      const hCount = i32[r + R_HEADER_COUNT]!;
      let headers: RecordView['headers'] = NO_HEADERS;
      if (hCount > 0) {
        headers = new Array(hCount);
        let h = h0 + i32[r + R_HEADER_START]! * H_WORDS;
        for (let j = 0; j < hCount; j++, h += H_WORDS) {
          const vLen = i32[h + 3]!;
          headers[j] = { key: new Uint8Array(ab, at + i32[h]!, i32[h + 1]!), value: vLen < 0 ? null : new Uint8Array(ab, at + i32[h + 2]!, vLen) };
        }
      }
      const kLen = i32[r + R_KEY_LEN]!;
      const vLen = i32[r + R_VALUE_LEN]!;
      records[i] = {
        offsetDelta: i32[r + R_OFFSET_DELTA]!,
        timestampDelta: i64[r >> 1]!,
        key: kLen < 0 ? null : new Uint8Array(ab, at + i32[r + R_KEY_OFF]!, kLen),
        value: vLen < 0 ? null : new Uint8Array(ab, at + i32[r + R_VALUE_OFF]!, vLen),
        headers,
      };
    }
    return records;
  }

  /**
   * Lays records out in scratch: [desc | spec | header spans | data | out(outCap)]. Returns the
   * pointers; the descriptor is filled from `h`.
   */
  #stageRecords(records: readonly RecordInput[], h: BatchHeaderInput, outExtra: number) {
    const n = records.length;
    const parts: Array<Uint8Array | null> = [];
    let dataLen = 0;
    let hdrTotal = 0;
    let outCap = outExtra;
    const push = (b: Uint8Array | null | undefined): number => {
      if (b == null) return -1;
      parts.push(b);
      dataLen += b.length;
      return b.length;
    };
    // First pass: sizes, and header keys as bytes.
    const hkeys: Uint8Array[] = [];
    for (const rec of records) {
      push(rec.key);
      push(rec.value);
      outCap += 36 + (rec.key?.length ?? 0) + (rec.value?.length ?? 0);
      for (const hd of rec.headers ?? []) {
        const k = typeof hd.key === 'string' ? utf8.encode(hd.key) : hd.key;
        hkeys.push(k);
        push(k);
        push(hd.value);
        outCap += 10 + k.length + (hd.value?.length ?? 0);
        hdrTotal++;
      }
    }
    const descOff = 0;
    const specOff = abi.D.SIZE;
    const hdrOff = specOff + align(n * abi.E.SIZE, 64);
    const dataOff = hdrOff + align(hdrTotal * abi.H_SIZE, 64);
    const outOff = dataOff + align(dataLen, 64);
    const base = this.#scratch(outOff + outCap);
    const u8 = this.#a.u8;
    const dv = this.#a.dv;
    const desc = base + descOff;
    const spec = base + specOff;
    const hdrs = base + hdrOff;
    const data = base + dataOff;
    let d = 0;
    const put = (b: Uint8Array | null | undefined): number => {
      if (b == null) return 0;
      u8.set(b, data + d);
      d += b.length;
      return d - b.length;
    };
    const baseTimestamp = BigInt(h.baseTimestamp ?? records.find((r) => r.timestamp !== undefined)?.timestamp ?? Date.now());
    let hi = 0;
    let hk = 0;
    for (let i = 0; i < n; i++) {
      const rec = records[i]!;
      const e = spec + i * abi.E.SIZE;
      dv.setBigInt64(e + abi.E.TIMESTAMP, rec.timestamp === undefined ? baseTimestamp : BigInt(rec.timestamp), true);
      dv.setInt32(e + abi.E.OFFSET_DELTA, rec.offsetDelta ?? i, true);
      dv.setInt32(e + abi.E.KEY_OFF, put(rec.key), true);
      dv.setInt32(e + abi.E.KEY_LEN, rec.key == null ? -1 : rec.key.length, true);
      dv.setInt32(e + abi.E.VALUE_OFF, put(rec.value), true);
      dv.setInt32(e + abi.E.VALUE_LEN, rec.value == null ? -1 : rec.value.length, true);
      const hc = rec.headers?.length ?? 0;
      dv.setInt32(e + abi.E.HEADER_COUNT, hc, true);
      for (let j = 0; j < hc; j++) {
        const hd = rec.headers![j]!;
        const k = hkeys[hk++]!;
        const s = hdrs + hi * abi.H_SIZE;
        dv.setInt32(s, put(k), true);
        dv.setInt32(s + 4, k.length, true);
        dv.setInt32(s + 8, put(hd.value), true);
        dv.setInt32(s + 12, hd.value == null ? -1 : hd.value.length, true);
        hi++;
      }
    }
    writeHeaderInput(dv, desc, h, baseTimestamp, n);
    return { desc, spec, n, hdrs, hdrTotal, data, dataLen, out: base + outOff, outCap };
  }

  encodeBatch(records: readonly RecordInput[], opts: EncodeOptions = {}): Uint8Array {
    const codec = opts.compression ?? 0;
    const s = this.#stageRecords(records, opts, abi.BATCH_HEADER_SIZE);
    const x = this.#x;
    const recordsAt = s.out + abi.BATCH_HEADER_SIZE;
    const len = x.encodeRecords(s.desc, s.spec, s.n, s.hdrs, s.hdrTotal, s.data, s.dataLen, recordsAt, s.outCap - abi.BATCH_HEADER_SIZE);
    if (len < 0) throw new CoreError(-len as BatchStatusCode, 'encodeBatch');
    if (opts.maxTimestamp !== undefined) this.#a.dv.setBigInt64(s.desc + abi.D.MAX_TIMESTAMP, BigInt(opts.maxTimestamp), true);
    let recordsLen = len;
    if (codec !== 0) {
      if (!opts.compress) throw new CoreError(BatchStatus.BAD_COMPRESSION, 'encodeBatch: compression without a compress function');
      const packed = opts.compress(this.#a.u8.subarray(recordsAt, recordsAt + len), codec);
      // The compressed section may be larger than the space reserved for the plain one.
      const room = s.outCap - abi.BATCH_HEADER_SIZE;
      if (packed.length > room) return this.buildBatch(packed, this.#readHeader(s.desc));
      this.#a.u8.set(packed, recordsAt);
      recordsLen = packed.length;
    }
    const size = x.writeBatchHeader(s.desc, s.out, recordsLen);
    if (size < 0) throw new CoreError(-size as BatchStatusCode, 'encodeBatch');
    return this.#a.u8.slice(s.out, s.out + size);
  }

  /** The header fields currently in the descriptor at d, as buildBatch input. */
  #readHeader(d: number) {
    const dv = this.#a.dv;
    const attributes = dv.getUint16(d + abi.D.ATTRIBUTES, true);
    return {
      baseOffset: dv.getBigInt64(d + abi.D.BASE_OFFSET, true),
      partitionLeaderEpoch: dv.getInt32(d + abi.D.LEADER_EPOCH, true),
      compression: attributes & 7,
      logAppendTime: (attributes & 0x08) !== 0,
      transactional: (attributes & 0x10) !== 0,
      baseTimestamp: dv.getBigInt64(d + abi.D.BASE_TIMESTAMP, true),
      maxTimestamp: dv.getBigInt64(d + abi.D.MAX_TIMESTAMP, true),
      producerId: dv.getBigInt64(d + abi.D.PRODUCER_ID, true),
      producerEpoch: dv.getInt16(d + abi.D.PRODUCER_EPOCH, true),
      baseSequence: dv.getInt32(d + abi.D.BASE_SEQUENCE, true),
      lastOffsetDelta: dv.getInt32(d + abi.D.LAST_OFFSET_DELTA, true),
      recordCount: dv.getInt32(d + abi.D.RECORD_COUNT, true),
    };
  }

  encodeRecordsSection(records: readonly RecordInput[], opts: BatchHeaderInput = {}): RecordsSection {
    const s = this.#stageRecords(records, opts, 0);
    const len = this.#x.encodeRecords(s.desc, s.spec, s.n, s.hdrs, s.hdrTotal, s.data, s.dataLen, s.out, s.outCap);
    if (len < 0) throw new CoreError(-len as BatchStatusCode, 'encodeRecordsSection');
    const h = this.#readHeader(s.desc);
    return {
      records: this.#a.u8.slice(s.out, s.out + len),
      recordCount: h.recordCount,
      lastOffsetDelta: h.lastOffsetDelta,
      baseTimestamp: h.baseTimestamp,
      maxTimestamp: opts.maxTimestamp !== undefined ? BigInt(opts.maxTimestamp) : h.maxTimestamp,
    };
  }

  buildBatch(
    section: Uint8Array,
    header: BatchHeaderInput & { recordCount: number; lastOffsetDelta: number; baseTimestamp: bigint | number; maxTimestamp: bigint | number },
  ): Uint8Array {
    const base = this.#scratch(64 + abi.BATCH_HEADER_SIZE + section.length);
    const desc = base;
    const out = base + 64;
    const dv = this.#a.dv;
    writeHeaderInput(dv, desc, header, BigInt(header.baseTimestamp), header.recordCount);
    dv.setBigInt64(desc + abi.D.MAX_TIMESTAMP, BigInt(header.maxTimestamp), true);
    dv.setInt32(desc + abi.D.LAST_OFFSET_DELTA, header.lastOffsetDelta, true);
    this.#a.u8.set(section, out + abi.BATCH_HEADER_SIZE);
    const size = this.#x.writeBatchHeader(desc, out, section.length);
    if (size < 0) throw new CoreError(-size as BatchStatusCode, 'buildBatch');
    return this.#a.u8.slice(out, out + size);
  }

  encodeControlBatch(m: ControlMarkerInput): Uint8Array {
    const base = this.#scratch(64 + 256);
    const dv = this.#a.dv;
    writeHeaderInput(
      dv,
      base,
      {
        baseOffset: m.baseOffset ?? 0n,
        partitionLeaderEpoch: m.partitionLeaderEpoch ?? -1,
        producerId: m.producerId,
        producerEpoch: m.producerEpoch,
        baseSequence: -1,
      },
      BigInt(m.timestamp ?? Date.now()),
      1,
    );
    const size = this.#x.encodeControlBatch(base, m.type, m.coordinatorEpoch, base + 64, 256);
    if (size < 0) throw new CoreError(-size as BatchStatusCode, 'encodeControlBatch');
    return this.#a.u8.slice(base + 64, base + 64 + size);
  }

  readControl(batch: Uint8Array): ControlRecord {
    const p = this.#input(batch, 0);
    const r = this.#x.controlRecord(p, batch.length);
    if (r < 0) throw new CoreError(-r as BatchStatusCode, 'readControl');
    const dv = this.#a.dv;
    const res = this.#result;
    return {
      keyVersion: dv.getInt32(res, true),
      type: dv.getInt32(res + 4, true),
      valueVersion: dv.getInt32(res + 8, true),
      coordinatorEpoch: dv.getInt32(res + 12, true),
    };
  }

  decodeMessageSet(buf: Uint8Array): LegacyScanResult {
    const len = buf.length;
    const max = Math.floor(len / 26) + 1; // smallest legacy entry: 12 + 14 bytes
    const p = this.#input(buf, abi.T_HEADER + max * abi.LM.SIZE);
    const out = p + align(len, 64);
    const r = this.#x.decodeMessageSet(p, len, out, max);
    const status = (r < 0 ? -r : 0) as BatchStatusCode;
    if (status === BatchStatus.BAD_ARGUMENT || status === BatchStatus.OUTPUT_FULL) throw new CoreError(status, 'decodeMessageSet');
    const dv = this.#a.dv;
    const count = dv.getUint32(out, true);
    const span = (off: number, l: number) => (l >= 0 ? buf.subarray(off, off + l) : null);
    const messages: LegacyMessage[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const e = out + abi.T_HEADER + i * abi.LM.SIZE;
      const attributes = dv.getUint8(e + abi.LM.ATTRIBUTES);
      messages[i] = {
        offset: dv.getBigInt64(e + abi.LM.OFFSET, true),
        timestamp: dv.getBigInt64(e + abi.LM.TIMESTAMP, true),
        magic: dv.getUint8(e + abi.LM.MAGIC),
        attributes,
        compression: attributes & 7,
        crc: dv.getUint32(e + abi.LM.CRC, true),
        position: dv.getUint32(e + abi.LM.POSITION, true),
        size: dv.getUint32(e + abi.LM.SIZE_FIELD, true),
        key: span(dv.getInt32(e + abi.LM.KEY_OFF, true), dv.getInt32(e + abi.LM.KEY_LEN, true)),
        value: span(dv.getInt32(e + abi.LM.VALUE_OFF, true), dv.getInt32(e + abi.LM.VALUE_LEN, true)),
      };
    }
    return { status, validBytes: dv.getUint32(out + 4, true), errorPosition: dv.getUint32(out + 8, true), messages };
  }

  encodeMessageSet(messages: readonly LegacyMessageInput[], magic: 0 | 1): Uint8Array {
    const n = messages.length;
    let dataLen = 0;
    for (const m of messages) dataLen += (m.key?.length ?? 0) + (m.value?.length ?? 0);
    const outCap = dataLen + n * 34;
    const specSize = align(n * abi.ME.SIZE, 64);
    const base = this.#scratch(specSize + align(dataLen, 64) + outCap);
    const data = base + specSize;
    const out = data + align(dataLen, 64);
    const u8 = this.#a.u8;
    const dv = this.#a.dv;
    let d = 0;
    const put = (b: Uint8Array | null | undefined) => {
      if (b == null) return 0;
      u8.set(b, data + d);
      d += b.length;
      return d - b.length;
    };
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      const e = base + i * abi.ME.SIZE;
      dv.setBigInt64(e + abi.ME.OFFSET, m.offset, true);
      dv.setBigInt64(e + abi.ME.TIMESTAMP, BigInt(m.timestamp ?? -1), true);
      dv.setInt32(e + abi.ME.KEY_OFF, put(m.key), true);
      dv.setInt32(e + abi.ME.KEY_LEN, m.key == null ? -1 : m.key.length, true);
      dv.setInt32(e + abi.ME.VALUE_OFF, put(m.value), true);
      dv.setInt32(e + abi.ME.VALUE_LEN, m.value == null ? -1 : m.value.length, true);
      dv.setInt32(e + abi.ME.ATTRIBUTES, m.attributes ?? 0, true);
    }
    const r = this.#x.encodeMessageSet(base, n, data, dataLen, magic, out, outCap);
    if (r < 0) throw new CoreError(-r as BatchStatusCode, 'encodeMessageSet');
    return this.#a.u8.slice(out, out + r);
  }

  openOffsetIndex(opts: IndexOptions = {}): OffsetIndex {
    return new OffsetIndexImpl(this.#x, this.#a, opts);
  }

  openTimeIndex(opts: IndexOptions = {}): TimeIndex {
    return new TimeIndexImpl(this.#x, this.#a, opts);
  }
}

function readDescriptor(i32: Int32Array, i64: BigInt64Array, d: number): BatchDescriptor {
  const w = d >> 2;
  const q = d >> 3;
  const attrEpoch = i32[w + 14]!; // u16 attributes | i16 producerEpoch << 16
  return {
    position: i32[w + 8]! >>> 0,
    size: i32[w + 9]! >>> 0,
    baseOffset: i64[q]!,
    partitionLeaderEpoch: i32[w + 10]!,
    attributes: attrEpoch & 0xffff,
    lastOffsetDelta: i32[w + 11]!,
    baseTimestamp: i64[q + 1]!,
    maxTimestamp: i64[q + 2]!,
    producerId: i64[q + 3]!,
    producerEpoch: attrEpoch >> 16,
    baseSequence: i32[w + 12]!,
    recordCount: i32[w + 13]!,
    controlType: (i32[w + 15]! << 16) >> 16,
  };
}

/** Fills the encoder parameter block (descriptor layout) from header input. */
function writeHeaderInput(dv: DataView, d: number, h: BatchHeaderInput, baseTimestamp: bigint, count: number): void {
  const attributes = (h.compression ?? 0) | (h.logAppendTime ? 0x08 : 0) | (h.transactional ? 0x10 : 0);
  dv.setBigInt64(d + abi.D.BASE_OFFSET, h.baseOffset ?? 0n, true);
  dv.setBigInt64(d + abi.D.BASE_TIMESTAMP, baseTimestamp, true);
  dv.setBigInt64(d + abi.D.MAX_TIMESTAMP, h.maxTimestamp !== undefined ? BigInt(h.maxTimestamp) : baseTimestamp, true);
  dv.setBigInt64(d + abi.D.PRODUCER_ID, h.producerId ?? -1n, true);
  dv.setUint32(d + abi.D.POSITION, 0, true);
  dv.setUint32(d + abi.D.BATCH_SIZE, 0, true);
  dv.setInt32(d + abi.D.LEADER_EPOCH, h.partitionLeaderEpoch ?? -1, true);
  dv.setInt32(d + abi.D.LAST_OFFSET_DELTA, h.lastOffsetDelta ?? -1, true);
  dv.setInt32(d + abi.D.BASE_SEQUENCE, h.baseSequence ?? -1, true);
  dv.setInt32(d + abi.D.RECORD_COUNT, count, true);
  dv.setUint16(d + abi.D.ATTRIBUTES, attributes, true);
  dv.setInt16(d + abi.D.PRODUCER_EPOCH, h.producerEpoch ?? -1, true);
  dv.setInt16(d + abi.D.CONTROL_TYPE, -1, true);
}

/** Shared part of the two index kinds: a block of linear memory holding the on-disk entries. */
abstract class IndexBlock {
  protected readonly x: CoreExports;
  protected readonly a: Arena;
  protected ptr = 0;
  protected capBytes = 0;
  protected n = 0;
  readonly maxEntries: number;
  readonly #entrySize: number;
  #closed = false;

  constructor(x: CoreExports, a: Arena, opts: IndexOptions, entrySize: number) {
    this.x = x;
    this.a = a;
    this.#entrySize = entrySize;
    const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    this.maxEntries = Math.floor(maxBytes / entrySize);
    const init = opts.bytes;
    const initEntries = init ? Math.min(Math.floor(init.length / entrySize), this.maxEntries) : 0;
    this.capBytes = align(Math.max(4096, initEntries * entrySize), 64);
    this.ptr = a.alloc(this.capBytes);
    const u8 = a.u8;
    u8.fill(0, this.ptr, this.ptr + this.capBytes);
    if (init && initEntries > 0) u8.set(init.subarray(0, initEntries * entrySize), this.ptr);
    this.n = initEntries;
  }

  get entries(): number {
    return this.n;
  }

  get isFull(): boolean {
    return this.n >= this.maxEntries;
  }

  protected live(): void {
    if (this.#closed) throw new Error('kwasm core: index used after close()');
  }

  /** Capacity (in entries) that the block can take now; grows the block for one more entry. */
  protected room(): number {
    this.live();
    const size = this.#entrySize;
    if ((this.n + 1) * size > this.capBytes && this.n < this.maxEntries) {
      const newCap = align(Math.min(this.capBytes * 2, this.maxEntries * size), 64);
      const p = this.a.alloc(newCap);
      const u8 = this.a.u8;
      u8.copyWithin(p, this.ptr, this.ptr + this.n * size);
      u8.fill(0, p + this.n * size, p + newCap);
      this.a.free(this.ptr, this.capBytes);
      this.ptr = p;
      this.capBytes = newCap;
    }
    return Math.min(Math.floor(this.capBytes / size), this.maxEntries);
  }

  protected check(st: number, what: string): number {
    if (st < 0) throw new CoreError(-st as BatchStatusCode, what);
    return st;
  }

  truncateToEntries(n: number): void {
    this.live();
    if (n < 0 || n > this.n) return;
    this.a.u8.fill(0, this.ptr + n * this.#entrySize, this.ptr + this.n * this.#entrySize);
    this.n = n;
  }

  bytes(): Uint8Array {
    this.live();
    return this.a.u8.slice(this.ptr, this.ptr + this.n * this.#entrySize);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.a.free(this.ptr, this.capBytes);
  }
}

class OffsetIndexImpl extends IndexBlock implements OffsetIndex {
  readonly #result: number;
  constructor(x: CoreExports, a: Arena, opts: IndexOptions) {
    super(x, a, opts, abi.OFFSET_INDEX_ENTRY);
    this.#result = x.resultPtr();
  }

  append(relativeOffset: number, position: number): void {
    const cap = this.room();
    this.n = this.check(this.x.offsetIndexAppend(this.ptr, this.n, cap, relativeOffset, position), 'offsetIndex.append');
  }

  lookup(target: number): OffsetIndexEntry | null {
    this.live();
    const slot = this.x.offsetIndexLookup(this.ptr, this.n, clampI32(target));
    if (slot === -BatchStatus.NOT_FOUND) return null;
    this.check(slot, 'offsetIndex.lookup');
    const dv = this.a.dv;
    return { relativeOffset: dv.getInt32(this.#result, true), position: dv.getInt32(this.#result + 4, true) };
  }

  entry(slot: number): OffsetIndexEntry {
    this.live();
    if (!(slot >= 0 && slot < this.n)) throw new RangeError(`index slot ${slot} of ${this.n}`);
    this.check(this.x.offsetIndexEntry(this.ptr, this.n, slot), 'offsetIndex.entry');
    const dv = this.a.dv;
    return { relativeOffset: dv.getInt32(this.#result, true), position: dv.getInt32(this.#result + 4, true) };
  }

  truncateTo(relativeOffset: number): number {
    this.live();
    this.n = this.check(this.x.offsetIndexTruncate(this.ptr, this.n, relativeOffset), 'offsetIndex.truncateTo');
    return this.n;
  }

  validEntries(): number {
    this.live();
    return this.check(this.x.offsetIndexCheck(this.ptr, this.n), 'offsetIndex.validEntries');
  }
}

class TimeIndexImpl extends IndexBlock implements TimeIndex {
  readonly #result: number;
  constructor(x: CoreExports, a: Arena, opts: IndexOptions) {
    super(x, a, opts, abi.TIME_INDEX_ENTRY);
    this.#result = x.resultPtr();
  }

  maybeAppend(timestamp: bigint | number, relativeOffset: number): boolean {
    const cap = this.room();
    const before = this.n;
    this.n = this.check(this.x.timeIndexAppend(this.ptr, this.n, cap, BigInt(timestamp), relativeOffset), 'timeIndex.maybeAppend');
    return this.n > before;
  }

  lookup(target: bigint | number): TimeIndexEntry | null {
    this.live();
    const slot = this.x.timeIndexLookup(this.ptr, this.n, BigInt(target));
    if (slot === -BatchStatus.NOT_FOUND) return null;
    this.check(slot, 'timeIndex.lookup');
    const dv = this.a.dv;
    return { timestamp: dv.getBigInt64(this.#result, true), relativeOffset: dv.getInt32(this.#result + 8, true) };
  }

  entry(slot: number): TimeIndexEntry {
    this.live();
    if (!(slot >= 0 && slot < this.n)) throw new RangeError(`index slot ${slot} of ${this.n}`);
    this.check(this.x.timeIndexEntry(this.ptr, this.n, slot), 'timeIndex.entry');
    const dv = this.a.dv;
    return { timestamp: dv.getBigInt64(this.#result, true), relativeOffset: dv.getInt32(this.#result + 8, true) };
  }

  lastEntry(): TimeIndexEntry | null {
    return this.n > 0 ? this.entry(this.n - 1) : null;
  }

  truncateTo(relativeOffset: number): number {
    this.live();
    this.n = this.check(this.x.timeIndexTruncate(this.ptr, this.n, relativeOffset), 'timeIndex.truncateTo');
    return this.n;
  }

  validEntries(): number {
    this.live();
    return this.check(this.x.timeIndexCheck(this.ptr, this.n), 'timeIndex.validEntries');
  }
}

/** Wraps the exports of an instantiated build/kwasm.wasm. */
export function createCore(exports: CoreExports): Core {
  // Tables are read with Int32Array/BigInt64Array views: the host must be little-endian, as wasm is.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('kwasm core: big-endian hosts are not supported');
  return new CoreImpl(exports);
}
