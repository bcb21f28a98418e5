// __transaction_state records in Kafka's formats: exact bytes of a key and a value, and round trips.
import { describe, expect, it } from 'vitest';
import { decodeTxnRecord, encodeTxnRecord } from '../../../host/coordinator/txn/records.js';
import { TxnState, type TxnTransit } from '../../../host/coordinator/txn/state.js';

const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('hex') : null);

function transit(over: Partial<TxnTransit> = {}): TxnTransit {
  return {
    producerId: 7n,
    previousProducerId: -1n,
    nextProducerId: -1n,
    producerEpoch: 3,
    lastProducerEpoch: -1,
    txnTimeoutMs: 60000,
    state: TxnState.Ongoing,
    partitions: new Map([['t', new Set([1, 0])]]),
    txnStartTimestamp: 1000,
    txnLastUpdateTimestamp: 2000,
    clientTransactionVersion: 0,
    ...over,
  };
}

describe('__transaction_state records', () => {
  it('key: int16 type 0, then the transactional id as a non-flexible string', () => {
    const { key } = encodeTxnRecord({ transactionalId: 'tx', value: null });
    expect(hex(key)).toBe('0000' + '0002' + Buffer.from('tx').toString('hex'));
  });

  it('value v1: fields in schema order, compact arrays, tagged fields only when not default', () => {
    const { value } = encodeTxnRecord({ transactionalId: 'tx', value: transit() });
    const b = Buffer.from(value!);
    expect(b.readInt16BE(0)).toBe(1); // version
    expect(b.readBigInt64BE(2)).toBe(7n); // producerId
    expect(b.readInt16BE(10)).toBe(3); // epoch
    expect(b.readInt32BE(12)).toBe(60000); // timeout
    expect(b.readInt8(16)).toBe(TxnState.Ongoing);
    // partitions: compact array of 1 → topic 't', partitions [0,1] (sorted), no tags
    expect(hex(b.subarray(17, 17 + 1 + 2 + 1 + 8 + 1))).toBe('02' + '0274' + '03' + '00000000' + '00000001' + '00');
    const rest = b.subarray(30);
    expect(rest.readBigInt64BE(0)).toBe(2000n);
    expect(rest.readBigInt64BE(8)).toBe(1000n);
    expect(rest.length).toBe(17); // + empty tagged fields
    expect(rest[16]).toBe(0);
  });

  it('an Empty state writes null partitions (as Kafka does)', () => {
    const { value } = encodeTxnRecord({ transactionalId: 'tx', value: transit({ state: TxnState.Empty, partitions: new Map() }) });
    expect(Buffer.from(value!)[17]).toBe(0); // compact nullable array: 0 = null
  });

  it('round-trips every field, tagged ones included', () => {
    const v = transit({ previousProducerId: 5n, nextProducerId: 9n, clientTransactionVersion: 2, state: TxnState.PrepareCommit });
    const enc = encodeTxnRecord({ transactionalId: 'tx-é', value: v });
    const dec = decodeTxnRecord(enc.key, enc.value)!;
    expect(dec.transactionalId).toBe('tx-é');
    expect(dec.value).toEqual({ ...v, partitions: new Map([['t', new Set([0, 1])]]) });
    const tomb = decodeTxnRecord(enc.key, null)!;
    expect(tomb.value).toBeNull();
  });

  it('ignores keys of unknown record types; throws on corrupt values', () => {
    expect(decodeTxnRecord(Uint8Array.from([0, 9, 0, 0]), null)).toBeNull();
    const enc = encodeTxnRecord({ transactionalId: 'tx', value: transit() });
    expect(() => decodeTxnRecord(enc.key, enc.value!.subarray(0, 10))).toThrow();
  });
});
