// Kafka's log indexes, operated on in their on-disk form (big-endian, as Kafka writes them):
//   .index      8-byte entries: relativeOffset int32 | position int32
//   .timeindex 12-byte entries: timestamp int64 | relativeOffset int32
// Relative offsets are offsets minus the segment's base offset. The host keeps `entries` and the
// capacity; these functions only read and write entry bytes at idx.
import { be32, be64, put32, put64 } from "./bytes";
import * as L from "./layout";
import { BAD_ARGUMENT, INDEX_FULL, INDEX_ORDER, NOT_FOUND } from "./status";

const OE: usize = 8;
const TE: usize = 12;

@inline function oKey(idx: usize, slot: i32): i32 {
  return be32(idx + (<usize>slot) * OE);
}
@inline function tKey(idx: usize, slot: i32): i64 {
  return be64(idx + (<usize>slot) * TE);
}
@inline function tOff(idx: usize, slot: i32): i32 {
  return be32(idx + (<usize>slot) * TE + 8);
}

/** Number of leading entries whose relative offset is <= target (offset index). */
function oUpper(idx: usize, entries: i32, target: i32): i32 {
  let lo: i32 = 0;
  let hi: i32 = entries;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (oKey(idx, mid) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of leading entries whose relative offset is < target (offset index). */
function oLower(idx: usize, entries: i32, target: i32): i32 {
  let lo: i32 = 0;
  let hi: i32 = entries;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (oKey(idx, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function tUpper(idx: usize, entries: i32, target: i64): i32 {
  let lo: i32 = 0;
  let hi: i32 = entries;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tKey(idx, mid) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function tLower(idx: usize, entries: i32, target: i64): i32 {
  let lo: i32 = 0;
  let hi: i32 = entries;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tKey(idx, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Entries of the time index whose relative offset is < target. */
function tLowerByOffset(idx: usize, entries: i32, target: i32): i32 {
  let lo: i32 = 0;
  let hi: i32 = entries;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tOff(idx, mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function offsetAppend(idx: usize, entries: i32, capacity: i32, rel: i32, position: i32): i32 {
  if (rel < 0 || position < 0 || entries < 0) return -BAD_ARGUMENT;
  if (entries >= capacity) return -INDEX_FULL;
  if (entries > 0 && rel <= oKey(idx, entries - 1)) return -INDEX_ORDER;
  const e = idx + (<usize>entries) * OE;
  put32(e, rel);
  put32(e + 4, position);
  return entries + 1;
}

/** Floor lookup: the slot of the largest relative offset <= target (first of equal ones). */
export function offsetLookup(idx: usize, entries: i32, target: i32): i32 {
  let slot = oUpper(idx, entries, target) - 1;
  if (slot < 0) return -NOT_FOUND;
  const key = oKey(idx, slot);
  if (slot > 0 && oKey(idx, slot - 1) == key) slot = oLower(idx, slot, key);
  const e = idx + (<usize>slot) * OE;
  store<i32>(L.RESULT, key);
  store<i32>(L.RESULT + 4, be32(e + 4));
  return slot;
}

/** Drops entries with relative offset >= rel (zeroing their bytes); returns the new count. */
export function offsetTruncate(idx: usize, entries: i32, rel: i32): i32 {
  const n = oLower(idx, entries, rel);
  memory.fill(idx + (<usize>n) * OE, 0, (<usize>(entries - n)) * OE);
  return n;
}

/** Entries of the ordered prefix: relative offsets strictly increasing, positions not decreasing. */
export function offsetCheck(idx: usize, entries: i32): i32 {
  let prevRel: i32 = -1;
  let prevPos: i32 = 0;
  for (let i: i32 = 0; i < entries; i++) {
    const e = idx + (<usize>i) * OE;
    const rel = be32(e);
    const pos = be32(e + 4);
    if (rel <= prevRel || pos < prevPos) return i;
    prevRel = rel;
    prevPos = pos;
  }
  return entries;
}

/**
 * Kafka's TimeIndex.maybeAppend: appends only when timestamp exceeds the last entry's (-1 when
 * empty); an offset below the last entry's or a smaller timestamp is INDEX_ORDER. Returns the new
 * entry count (unchanged when skipped).
 */
export function timeAppend(idx: usize, entries: i32, capacity: i32, timestamp: i64, rel: i32): i32 {
  if (rel < 0 || entries < 0) return -BAD_ARGUMENT;
  let lastTs: i64 = -1;
  if (entries > 0) {
    lastTs = tKey(idx, entries - 1);
    if (rel < tOff(idx, entries - 1) || timestamp < lastTs) return -INDEX_ORDER;
  }
  if (timestamp <= lastTs) return entries;
  if (entries >= capacity) return -INDEX_FULL;
  const e = idx + (<usize>entries) * TE;
  put64(e, timestamp);
  put32(e + 8, rel);
  return entries + 1;
}

/** Floor lookup: the slot of the largest timestamp <= target (first of equal ones). */
export function timeLookup(idx: usize, entries: i32, target: i64): i32 {
  let slot = tUpper(idx, entries, target) - 1;
  if (slot < 0) return -NOT_FOUND;
  const key = tKey(idx, slot);
  if (slot > 0 && tKey(idx, slot - 1) == key) slot = tLower(idx, slot, key);
  store<i64>(L.RESULT, key);
  store<i32>(L.RESULT + 8, tOff(idx, slot));
  return slot;
}

/** Drops entries with relative offset >= rel (zeroing their bytes); returns the new count. */
export function timeTruncate(idx: usize, entries: i32, rel: i32): i32 {
  const n = tLowerByOffset(idx, entries, rel);
  memory.fill(idx + (<usize>n) * TE, 0, (<usize>(entries - n)) * TE);
  return n;
}

/** Entries of the ordered prefix: timestamps and relative offsets not decreasing, offsets >= 0. */
export function timeCheck(idx: usize, entries: i32): i32 {
  let prevTs: i64 = i64.MIN_VALUE;
  let prevRel: i32 = 0;
  for (let i: i32 = 0; i < entries; i++) {
    const ts = tKey(idx, i);
    const rel = tOff(idx, i);
    if (ts < prevTs || rel < prevRel) return i;
    prevTs = ts;
    prevRel = rel;
  }
  return entries;
}

export function offsetEntry(idx: usize, slot: i32): i32 {
  const e = idx + (<usize>slot) * OE;
  store<i32>(L.RESULT, be32(e));
  store<i32>(L.RESULT + 4, be32(e + 4));
  return slot;
}

export function timeEntry(idx: usize, slot: i32): i32 {
  store<i64>(L.RESULT, tKey(idx, slot));
  store<i32>(L.RESULT + 8, tOff(idx, slot));
  return slot;
}
