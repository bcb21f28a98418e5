// fast-check arbitraries for records and batches, shared by the core tests.
import fc from 'fast-check';
import type { RefRecord } from './batch.js';

const bytes = (max: number) => fc.uint8Array({ maxLength: max });

export const arbRecord = (maxBytes = 64): fc.Arbitrary<Omit<RefRecord, 'offsetDelta'>> =>
  fc.record({
    timestampDelta: fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }),
    key: fc.option(bytes(maxBytes), { nil: null }),
    value: fc.option(bytes(maxBytes * 4), { nil: null }),
    headers: fc.array(fc.record({ name: bytes(16), value: fc.option(bytes(32), { nil: null }) }), { maxLength: 4 }),
  });

/** Records with Kafka producer offset deltas 0..n-1. */
export const arbRecords = (maxRecords = 20, maxBytes = 64): fc.Arbitrary<RefRecord[]> =>
  fc.array(arbRecord(maxBytes), { maxLength: maxRecords }).map((rs) => rs.map((r, i) => ({ ...r, offsetDelta: i })));

export const arbHeader = fc.record({
  baseOffset: fc.bigInt({ min: 0n, max: (1n << 62n) }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 0x7fffffff }),
  baseTimestamp: fc.bigInt({ min: -1n, max: 1n << 45n }),
  producerId: fc.bigInt({ min: -1n, max: (1n << 62n) }),
  producerEpoch: fc.integer({ min: -1, max: 0x7fff }),
  baseSequence: fc.integer({ min: -1, max: 0x7fffffff }),
});
