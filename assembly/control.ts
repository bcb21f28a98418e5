// Control batches: transaction markers (Kafka's EndTransactionMarker). One record whose
//   key   = version int16 (0) | type int16 (0 ABORT, 1 COMMIT)
//   value = version int16 (0) | coordinatorEpoch int32
// in a batch with the transactional and control attribute bits set, uncompressed.
import { put16, put32 } from "./bytes";
import { writeHeader } from "./batch";
import * as L from "./layout";
import { encodeRecordsAt } from "./records";
import { BAD_ARGUMENT } from "./status";

const KV: usize = memory.data(16, 8);
const SPEC: usize = memory.data(<i32>L.E_SIZE, 8);

/**
 * Writes a COMMIT/ABORT marker batch at out, header fields from the descriptor at desc (baseOffset,
 * partitionLeaderEpoch, baseTimestamp = the marker's timestamp, producerId, producerEpoch,
 * baseSequence). Returns the batch size or -status.
 */
export function encodeControl(desc: usize, type: i32, coordinatorEpoch: i32, out: usize, outCap: usize): i32 {
  if (type != 0 && type != 1) return -BAD_ARGUMENT;
  if (load<i64>(desc + L.D_PRODUCER_ID) < 0) return -BAD_ARGUMENT;
  if (outCap < L.B_RECORDS) return -BAD_ARGUMENT;
  put16(KV, 0);
  put16(KV + 2, type);
  put16(KV + 4, 0);
  put32(KV + 6, coordinatorEpoch);
  const ts = load<i64>(desc + L.D_BASE_TIMESTAMP);
  store<i64>(SPEC + L.E_TIMESTAMP, ts);
  store<i32>(SPEC + L.E_OFFSET_DELTA, 0);
  store<i32>(SPEC + L.E_KEY_OFF, 0);
  store<i32>(SPEC + L.E_KEY_LEN, 4);
  store<i32>(SPEC + L.E_VALUE_OFF, 4);
  store<i32>(SPEC + L.E_VALUE_LEN, 6);
  store<i32>(SPEC + L.E_HEADER_COUNT, 0);
  const written = encodeRecordsAt(SPEC, 1, 0, 0, KV, 10, ts, out + L.B_RECORDS, outCap - L.B_RECORDS);
  if (written < 0) return written;
  store<u16>(desc + L.D_ATTRIBUTES, <u16>(L.ATTR_TRANSACTIONAL | L.ATTR_CONTROL));
  store<i32>(desc + L.D_LAST_OFFSET_DELTA, 0);
  store<i32>(desc + L.D_RECORD_COUNT, 1);
  store<i64>(desc + L.D_MAX_TIMESTAMP, ts);
  store<i16>(desc + L.D_CONTROL_TYPE, <i16>type);
  return writeHeader(desc, out, <usize>written);
}
