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
