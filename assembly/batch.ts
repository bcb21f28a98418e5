// Record batch v2: validation of concatenated batches, offset/epoch patching, header writing.
// Layout (Kafka's DefaultRecordBatch, big-endian): see layout.ts. The CRC32C covers attributes to
// the end of the batch, so baseOffset, batchLength, partitionLeaderEpoch and magic are outside it.
import { be16, be32, be64, put16, put32, put64 } from "./bytes";
import { crc32c } from "./crc32c";
import * as L from "./layout";
import { walkKeyLen, walkKeyOff, walkRecords, walkValueLen, walkValueOff } from "./records";
import {
  BAD_COMPRESSION, BAD_CONTROL, BAD_LENGTH, BAD_MAGIC, BAD_RECORD, COUNT_MISMATCH, CRC_MISMATCH,
  OK, OUTPUT_FULL, TRUNCATED,
} from "./status";

/** validateBatches flag: input from a producer: recordsCount == lastOffsetDelta + 1, no empty batch. */
export const V_STRICT: u32 = 1;
/** validateBatches flag: also walk the records of uncompressed batches (BAD_RECORD, COUNT_MISMATCH). */
export const V_RECORDS: u32 = 2;

/** Control record type of the last checked control batch (-1 when unknown/absent). */
let ctlType: i32 = -1;

/**
 * Checks a control batch's single record: key = version int16 (>= 0) + type int16; for COMMIT (1)
 * and ABORT (0) markers the batch must be transactional with a producer id, and the value must be
 * version int16 (>= 0) + coordinatorEpoch int32. Other types (Kafka's KRaft control records) pass.
 */
function checkControl(b: usize, end: usize, count: i32, lastOffsetDelta: i32, attributes: i32): i32 {
  ctlType = -1;
  if ((attributes & L.ATTR_COMPRESSION) != 0) return BAD_CONTROL;
  if (count == 0) return OK; // emptied by compaction
  if (count != 1) return BAD_CONTROL;
  const st = walkRecords(b, b + L.B_RECORDS, end, 1, lastOffsetDelta, 0, 0, 0, 0);
  if (st != OK) return st == BAD_RECORD ? BAD_RECORD : BAD_CONTROL;
  if (walkKeyLen < 4) return BAD_CONTROL;
  const k = b + <usize>walkKeyOff;
  if (be16(k) < 0) return BAD_CONTROL;
  const type = be16(k + 2);
  if (type == 0 || type == 1) {
    if ((attributes & L.ATTR_TRANSACTIONAL) == 0 || be64(b + L.B_PRODUCER_ID) < 0) return BAD_CONTROL;
    if (walkValueLen < 6 || be16(b + <usize>walkValueOff) < 0) return BAD_CONTROL;
  }
  ctlType = type;
  return OK;
}

/** Checks one whole batch at b of `size` bytes (framing already checked). Returns a status. */
function checkBatch(b: usize, size: usize, flags: u32): i32 {
  const end = b + size;
  const stored = <u32>be32(b + L.B_CRC);
  if (crc32c(b + L.B_ATTRIBUTES, size - L.B_ATTRIBUTES, 0) != stored) return CRC_MISMATCH;
  const attributes = be16(b + L.B_ATTRIBUTES) & 0xffff;
  const codec = attributes & L.ATTR_COMPRESSION;
  if (codec > 4) return BAD_COMPRESSION;
  const lastOffsetDelta = be32(b + L.B_LAST_OFFSET_DELTA);
  const count = be32(b + L.B_RECORDS_COUNT);
  if (lastOffsetDelta < 0 || count < 0) return COUNT_MISMATCH;
  if (flags & V_STRICT) {
    if (count != lastOffsetDelta + 1) return COUNT_MISMATCH;
  } else if (count > lastOffsetDelta + 1) {
    return COUNT_MISMATCH;
  }
  const recordsLen = size - L.B_RECORDS;
  if (codec == 0 && <u64>count * <u64>L.MIN_RECORD_BODY > <u64>recordsLen) return COUNT_MISMATCH;
  if ((attributes & L.ATTR_TRANSACTIONAL) != 0 && be64(b + L.B_PRODUCER_ID) < 0) return BAD_CONTROL;
  ctlType = -1;
  if (attributes & L.ATTR_CONTROL) {
    const st = checkControl(b, end, count, lastOffsetDelta, attributes);
    if (st != OK) return st;
  } else if (codec == 0 && (flags & V_RECORDS) != 0) {
    const st = walkRecords(b, b + L.B_RECORDS, end, count, lastOffsetDelta, 0, 0, 0, 0);
    if (st != OK) return st;
  }
  return OK;
}

/** Framing of the batch at b with `remaining` bytes: its total size, or -status. */
export function frameBatch(b: usize, remaining: usize): i64 {
  if (remaining < 17) return -TRUNCATED;
  if (load<u8>(b + L.B_MAGIC) != 2) return -BAD_MAGIC;
  const batchLength = be32(b + L.B_LENGTH);
  if (batchLength < L.MIN_BATCH_LENGTH) return -BAD_LENGTH;
  const size = <u64>batchLength + 12;
  if (size > <u64>remaining) return -TRUNCATED;
  return <i64>size;
}

export function writeDescriptor(d: usize, b: usize, position: usize, size: usize, controlType: i32): void {
  store<i64>(d + L.D_BASE_OFFSET, be64(b + L.B_BASE_OFFSET));
  store<i64>(d + L.D_BASE_TIMESTAMP, be64(b + L.B_BASE_TIMESTAMP));
  store<i64>(d + L.D_MAX_TIMESTAMP, be64(b + L.B_MAX_TIMESTAMP));
  store<i64>(d + L.D_PRODUCER_ID, be64(b + L.B_PRODUCER_ID));
  store<u32>(d + L.D_POSITION, <u32>position);
  store<u32>(d + L.D_BATCH_SIZE, <u32>size);
  store<i32>(d + L.D_LEADER_EPOCH, be32(b + L.B_LEADER_EPOCH));
  store<i32>(d + L.D_LAST_OFFSET_DELTA, be32(b + L.B_LAST_OFFSET_DELTA));
  store<i32>(d + L.D_BASE_SEQUENCE, be32(b + L.B_BASE_SEQUENCE));
  store<i32>(d + L.D_RECORD_COUNT, be32(b + L.B_RECORDS_COUNT));
  store<u16>(d + L.D_ATTRIBUTES, <u16>be16(b + L.B_ATTRIBUTES));
  store<i16>(d + L.D_PRODUCER_EPOCH, <i16>be16(b + L.B_PRODUCER_EPOCH));
  store<i16>(d + L.D_CONTROL_TYPE, <i16>controlType);
  store<u16>(d + 62, 0);
}

/**
 * Validates the batches in [ptr, ptr+len) and writes a table at out: a 16-byte header (count,
 * validBytes, errorPosition) then one 64-byte descriptor per valid batch, at most maxBatches.
 * Returns the number of batches when every byte is a valid batch, else -status of the first bad
 * one (the header still describes the valid prefix).
 */
export function validate(ptr: usize, len: usize, flags: u32, out: usize, maxBatches: u32): i32 {
  let pos: usize = 0;
  let n: u32 = 0;
  let status = OK;
  while (pos < len) {
    const b = ptr + pos;
    const framed = frameBatch(b, len - pos);
    if (framed < 0) {
      status = <i32>-framed;
      break;
    }
    const size = <usize>framed;
    status = checkBatch(b, size, flags);
    if (status != OK) break;
    if (n >= maxBatches) {
      status = OUTPUT_FULL;
      break;
    }
    writeDescriptor(out + L.T_HEADER + (<usize>n) * L.D_SIZE, b, pos, size, ctlType);
    n++;
    pos += size;
  }
  store<u32>(out + L.T_COUNT, n);
  store<u32>(out + L.T_VALID_BYTES, <u32>pos);
  store<u32>(out + L.T_ERROR_POSITION, <u32>pos);
  store<u32>(out + 12, 0);
  return status == OK ? <i32>n : -status;
}

/**
 * Sets baseOffset (consecutively from `baseOffset`, each batch taking lastOffsetDelta + 1 offsets)
 * and partitionLeaderEpoch of every batch in [ptr, ptr+len). Neither field is covered by the CRC.
 * Checks framing only. When tableCount > 0, the descriptors of the validateBatches table at
 * `table` are updated too. Returns the number of batches or -status; the next offset goes to RESULT.
 */
export function patch(ptr: usize, len: usize, baseOffset: i64, leaderEpoch: i32, table: usize, tableCount: i32): i32 {
  let pos: usize = 0;
  let n: i32 = 0;
  let next = baseOffset;
  while (pos < len) {
    const b = ptr + pos;
    const framed = frameBatch(b, len - pos);
    if (framed < 0) return <i32>framed;
    const lastOffsetDelta = be32(b + L.B_LAST_OFFSET_DELTA);
    if (lastOffsetDelta < 0) return -COUNT_MISMATCH;
    put64(b + L.B_BASE_OFFSET, next);
    put32(b + L.B_LEADER_EPOCH, leaderEpoch);
    if (n < tableCount) {
      const d = table + L.T_HEADER + (<usize>n) * L.D_SIZE;
      store<i64>(d + L.D_BASE_OFFSET, next);
      store<i32>(d + L.D_LEADER_EPOCH, leaderEpoch);
    }
    next += <i64>lastOffsetDelta + 1;
    pos += <usize>framed;
    n++;
  }
  store<i64>(L.RESULT, next);
  return n;
}

/**
 * Sets the timestamp type and maxTimestamp of every batch in [ptr, ptr+len) and recomputes its
 * CRC, as Kafka does for LogAppendTime topics. Every CRC is checked first, so corrupt bytes are
 * never given a fresh checksum: on -status nothing was changed. Returns the number of batches.
 */
export function setMaxTimestamp(ptr: usize, len: usize, logAppendTime: bool, maxTimestamp: i64): i32 {
  let pos: usize = 0;
  while (pos < len) {
    const b = ptr + pos;
    const framed = frameBatch(b, len - pos);
    if (framed < 0) return <i32>framed;
    const size = <usize>framed;
    if (crc32c(b + L.B_ATTRIBUTES, size - L.B_ATTRIBUTES, 0) != <u32>be32(b + L.B_CRC)) return -CRC_MISMATCH;
    pos += size;
  }
  pos = 0;
  let n: i32 = 0;
  while (pos < len) {
    const b = ptr + pos;
    const size = <usize>be32(b + L.B_LENGTH) + 12;
    let attributes = be16(b + L.B_ATTRIBUTES) & ~L.ATTR_LOG_APPEND_TIME;
    if (logAppendTime) attributes |= L.ATTR_LOG_APPEND_TIME;
    put16(b + L.B_ATTRIBUTES, attributes);
    put64(b + L.B_MAX_TIMESTAMP, maxTimestamp);
    put32(b + L.B_CRC, <i32>crc32c(b + L.B_ATTRIBUTES, size - L.B_ATTRIBUTES, 0));
    pos += size;
    n++;
  }
  return n;
}

/**
 * Writes the 61-byte header of a batch whose records section (recordsLen bytes, possibly
 * compressed by the host) already sits at b + 61, taking the fields from the 64-byte descriptor at
 * d, and the CRC. Returns the batch size or -status.
 */
export function writeHeader(d: usize, b: usize, recordsLen: usize): i32 {
  const size = <u64>recordsLen + L.B_RECORDS;
  if (size > 0x7fffffff) return -BAD_LENGTH;
  const count = load<i32>(d + L.D_RECORD_COUNT);
  const lastOffsetDelta = load<i32>(d + L.D_LAST_OFFSET_DELTA);
  if (count < 0 || lastOffsetDelta < 0 || count > lastOffsetDelta + 1) return -COUNT_MISMATCH;
  if ((load<u16>(d + L.D_ATTRIBUTES) & L.ATTR_COMPRESSION) > 4) return -BAD_COMPRESSION;
  put64(b + L.B_BASE_OFFSET, load<i64>(d + L.D_BASE_OFFSET));
  put32(b + L.B_LENGTH, <i32>(size - 12));
  put32(b + L.B_LEADER_EPOCH, load<i32>(d + L.D_LEADER_EPOCH));
  store<u8>(b + L.B_MAGIC, 2);
  put16(b + L.B_ATTRIBUTES, <i32>load<u16>(d + L.D_ATTRIBUTES));
  put32(b + L.B_LAST_OFFSET_DELTA, lastOffsetDelta);
  put64(b + L.B_BASE_TIMESTAMP, load<i64>(d + L.D_BASE_TIMESTAMP));
  put64(b + L.B_MAX_TIMESTAMP, load<i64>(d + L.D_MAX_TIMESTAMP));
  put64(b + L.B_PRODUCER_ID, load<i64>(d + L.D_PRODUCER_ID));
  put16(b + L.B_PRODUCER_EPOCH, <i32>load<i16>(d + L.D_PRODUCER_EPOCH));
  put32(b + L.B_BASE_SEQUENCE, load<i32>(d + L.D_BASE_SEQUENCE));
  put32(b + L.B_RECORDS_COUNT, count);
  put32(b + L.B_CRC, <i32>crc32c(b + L.B_ATTRIBUTES, <usize>size - L.B_ATTRIBUTES, 0));
  store<u32>(d + L.D_POSITION, 0);
  store<u32>(d + L.D_BATCH_SIZE, <u32>size);
  return <i32>size;
}

/** The checked control type of the batch at b (size bytes), or -status; see checkControl. */
export function controlOf(b: usize, size: usize): i32 {
  const attributes = be16(b + L.B_ATTRIBUTES) & 0xffff;
  if ((attributes & L.ATTR_CONTROL) == 0) return -BAD_CONTROL;
  const st = checkControl(b, b + size, be32(b + L.B_RECORDS_COUNT), be32(b + L.B_LAST_OFFSET_DELTA), attributes);
  if (st != OK) return -st;
  if (ctlType < 0) return -BAD_CONTROL;
  // RESULT: key version, type, value version (or -1), coordinatorEpoch (or -1).
  const k = b + <usize>walkKeyOff;
  store<i32>(L.RESULT, be16(k));
  store<i32>(L.RESULT + 4, ctlType);
  if (walkValueLen >= 6) {
    const v = b + <usize>walkValueOff;
    store<i32>(L.RESULT + 8, be16(v));
    store<i32>(L.RESULT + 12, be32(v + 2));
  } else {
    store<i32>(L.RESULT + 8, -1);
    store<i32>(L.RESULT + 12, -1);
  }
  return ctlType;
}
