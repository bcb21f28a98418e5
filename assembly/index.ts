// kwasm WASM core: the only exported ABI. See README "WASM core ABI" for every export, its
// arguments, results, status codes and table layouts.
//
// Conventions: pointers and lengths are byte offsets into this module's linear memory (the host
// copies its input into the arena that starts at arenaBase() and grows memory as needed). Every
// export returns an i32: a non-negative result on success, the negated status code (status.ts) on
// failure. Inputs outside linear memory give -BAD_ARGUMENT, never a trap. Nothing here allocates.
import { inMemory } from "./bytes";
import * as batch from "./batch";
import { crc32c as crc32cImpl } from "./crc32c";
import * as L from "./layout";
import { encMaxOffsetDelta, encMaxTimestamp, encodeRecordsAt, walkHeaders, walkRecords } from "./records";
import { encodeControl } from "./control";
import { crc32ieee } from "./crc32";
import { decodeLegacy, encodeLegacy } from "./legacy";
import * as idx from "./logindex";
import { BAD_ARGUMENT, BAD_COMPRESSION, BAD_MAGIC, COUNT_MISMATCH, OK, TRUNCATED } from "./status";

/** ABI version: bumped on any incompatible change of an export or a table layout. */
export function abiVersion(): i32 {
  return 1;
}

let arena: usize = 0;

/** First byte of linear memory the host may use (64-byte aligned, above all static data). */
export function arenaBase(): usize {
  if (arena == 0) arena = (heap.alloc(64) + 127) & ~(<usize>63);
  return arena;
}

/** 64-byte block where exports leave small extra results (documented per export). */
export function resultPtr(): usize {
  return L.RESULT;
}

/** CRC32C (Castagnoli) of [ptr, ptr+len), continuing from crc (0 to start). 0 when out of memory. */
export function crc32c(ptr: usize, len: usize, crc: u32): u32 {
  if (!inMemory(ptr, len)) return 0;
  return crc32cImpl(ptr, len, crc);
}

/**
 * Validates the concatenated v2 batches in [ptr, ptr+len). flags: 1 = strict (producer input),
 * 2 = walk the records of uncompressed batches. Writes the table at out (16-byte header + one
 * 64-byte descriptor per batch, at most maxBatches). Returns the batch count or -status.
 */
export function validateBatches(ptr: usize, len: usize, flags: u32, out: usize, maxBatches: u32): i32 {
  if (!inMemory(ptr, len) || !inMemory(out, L.T_HEADER + <usize>maxBatches * L.D_SIZE)) return -BAD_ARGUMENT;
  return batch.validate(ptr, len, flags, out, maxBatches);
}

/**
 * Assigns offsets: baseOffset of each batch in [ptr, ptr+len) set consecutively from baseOffset,
 * partitionLeaderEpoch set to leaderEpoch. When table != 0 it is the table validateBatches wrote
 * for the same bytes and its descriptors are updated too. Returns the batch count or -status;
 * i64 next offset at resultPtr().
 */
export function assignOffsets(ptr: usize, len: usize, baseOffset: i64, leaderEpoch: i32, table: usize): i32 {
  if (!inMemory(ptr, len)) return -BAD_ARGUMENT;
  let tableCount: i32 = 0;
  if (table != 0) {
    if (!inMemory(table, L.T_HEADER)) return -BAD_ARGUMENT;
    tableCount = load<i32>(table + L.T_COUNT);
    if (tableCount < 0 || !inMemory(table, L.T_HEADER + <usize>tableCount * L.D_SIZE)) return -BAD_ARGUMENT;
  }
  return batch.patch(ptr, len, baseOffset, leaderEpoch, table, tableCount);
}

/**
 * Sets the baseOffset (and, when setEpoch != 0, the partitionLeaderEpoch) of the one batch whose
 * header starts at ptr; only its first 17 bytes need be present (len >= 17). Returns 0 or -status
 * (-TRUNCATED, -BAD_MAGIC).
 */
export function setBaseOffset(ptr: usize, len: usize, baseOffset: i64, leaderEpoch: i32, setEpoch: i32): i32 {
  if (!inMemory(ptr, len)) return -BAD_ARGUMENT;
  if (len < 17) return -TRUNCATED;
  if (load<u8>(ptr + L.B_MAGIC) != 2) return -BAD_MAGIC;
  store<i64>(ptr + L.B_BASE_OFFSET, bswap<i64>(baseOffset));
  if (setEpoch != 0) store<i32>(ptr + L.B_LEADER_EPOCH, bswap<i32>(leaderEpoch));
  return OK;
}

/** Sets timestamp type (1 = LogAppendTime) and maxTimestamp of each batch and re-CRCs it. */
export function setMaxTimestamp(ptr: usize, len: usize, logAppendTime: i32, maxTimestamp: i64): i32 {
  if (!inMemory(ptr, len)) return -BAD_ARGUMENT;
  return batch.setMaxTimestamp(ptr, len, logAppendTime != 0, maxTimestamp);
}

/**
 * Decodes an uncompressed records section [ptr, ptr+len) holding exactly `count` records with
 * offset deltas strictly increasing and <= lastOffsetDelta. Writes 48-byte record entries at
 * recOut (capacity recCap) and 16-byte header spans at hdrOut (capacity hdrCap); offsets are
 * relative to ptr. Returns the record count or -status; i32 header count at resultPtr() (on
 * -OUTPUT_FULL: the number of header spans needed).
 */
export function decodeRecords(
  ptr: usize, len: usize, count: i32, lastOffsetDelta: i32,
  recOut: usize, recCap: i32, hdrOut: usize, hdrCap: i32,
): i32 {
  if (!inMemory(ptr, len) || recCap < 0 || hdrCap < 0 || count < 0) return -BAD_ARGUMENT;
  if (!inMemory(recOut, <usize>recCap * L.R_SIZE) || !inMemory(hdrOut, <usize>hdrCap * L.H_SIZE)) return -BAD_ARGUMENT;
  if (recOut == 0) return -BAD_ARGUMENT;
  const st = walkRecords(ptr, ptr, ptr + len, count, lastOffsetDelta, recOut, recCap, hdrOut, hdrCap);
  store<i32>(L.RESULT, walkHeaders);
  return st == OK ? count : -st;
}

/**
 * Decodes the records of the uncompressed batch at [ptr, ptr+len) (len >= its size; the CRC is not
 * checked: validate first). Same tables and result as decodeRecords, offsets relative to ptr. Once
 * the batch is framed, its descriptor is written at resultPtr() + 64 (also for a compressed batch,
 * which returns -BAD_COMPRESSION: the host decompresses and calls decodeRecords).
 */
export function decodeBatch(ptr: usize, len: usize, recOut: usize, recCap: i32, hdrOut: usize, hdrCap: i32): i32 {
  if (!inMemory(ptr, len) || recCap < 0 || hdrCap < 0 || recOut == 0) return -BAD_ARGUMENT;
  if (!inMemory(recOut, <usize>recCap * L.R_SIZE) || !inMemory(hdrOut, <usize>hdrCap * L.H_SIZE)) return -BAD_ARGUMENT;
  const framed = batch.frameBatch(ptr, len);
  if (framed < 0) return <i32>framed;
  const b = ptr;
  batch.writeDescriptor(L.RESULT_DESC, b, 0, <usize>framed, -1);
  const attributes = <i32>bswap<u16>(load<u16>(b + L.B_ATTRIBUTES));
  if ((attributes & L.ATTR_COMPRESSION) != 0) return -BAD_COMPRESSION;
  const count = bswap<i32>(load<i32>(b + L.B_RECORDS_COUNT));
  const lastOffsetDelta = bswap<i32>(load<i32>(b + L.B_LAST_OFFSET_DELTA));
  if (count < 0) return -COUNT_MISMATCH;
  const st = walkRecords(b, b + L.B_RECORDS, b + <usize>framed, count, lastOffsetDelta, recOut, recCap, hdrOut, hdrCap);
  store<i32>(L.RESULT, walkHeaders);
  return st == OK ? count : -st;
}

function encodeInto(
  desc: usize, spec: usize, count: i32, hdrs: usize, hdrTotal: i32, data: usize, dataLen: usize,
  out: usize, outCap: usize,
): i32 {
  if (count < 0 || hdrTotal < 0) return -BAD_ARGUMENT;
  if (!inMemory(desc, L.D_SIZE) || !inMemory(spec, <usize>count * L.E_SIZE) || !inMemory(hdrs, <usize>hdrTotal * L.H_SIZE)) return -BAD_ARGUMENT;
  if (!inMemory(data, dataLen) || !inMemory(out, outCap)) return -BAD_ARGUMENT;
  const written = encodeRecordsAt(spec, count, hdrs, hdrTotal, data, dataLen, load<i64>(desc + L.D_BASE_TIMESTAMP), out, outCap);
  if (written < 0) return written;
  const given = load<i32>(desc + L.D_LAST_OFFSET_DELTA);
  if (given < 0) {
    store<i32>(desc + L.D_LAST_OFFSET_DELTA, encMaxOffsetDelta < 0 ? 0 : encMaxOffsetDelta);
  } else if (given < encMaxOffsetDelta) {
    return -COUNT_MISMATCH;
  }
  store<i64>(desc + L.D_MAX_TIMESTAMP, encMaxTimestamp);
  store<i32>(desc + L.D_RECORD_COUNT, count);
  return written;
}

/**
 * Encodes `count` records (32-byte entries at spec; hdrTotal 16-byte header spans at hdrs; bytes in
 * [data, data+dataLen)) as an uncompressed records section at out. Reads baseTimestamp and
 * lastOffsetDelta (-1 = derive) from the descriptor at desc and writes back maxTimestamp,
 * lastOffsetDelta and recordCount, ready for writeBatchHeader. Returns the bytes written or -status.
 */
export function encodeRecords(
  desc: usize, spec: usize, count: i32, hdrs: usize, hdrTotal: i32, data: usize, dataLen: usize,
  out: usize, outCap: usize,
): i32 {
  return encodeInto(desc, spec, count, hdrs, hdrTotal, data, dataLen, out, outCap);
}

/** encodeRecords at out + 61, then writeBatchHeader(desc, out): a whole uncompressed batch. */
export function encodeBatch(
  desc: usize, spec: usize, count: i32, hdrs: usize, hdrTotal: i32, data: usize, dataLen: usize,
  out: usize, outCap: usize,
): i32 {
  if (outCap < L.B_RECORDS || !inMemory(out, outCap)) return -BAD_ARGUMENT;
  const written = encodeInto(desc, spec, count, hdrs, hdrTotal, data, dataLen, out + L.B_RECORDS, outCap - L.B_RECORDS);
  if (written < 0) return written;
  return batch.writeHeader(desc, out, <usize>written);
}

/**
 * Writes the 61-byte header and CRC of the batch at out whose records section (recordsLen bytes,
 * compressed or not, as the descriptor's attributes say) is already at out + 61. Returns the size.
 */
export function writeBatchHeader(desc: usize, out: usize, recordsLen: usize): i32 {
  if (!inMemory(desc, L.D_SIZE) || !inMemory(out, <usize>recordsLen + L.B_RECORDS)) return -BAD_ARGUMENT;
  return batch.writeHeader(desc, out, recordsLen);
}

/**
 * The control record of the control batch at [ptr, ptr+len): returns its type (0 ABORT, 1 COMMIT,
 * ...) or -status; at resultPtr(): i32 key version, i32 type, i32 value version, i32
 * coordinatorEpoch (-1, -1 when the value is shorter than 6 bytes).
 */
export function controlRecord(ptr: usize, len: usize): i32 {
  if (!inMemory(ptr, len)) return -BAD_ARGUMENT;
  const framed = batch.frameBatch(ptr, len);
  if (framed < 0) return <i32>framed;
  return batch.controlOf(ptr, <usize>framed);
}

/**
 * Writes a transaction marker batch (type 0 ABORT / 1 COMMIT) at out. From the descriptor at desc:
 * baseOffset, partitionLeaderEpoch, baseTimestamp (the marker time), producerId (>= 0),
 * producerEpoch, baseSequence. Returns the batch size or -status.
 */
export function encodeControlBatch(desc: usize, type: i32, coordinatorEpoch: i32, out: usize, outCap: usize): i32 {
  if (!inMemory(desc, L.D_SIZE) || !inMemory(out, outCap)) return -BAD_ARGUMENT;
  return encodeControl(desc, type, coordinatorEpoch, out, outCap);
}

/** CRC-32 (IEEE), the checksum of legacy messages. 0 when out of memory. */
export function crc32(ptr: usize, len: usize, crc: u32): u32 {
  if (!inMemory(ptr, len)) return 0;
  return crc32ieee(ptr, len, crc);
}

/**
 * Decodes a legacy MessageSet (magic 0/1) at [ptr, ptr+len): table at out (16-byte header + one
 * 48-byte entry per message, at most maxEntries). Returns the message count or -status.
 */
export function decodeMessageSet(ptr: usize, len: usize, out: usize, maxEntries: u32): i32 {
  if (!inMemory(ptr, len) || !inMemory(out, L.T_HEADER + <usize>maxEntries * L.L_SIZE)) return -BAD_ARGUMENT;
  return decodeLegacy(ptr, len, out, maxEntries);
}

/** Encodes a legacy MessageSet (40-byte entries at spec) with the given magic. Returns bytes or -status. */
export function encodeMessageSet(spec: usize, count: i32, data: usize, dataLen: usize, magic: i32, out: usize, outCap: usize): i32 {
  if (count < 0 || !inMemory(spec, <usize>count * L.M_SIZE) || !inMemory(data, dataLen) || !inMemory(out, outCap)) return -BAD_ARGUMENT;
  return encodeLegacy(spec, count, data, dataLen, magic, out, outCap);
}

@inline function indexOk(ptr: usize, entries: i32, size: usize): bool {
  return entries >= 0 && inMemory(ptr, <usize>entries * size);
}

/** .index append of (relativeOffset, position). Returns the new entry count or -status. */
export function offsetIndexAppend(ptr: usize, entries: i32, capacity: i32, relativeOffset: i32, position: i32): i32 {
  if (!indexOk(ptr, entries, 8) || capacity < 0 || !inMemory(ptr, <usize>capacity * 8)) return -BAD_ARGUMENT;
  return idx.offsetAppend(ptr, entries, capacity, relativeOffset, position);
}

/** .index floor lookup. Returns the slot or -NOT_FOUND; i32 relativeOffset, i32 position at resultPtr(). */
export function offsetIndexLookup(ptr: usize, entries: i32, target: i32): i32 {
  if (!indexOk(ptr, entries, 8)) return -BAD_ARGUMENT;
  return idx.offsetLookup(ptr, entries, target);
}

/** .index truncation: drops entries with relative offset >= relativeOffset. Returns the new count. */
export function offsetIndexTruncate(ptr: usize, entries: i32, relativeOffset: i32): i32 {
  if (!indexOk(ptr, entries, 8)) return -BAD_ARGUMENT;
  return idx.offsetTruncate(ptr, entries, relativeOffset);
}

/** Entries in the ordered prefix of a .index. */
export function offsetIndexCheck(ptr: usize, entries: i32): i32 {
  if (!indexOk(ptr, entries, 8)) return -BAD_ARGUMENT;
  return idx.offsetCheck(ptr, entries);
}

/** .timeindex maybeAppend (Kafka semantics). Returns the new entry count or -status. */
export function timeIndexAppend(ptr: usize, entries: i32, capacity: i32, timestamp: i64, relativeOffset: i32): i32 {
  if (!indexOk(ptr, entries, 12) || capacity < 0 || !inMemory(ptr, <usize>capacity * 12)) return -BAD_ARGUMENT;
  return idx.timeAppend(ptr, entries, capacity, timestamp, relativeOffset);
}

/** .timeindex floor lookup. Returns the slot or -NOT_FOUND; i64 timestamp, i32 relativeOffset at resultPtr(). */
export function timeIndexLookup(ptr: usize, entries: i32, timestamp: i64): i32 {
  if (!indexOk(ptr, entries, 12)) return -BAD_ARGUMENT;
  return idx.timeLookup(ptr, entries, timestamp);
}

/** .timeindex truncation: drops entries with relative offset >= relativeOffset. Returns the new count. */
export function timeIndexTruncate(ptr: usize, entries: i32, relativeOffset: i32): i32 {
  if (!indexOk(ptr, entries, 12)) return -BAD_ARGUMENT;
  return idx.timeTruncate(ptr, entries, relativeOffset);
}

/** Entries in the ordered prefix of a .timeindex. */
export function timeIndexCheck(ptr: usize, entries: i32): i32 {
  if (!indexOk(ptr, entries, 12)) return -BAD_ARGUMENT;
  return idx.timeCheck(ptr, entries);
}

/** The entry at slot of a .index: returns slot or -BAD_ARGUMENT; i32 relativeOffset, i32 position at resultPtr(). */
export function offsetIndexEntry(ptr: usize, entries: i32, slot: i32): i32 {
  if (!indexOk(ptr, entries, 8) || slot < 0 || slot >= entries) return -BAD_ARGUMENT;
  return idx.offsetEntry(ptr, slot);
}

/** The entry at slot of a .timeindex: returns slot or -BAD_ARGUMENT; i64 timestamp, i32 relativeOffset at resultPtr(). */
export function timeIndexEntry(ptr: usize, entries: i32, slot: i32): i32 {
  if (!indexOk(ptr, entries, 12) || slot < 0 || slot >= entries) return -BAD_ARGUMENT;
  return idx.timeEntry(ptr, slot);
}
