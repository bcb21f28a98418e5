// The typed surface of the kwasm WASM core as the host sees it. host/core/wasm.ts implements it
// over assembly/index.ts; storage, protocol and broker code depend only on this interface.
// (Contract shared by several work streams: extend it, don't break it.)

/** Numeric status codes returned by the core (0 = OK). Mirrors assembly/status.ts. */
export const BatchStatus = {
  OK: 0,
  /** The buffer ends inside a batch header or body (a torn write / partial fetch tail). */
  TRUNCATED: 1,
  /** magic byte is not 2 (use the legacy decoder for 0/1). */
  BAD_MAGIC: 2,
  /** batchLength smaller than the fixed header or otherwise impossible. */
  BAD_LENGTH: 3,
  /** CRC32C over attributes..end does not match the header crc. */
  CRC_MISMATCH: 4,
  /** recordsCount inconsistent with lastOffsetDelta (uncompressed batches). */
  COUNT_MISMATCH: 5,
  /** Inconsistent control/transactional flags or a malformed control record. */
  BAD_CONTROL: 6,
  /** A record inside an uncompressed batch is malformed (varint, lengths past the batch end). */
  BAD_RECORD: 7,
  /** The arena cannot hold the input. */
  TOO_LARGE: 8,
  /** An output table given to the core was too small (the wrapper retries; never seen by callers). */
  OUTPUT_FULL: 9,
  /** A pointer/length outside the core's memory or an argument out of range. */
  BAD_ARGUMENT: 10,
  /** The compression bits name no known codec (or a compressed batch was given where none may be). */
  BAD_COMPRESSION: 11,
  /** An index has no room for another entry. */
  INDEX_FULL: 12,
  /** An index append would break the index order (offsets must increase). */
  INDEX_ORDER: 13,
  /** A lookup found no entry at or below its target. */
  NOT_FOUND: 14,
} as const;
export type BatchStatusCode = (typeof BatchStatus)[keyof typeof BatchStatus];

/** Attribute bits of a v2 record batch. */
export const Attr = {
  COMPRESSION_MASK: 0x07,
  TIMESTAMP_TYPE_LOG_APPEND: 0x08,
  TRANSACTIONAL: 0x10,
  CONTROL: 0x20,
  DELETE_HORIZON: 0x40,
} as const;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;

/** One batch found by validateBatches. Positions are relative to the scanned buffer. */
export interface BatchDescriptor {
  position: number;
  /** Total bytes of the batch: 12 + batchLength. */
  size: number;
  baseOffset: bigint;
  partitionLeaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  /** Control record type (0 ABORT, 1 COMMIT, ...) of an uncompressed control batch, else -1. */
  controlType?: number;
}

export interface ScanResult {
  /** OK when every byte of the buffer is whole, valid batches; else the status of the first bad one. */
  status: BatchStatusCode;
  /** Byte length of the prefix made only of whole valid batches (recovery truncates here). */
  validBytes: number;
  /** Position of the first bad batch when status != OK (== validBytes). */
  errorPosition: number;
  batches: BatchDescriptor[];
}

/** One record of a decoded (uncompressed) batch, as views into the batch bytes. */
export interface RecordView {
  offsetDelta: number;
  timestampDelta: bigint;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Array<{ key: Uint8Array; value: Uint8Array | null }>;
}

export interface RecordInput {
  key?: Uint8Array | null;
  value: Uint8Array | null;
  headers?: Array<{ key: Uint8Array | string; value: Uint8Array | null }>;
  /** Absolute timestamp in ms; defaults to the batch base timestamp. */
  timestamp?: bigint | number;
  /** Offset delta within the batch; defaults to the record's index (must increase). */
  offsetDelta?: number;
}


/**
 * The core as the host uses it. Index methods work on the exact bytes of Kafka's `.index`
 * (8-byte entries: u32 BE relative offset, u32 BE position) and `.timeindex` (12-byte entries:
 * i64 BE timestamp, u32 BE relative offset) files; `entries` is the number of valid entries.
 */
export interface CoreApi {
  crc32c(data: Uint8Array, crc?: number): number;
  /** Validate every batch in `data` (concatenated v2 batches). Never throws on bad input. */
  validateBatches(data: Uint8Array): ScanResult;
  /** Patch baseOffset (and partitionLeaderEpoch if given) of the batch at `position`, in place. */
  setBaseOffset(data: Uint8Array, position: number, baseOffset: bigint, partitionLeaderEpoch?: number): void;
  /** Slot of the largest entry with relativeOffset <= target, or -1. */
  offsetIndexLookup(index: Uint8Array, entries: number, targetRelativeOffset: number): number;
  /** Slot of the first... per Kafka: the largest entry with timestamp <= target, or -1. */
  timeIndexLookup(index: Uint8Array, entries: number, targetTimestamp: bigint): number;
}
// ---- The core's API (implemented by host/core/core.ts, loaded by host/core/wasm.ts) ----

/** A failure reported by the core, with its numeric status and a stable string code. */
export class CoreError extends Error {
  readonly status: BatchStatusCode;
  readonly code: string;
  constructor(status: BatchStatusCode, what: string) {
    const name = statusName(status);
    super(`${what}: ${name}`);
    this.name = 'CoreError';
    this.status = status;
    this.code = `KWASM_${name}`;
  }
}

/** The BatchStatus name of a status code ("CRC_MISMATCH"), or "STATUS_<n>" for an unknown one. */
export function statusName(status: number): string {
  for (const [k, v] of Object.entries(BatchStatus)) if (v === status) return k;
  return `STATUS_${status}`;
}

export interface ValidateOptions {
  /**
   * Producer input (Kafka's LogValidator rules): recordsCount must equal lastOffsetDelta + 1 and
   * control batches must hold exactly one record. Off (default) for log data, where compaction may
   * leave fewer records than the offset range, even none.
   */
  strict?: boolean;
  /** Also walk every record of uncompressed batches (BAD_RECORD / COUNT_MISMATCH). Default false. */
  records?: boolean;
  /**
   * When every batch is valid, assign offsets (consecutive from baseOffset) and the leader epoch in
   * `buf` itself; the returned descriptors carry the assigned values.
   */
  assign?: { baseOffset: bigint; leaderEpoch: number };
}

/** Header fields of a batch to encode; everything not given takes Kafka's "none" value. */
export interface BatchHeaderInput {
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  /** Compression codec (Compression.*) recorded in the attributes. Default NONE. */
  compression?: number;
  logAppendTime?: boolean;
  transactional?: boolean;
  /** Base timestamp; default: the first record's timestamp, else now. */
  baseTimestamp?: bigint | number;
  /** Max timestamp; default: the largest record timestamp (encode) — required by buildBatch. */
  maxTimestamp?: bigint | number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Default: the largest record offset delta (count - 1 for default deltas). */
  lastOffsetDelta?: number;
  /** Default: the number of records (buildBatch: required). */
  recordCount?: number;
}

export interface EncodeOptions extends BatchHeaderInput {
  /**
   * Compresses the records section with the codec named by `compression` (the host brings native
   * codecs). Called with a view that is only valid during the call; must return new bytes.
   */
  compress?: (section: Uint8Array, codec: number) => Uint8Array;
}

export interface DecodeOptions {
  /** Decompresses the records section of a compressed batch; must return new bytes. */
  decompress?: (data: Uint8Array, codec: number) => Uint8Array;
}

/** The records section of a batch before compression, with the header fields derived from it. */
export interface RecordsSection {
  records: Uint8Array;
  recordCount: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
}

/** A transaction marker (control record) to write. */
export interface ControlMarkerInput {
  /** ControlType.ABORT or ControlType.COMMIT. */
  type: number;
  coordinatorEpoch: number;
  producerId: bigint;
  producerEpoch: number;
  timestamp?: bigint | number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

export const ControlType = { ABORT: 0, COMMIT: 1 } as const;

export interface ControlRecord {
  keyVersion: number;
  type: number;
  /** Value version and coordinator epoch of COMMIT/ABORT markers; -1 for other control types. */
  valueVersion: number;
  coordinatorEpoch: number;
}

/** One message of a legacy (magic 0/1) MessageSet, key/value as views into the input. */
export interface LegacyMessage {
  offset: bigint;
  /** -1n for magic 0. */
  timestamp: bigint;
  magic: number;
  attributes: number;
  /** attributes & 7: a non-zero codec means `value` is a compressed inner MessageSet (wrapper). */
  compression: number;
  crc: number;
  position: number;
  /** 12 + message_size. */
  size: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

export interface LegacyScanResult {
  status: BatchStatusCode;
  validBytes: number;
  errorPosition: number;
  messages: LegacyMessage[];
}

export interface LegacyMessageInput {
  offset: bigint;
  /** Ignored for magic 0. Default -1. */
  timestamp?: bigint | number;
  /** Attributes byte (compression codec for a wrapper message; timestamp type bit for magic 1). */
  attributes?: number;
  key?: Uint8Array | null;
  value: Uint8Array | null;
}

export interface OffsetIndexEntry {
  relativeOffset: number;
  position: number;
}

export interface TimeIndexEntry {
  timestamp: bigint;
  relativeOffset: number;
}

/**
 * An index held in the core's memory in its on-disk form (Kafka's big-endian entries), so lookups
 * cost no copy. `bytes()` returns the entries to write to disk.
 */
interface IndexBase {
  readonly entries: number;
  readonly maxEntries: number;
  readonly isFull: boolean;
  /** Drops every entry whose relative offset is >= relativeOffset; returns the new entry count. */
  truncateTo(relativeOffset: number): number;
  /** Keeps the first n entries. */
  truncateToEntries(n: number): void;
  /** Entries in the ordered prefix (all of them for a sound index; fewer for a damaged one). */
  validEntries(): number;
  /** A copy of bytes [0, entries * entrySize), as written to disk. */
  bytes(): Uint8Array;
  /** Frees its memory; the index must not be used afterwards. */
  close(): void;
}

export interface OffsetIndex extends IndexBase {
  /** Appends (relativeOffset, position); relative offsets must increase (INDEX_ORDER) and fit (INDEX_FULL). */
  append(relativeOffset: number, position: number): void;
  /** The entry with the largest relative offset <= target, or null (use the segment start). */
  lookup(targetRelativeOffset: number): OffsetIndexEntry | null;
  entry(slot: number): OffsetIndexEntry;
}

export interface TimeIndex extends IndexBase {
  /**
   * Kafka's maybeAppend: appended only when timestamp is larger than the last entry's; an offset
   * below the last entry's or a smaller timestamp is INDEX_ORDER. Returns whether it appended.
   */
  maybeAppend(timestamp: bigint | number, relativeOffset: number): boolean;
  /** The entry with the largest timestamp <= target (the first of equal ones), or null. */
  lookup(targetTimestamp: bigint | number): TimeIndexEntry | null;
  entry(slot: number): TimeIndexEntry;
  lastEntry(): TimeIndexEntry | null;
}

export interface IndexOptions {
  /** Existing index bytes (a file's content): entries = floor(length / entrySize). */
  bytes?: Uint8Array;
  /** Capacity in bytes (Kafka's segment.index.bytes); default 10 MiB. */
  maxBytes?: number;
}

/** The typed API over the WASM core. Inputs are copied in once; record data comes back as views. */
export interface Core extends CoreApi {
  readonly abiVersion: number;
  crc32c(data: Uint8Array, crc?: number): number;
  /** CRC-32 (IEEE), the checksum of legacy messages. */
  crc32(data: Uint8Array, crc?: number): number;
  /** Validates concatenated v2 batches (a produce request's records, a chunk of a segment). */
  validateBatches(buf: Uint8Array, opts?: ValidateOptions): ScanResult;
  /** Patches baseOffset/partitionLeaderEpoch of every batch in buf in place; returns the next offset. */
  assignOffsets(buf: Uint8Array, baseOffset: bigint, leaderEpoch: number): bigint;
  /** Sets the timestamp type and maxTimestamp of every batch in buf in place, with new CRCs. */
  setMaxTimestamp(buf: Uint8Array, maxTimestamp: bigint | number, logAppendTime: boolean): void;
  /** Records of one batch; a compressed batch needs opts.decompress. Views into batch (or the decompressed bytes). */
  decodeRecords(batch: Uint8Array, opts?: DecodeOptions): RecordView[];
  /** Records of an uncompressed records section (a decompressed batch body). */
  decodeRecordsSection(section: Uint8Array, count: number, lastOffsetDelta?: number): RecordView[];
  /** One batch holding `records`; compressed through opts.compress when opts.compression is set. */
  encodeBatch(records: readonly RecordInput[], opts?: EncodeOptions): Uint8Array;
  /** The uncompressed records section of `records` and the header fields derived from it. */
  encodeRecordsSection(records: readonly RecordInput[], opts?: BatchHeaderInput): RecordsSection;
  /** A batch from a records section (as stored: compressed if header.compression says so). */
  buildBatch(section: Uint8Array, header: BatchHeaderInput & { recordCount: number; lastOffsetDelta: number; baseTimestamp: bigint | number; maxTimestamp: bigint | number }): Uint8Array;
  /** A transaction marker batch (control, transactional, one control record). */
  encodeControlBatch(marker: ControlMarkerInput): Uint8Array;
  /** The control record of a control batch. Throws CoreError (BAD_CONTROL) otherwise. */
  readControl(batch: Uint8Array): ControlRecord;
  /** Decodes a legacy MessageSet (magic 0/1); compressed wrappers are reported, not opened. */
  decodeMessageSet(buf: Uint8Array): LegacyScanResult;
  /** Encodes a legacy MessageSet of one magic (0 or 1), CRC-32 per message. */
  encodeMessageSet(messages: readonly LegacyMessageInput[], magic: 0 | 1): Uint8Array;
  openOffsetIndex(opts?: IndexOptions): OffsetIndex;
  openTimeIndex(opts?: IndexOptions): TimeIndex;
}
