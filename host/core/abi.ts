// The raw ABI of build/kwasm.wasm as the host sees it: export signatures and the byte layouts of
// the tables the core reads and writes (little-endian, in linear memory). Mirrors assembly/layout.ts
// and README "WASM core ABI". Runtime-neutral: no node: imports.

export const ABI_VERSION = 1;

/** The exports of build/kwasm.wasm. i64 parameters are BigInts on the JS side. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  abiVersion(): number;
  arenaBase(): number;
  resultPtr(): number;
  crc32c(ptr: number, len: number, crc: number): number;
  crc32(ptr: number, len: number, crc: number): number;
  validateBatches(ptr: number, len: number, flags: number, out: number, maxBatches: number): number;
  assignOffsets(ptr: number, len: number, baseOffset: bigint, leaderEpoch: number, table: number): number;
  setBaseOffset(ptr: number, len: number, baseOffset: bigint, leaderEpoch: number, setEpoch: number): number;
  setMaxTimestamp(ptr: number, len: number, logAppendTime: number, maxTimestamp: bigint): number;
  decodeRecords(ptr: number, len: number, count: number, lastOffsetDelta: number, recOut: number, recCap: number, hdrOut: number, hdrCap: number): number;
  decodeBatch(ptr: number, len: number, recOut: number, recCap: number, hdrOut: number, hdrCap: number): number;
  encodeRecords(desc: number, spec: number, count: number, hdrs: number, hdrTotal: number, data: number, dataLen: number, out: number, outCap: number): number;
  encodeBatch(desc: number, spec: number, count: number, hdrs: number, hdrTotal: number, data: number, dataLen: number, out: number, outCap: number): number;
  writeBatchHeader(desc: number, out: number, recordsLen: number): number;
  encodeControlBatch(desc: number, type: number, coordinatorEpoch: number, out: number, outCap: number): number;
  controlRecord(ptr: number, len: number): number;
  decodeMessageSet(ptr: number, len: number, out: number, maxEntries: number): number;
  encodeMessageSet(spec: number, count: number, data: number, dataLen: number, magic: number, out: number, outCap: number): number;
  offsetIndexAppend(idx: number, entries: number, capacity: number, relativeOffset: number, position: number): number;
  offsetIndexLookup(idx: number, entries: number, target: number): number;
  offsetIndexTruncate(idx: number, entries: number, relativeOffset: number): number;
  offsetIndexCheck(idx: number, entries: number): number;
  offsetIndexEntry(idx: number, entries: number, slot: number): number;
  timeIndexAppend(idx: number, entries: number, capacity: number, timestamp: bigint, relativeOffset: number): number;
  timeIndexLookup(idx: number, entries: number, timestamp: bigint): number;
  timeIndexTruncate(idx: number, entries: number, relativeOffset: number): number;
  timeIndexCheck(idx: number, entries: number): number;
  timeIndexEntry(idx: number, entries: number, slot: number): number;
}

/** validateBatches flags. */
export const V_STRICT = 1;
export const V_RECORDS = 2;

/** Bytes of the fixed v2 batch header; the records section starts here. */
export const BATCH_HEADER_SIZE = 61;
/** Smallest possible record (length, attributes, 1-byte varints, no headers). */
export const MIN_RECORD_SIZE = 7;

/** Table header before descriptors / legacy entries: u32 count, u32 validBytes, u32 errorPosition. */
export const T_HEADER = 16;

/** Batch descriptor (also the encoders' parameter block). */
export const D = {
  SIZE: 64,
  BASE_OFFSET: 0, // i64
  BASE_TIMESTAMP: 8, // i64
  MAX_TIMESTAMP: 16, // i64
  PRODUCER_ID: 24, // i64
  POSITION: 32, // u32
  BATCH_SIZE: 36, // u32
  LEADER_EPOCH: 40, // i32
  LAST_OFFSET_DELTA: 44, // i32
  BASE_SEQUENCE: 48, // i32
  RECORD_COUNT: 52, // i32
  ATTRIBUTES: 56, // u16
  PRODUCER_EPOCH: 58, // i16
  CONTROL_TYPE: 60, // i16, -1 when not a control batch
} as const;

/** Decoded record entry. */
export const R = {
  SIZE: 48,
  TIMESTAMP_DELTA: 0, // i64
  OFFSET_DELTA: 8,
  KEY_OFF: 12,
  KEY_LEN: 16, // -1 = null
  VALUE_OFF: 20,
  VALUE_LEN: 24, // -1 = null
  HEADER_START: 28,
  HEADER_COUNT: 32,
  RECORD_OFF: 36,
  RECORD_SIZE: 40,
  ATTRIBUTES: 44,
} as const;

/** Header span: i32 keyOff, keyLen, valueOff, valueLen (-1 = null). */
export const H_SIZE = 16;

/** Encoder input entry. */
export const E = {
  SIZE: 32,
  TIMESTAMP: 0, // i64, absolute
  OFFSET_DELTA: 8,
  KEY_OFF: 12,
  KEY_LEN: 16,
  VALUE_OFF: 20,
  VALUE_LEN: 24,
  HEADER_COUNT: 28,
} as const;

/** Legacy message entry written by decodeMessageSet. */
export const LM = {
  SIZE: 48,
  OFFSET: 0, // i64
  TIMESTAMP: 8, // i64, -1 for magic 0
  POSITION: 16, // u32
  SIZE_FIELD: 20, // u32: 12 + message_size
  KEY_OFF: 24,
  KEY_LEN: 28,
  VALUE_OFF: 32,
  VALUE_LEN: 36,
  CRC: 40, // u32
  MAGIC: 44, // u8
  ATTRIBUTES: 45, // u8
} as const;

/** Legacy encoder input entry. */
export const ME = {
  SIZE: 40,
  OFFSET: 0, // i64
  TIMESTAMP: 8, // i64
  KEY_OFF: 16,
  KEY_LEN: 20,
  VALUE_OFF: 24,
  VALUE_LEN: 28,
  ATTRIBUTES: 32,
} as const;

/** Index entry sizes on disk. */
export const OFFSET_INDEX_ENTRY = 8;
export const TIME_INDEX_ENTRY = 12;
