// Numeric status codes of the kwasm core ABI. Exports return a non-negative result on success and
// the negated status on failure. Mirrored by BatchStatus in host/core/types.ts: keep them in step.

/** Success. */
export const OK: i32 = 0;
/** The buffer ends inside a batch header or body (a torn write, a partial fetch tail). */
export const TRUNCATED: i32 = 1;
/** The magic byte is not the one this decoder reads (2 for batches, 0/1 for legacy messages). */
export const BAD_MAGIC: i32 = 2;
/** A length field is smaller than the fixed header or otherwise impossible. */
export const BAD_LENGTH: i32 = 3;
/** The stored checksum does not match the bytes. */
export const CRC_MISMATCH: i32 = 4;
/** recordsCount is inconsistent with lastOffsetDelta or with the records actually present. */
export const COUNT_MISMATCH: i32 = 5;
/** Inconsistent control/transactional flags or a malformed control record. */
export const BAD_CONTROL: i32 = 6;
/** A record is malformed (varint, length past its end, trailing bytes). */
export const BAD_RECORD: i32 = 7;
/** The input is larger than the ABI can address (host side: memory cannot grow). */
export const TOO_LARGE: i32 = 8;
/** The output region given by the host is too small; the result header says how much is needed. */
export const OUTPUT_FULL: i32 = 9;
/** A pointer/length pair lies outside linear memory, or an argument is out of range. */
export const BAD_ARGUMENT: i32 = 10;
/** The compression codec bits name no known codec. */
export const BAD_COMPRESSION: i32 = 11;
/** An index has no room for another entry. */
export const INDEX_FULL: i32 = 12;
/** An index append would break the ordering of the index. */
export const INDEX_ORDER: i32 = 13;
/** A lookup found no entry at or below the target. */
export const NOT_FOUND: i32 = 14;
