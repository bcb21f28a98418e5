// Byte layouts shared by the core and the host: the v2 batch header (big-endian, on the wire) and
// the tables the core writes for the host (little-endian, read with typed-array views).
// README "WASM core ABI" documents the same numbers; host/core/abi.ts mirrors them.

// Record batch v2 header (Kafka's DefaultRecordBatch), offsets from the batch start.
export const B_BASE_OFFSET: usize = 0;
export const B_LENGTH: usize = 8;
export const B_LEADER_EPOCH: usize = 12;
export const B_MAGIC: usize = 16;
export const B_CRC: usize = 17;
export const B_ATTRIBUTES: usize = 21;
export const B_LAST_OFFSET_DELTA: usize = 23;
export const B_BASE_TIMESTAMP: usize = 27;
export const B_MAX_TIMESTAMP: usize = 35;
export const B_PRODUCER_ID: usize = 43;
export const B_PRODUCER_EPOCH: usize = 51;
export const B_BASE_SEQUENCE: usize = 53;
export const B_RECORDS_COUNT: usize = 57;
export const B_RECORDS: usize = 61;
/** batchLength counts the bytes after the length field: the smallest is 61 - 12. */
export const MIN_BATCH_LENGTH: i32 = 49;
/** Bytes of a record-less record body: attributes, 1-byte varints for ts/offset/key/value/headers. */
export const MIN_RECORD_BODY: i32 = 6;

export const ATTR_COMPRESSION: i32 = 0x07;
export const ATTR_LOG_APPEND_TIME: i32 = 0x08;
export const ATTR_TRANSACTIONAL: i32 = 0x10;
export const ATTR_CONTROL: i32 = 0x20;

// Table header written before batch descriptors and legacy message entries (16 bytes).
export const T_COUNT: usize = 0;
export const T_VALID_BYTES: usize = 4;
export const T_ERROR_POSITION: usize = 8;
export const T_HEADER: usize = 16;

// Batch descriptor (64 bytes) — also the parameter block of the encoders.
export const D_SIZE: usize = 64;
export const D_BASE_OFFSET: usize = 0;
export const D_BASE_TIMESTAMP: usize = 8;
export const D_MAX_TIMESTAMP: usize = 16;
export const D_PRODUCER_ID: usize = 24;
export const D_POSITION: usize = 32;
export const D_BATCH_SIZE: usize = 36;
export const D_LEADER_EPOCH: usize = 40;
export const D_LAST_OFFSET_DELTA: usize = 44;
export const D_BASE_SEQUENCE: usize = 48;
export const D_RECORD_COUNT: usize = 52;
export const D_ATTRIBUTES: usize = 56;
export const D_PRODUCER_EPOCH: usize = 58;
export const D_CONTROL_TYPE: usize = 60;

// Decoded record (48 bytes). Offsets are relative to the pointer the host passed in.
export const R_SIZE: usize = 48;
export const R_TIMESTAMP_DELTA: usize = 0;
export const R_OFFSET_DELTA: usize = 8;
export const R_KEY_OFF: usize = 12;
export const R_KEY_LEN: usize = 16;
export const R_VALUE_OFF: usize = 20;
export const R_VALUE_LEN: usize = 24;
export const R_HEADER_START: usize = 28;
export const R_HEADER_COUNT: usize = 32;
export const R_RECORD_OFF: usize = 36;
export const R_RECORD_SIZE: usize = 40;
export const R_ATTRIBUTES: usize = 44;

// Record header span (16 bytes): key offset, key length, value offset, value length (-1 = null).
export const H_SIZE: usize = 16;

// Encoder input, one per record (32 bytes); offsets relative to the data region.
export const E_SIZE: usize = 32;
export const E_TIMESTAMP: usize = 0;
export const E_OFFSET_DELTA: usize = 8;
export const E_KEY_OFF: usize = 12;
export const E_KEY_LEN: usize = 16;
export const E_VALUE_OFF: usize = 20;
export const E_VALUE_LEN: usize = 24;
export const E_HEADER_COUNT: usize = 28;

// Legacy message entry (48 bytes).
export const L_SIZE: usize = 48;
export const L_OFFSET: usize = 0;
export const L_TIMESTAMP: usize = 8;
export const L_POSITION: usize = 16;
export const L_MESSAGE_SIZE: usize = 20;
export const L_KEY_OFF: usize = 24;
export const L_KEY_LEN: usize = 28;
export const L_VALUE_OFF: usize = 32;
export const L_VALUE_LEN: usize = 36;
export const L_CRC: usize = 40;
export const L_MAGIC: usize = 44;
export const L_ATTRIBUTES: usize = 45;

// Legacy encoder input, one per message (40 bytes).
export const M_SIZE: usize = 40;
export const M_OFFSET: usize = 0;
export const M_TIMESTAMP: usize = 8;
export const M_KEY_OFF: usize = 16;
export const M_KEY_LEN: usize = 20;
export const M_VALUE_OFF: usize = 24;
export const M_VALUE_LEN: usize = 28;
export const M_ATTRIBUTES: usize = 32;

/**
 * Block for small results (a lookup's entry, a control record, a next offset): 128 bytes; the
 * second half holds a batch descriptor where an export says so.
 */
export const RESULT: usize = memory.data(128, 16);
export const RESULT_DESC: usize = RESULT + 64;
