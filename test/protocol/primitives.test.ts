// Reader/Writer primitives, UUIDs, the error table and coordinator records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCoordinatorRecord, encodeCoordinatorKey, encodeCoordinatorValue } from '../../host/protocol/coordinator.js';
import { DecodeFailure } from '../../host/protocol/errors.js';
import { ErrorCode, errorInfo, isRetriable } from '../../host/protocol/generated/errors.js';
import { Reader } from '../../host/protocol/reader.js';
import { ZERO_UUID, isUuid, randomUuid, uuidFromBytes, uuidToBytes, uuidToHex } from '../../host/protocol/uuid.js';
import { utf8Length, uvarintSize, Writer } from '../../host/protocol/writer.js';

function failure(f: () => unknown): DecodeFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeFailure) return e;
    throw e;
  }
  throw new Error('expected a DecodeFailure');
}

describe('varints', () => {
  it('unsigned varints round-trip at every size boundary', () => {
    for (const x of [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 31, 2 ** 32 - 1]) {
      const w = new Writer(uvarintSize(x));
      w.uvarint(x);
      const [b] = w.finish();
      expect(b!.length).toBe(uvarintSize(x));
      const r = new Reader(b!);
      expect(r.uvarint()).toBe(x);
      expect(r.remaining).toBe(0);
    }
  });

  it('signed zigzag varints round-trip', () => {
    fc.assert(
      fc.property(fc.integer(), (x) => {
        const w = new Writer(5);
        w.varint(x);
        const r = new Reader(w.buf.subarray(0, w.pos));
        expect(r.varint()).toBe(x);
      }),
    );
  });

  it('rejects truncated, overlong and overflowing varints', () => {
    expect(failure(() => new Reader(Uint8Array.of(0x80, 0x80)).uvarint()).code).toBe('TRUNCATED');
    expect(failure(() => new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x10)).uvarint()).code).toBe('INVALID_VARINT');
    expect(failure(() => new Reader(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).uvarint()).code).toBe('INVALID_VARINT');
  });
});

describe('strings', () => {
  it('utf8Length agrees with Buffer.byteLength for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
      }),
      { numRuns: 200 },
    );
  });

  it('reads strings that are not valid UTF-8 with replacement characters, never throwing', () => {
    const r = new Reader(Uint8Array.of(0, 3, 0xff, 0x41, 0xc3));
    expect(r.str(false)).toBe('\ufffdA\ufffd');
  });

  it('string lengths beyond 32767 or what remains are errors', () => {
    expect(failure(() => new Reader(Uint8Array.of(0x80, 0x80, 0x02)).str(true)).code).toBe('INVALID_LENGTH'); // compact length 32767+
    expect(failure(() => new Reader(Uint8Array.of(0, 5, 65)).str(false)).code).toBe('INVALID_LENGTH');
    expect(failure(() => new Reader(Uint8Array.of(0xff, 0xfe)).nstr(false, true)).code).toBe('INVALID_LENGTH');
    expect(failure(() => new Reader(Uint8Array.of(0xff, 0xff)).str(false)).code).toBe('NULL_NOT_ALLOWED');
    expect(new Reader(Uint8Array.of(0xff, 0xff)).nstr(false, true)).toBe(null);
    expect(new Reader(Uint8Array.of(0)).nstr(true, true)).toBe(null);
  });

  it('the writer refuses to finish when the size pass was wrong (a generator bug, loudly)', () => {
    const w = new Writer(4);
    w.int16(1);
    expect(() => w.finish()).toThrow(/size pass/);
  });
});

describe('UUIDs: Kafka text form (URL-safe base64, 22 chars)', () => {
  it('round-trips bytes <-> string, canonical strings only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const s = uuidFromBytes(b);
        expect(s).toMatch(/^[A-Za-z0-9_-]{21}[AQgw]$/);
        expect(isUuid(s)).toBe(true);
        expect(Array.from(uuidToBytes(s))).toEqual(Array.from(b));
      }),
    );
    expect(uuidFromBytes(new Uint8Array(16))).toBe(ZERO_UUID);
    const one = new Uint8Array(16);
    one[15] = 1;
    expect(uuidFromBytes(one)).toBe('AAAAAAAAAAAAAAAAAAAAAQ'); // Kafka's metadata topic id (0, 1)
    expect(uuidToHex('AAAAAAAAAAAAAAAAAAAAAQ')).toBe('00000000-0000-0000-0000-000000000001');
    for (const bad of ['', 'AAAAAAAAAAAAAAAAAAAAAB', 'AAAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAA+A', 'AAAAAAAAAAAAAAAAAAAAAAA']) {
      expect(isUuid(bad), bad).toBe(false);
    }
  });

  it('random UUIDs are never zero and never start with a dash', () => {
    for (let i = 0; i < 2000; i++) {
      const u = randomUuid();
      expect(u).not.toBe(ZERO_UUID);
      expect(u[0]).not.toBe('-');
      expect(isUuid(u)).toBe(true);
    }
  });
});

describe('Kafka error table', () => {
  it('codes, names and retriable flags', () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(errorInfo(6)).toEqual({ code: 6, name: 'NOT_LEADER_OR_FOLLOWER', retriable: true });
    expect(isRetriable(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toBe(true);
    expect(isRetriable(ErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe(false);
    expect(errorInfo(30000)).toBeUndefined();
  });
});

describe('coordinator records', () => {
  it('offset commits: key type 1, value v3, and tombstones', () => {
    const key = encodeCoordinatorKey('__consumer_offsets', 1, { group: 'g', topic: 't', partition: 4 });
    expect(Buffer.from(key).toString('hex')).toBe('0001' + '0001' + '67' + '0001' + '74' + '00000004');
    const value = encodeCoordinatorValue('__consumer_offsets', 1, 3, { offset: 42n, leaderEpoch: 7, metadata: 'm', commitTimestamp: 1000n });
    const d = decodeCoordinatorRecord('__consumer_offsets', key, value);
    if (d.error) throw d.error;
    expect(d.name).toBe('OffsetCommit');
    expect(d.type).toBe(1);
    expect(d.valueVersion).toBe(3);
    expect(d.key).toEqual({ group: 'g', topic: 't', partition: 4 });
    expect(d.value).toMatchObject({ offset: 42n, leaderEpoch: 7, metadata: 'm', commitTimestamp: 1000n });
    const t = decodeCoordinatorRecord('__consumer_offsets', key, null);
    expect(t.error === undefined && t.value).toBe(null);
  });

  it('group metadata (type 2) and transaction log (type 0 in __transaction_state)', () => {
    const gk = encodeCoordinatorKey('__consumer_offsets', 2, { group: 'grp' });
    const gv = encodeCoordinatorValue('__consumer_offsets', 2, 4, {
      protocolType: 'consumer',
      generation: 3,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 5n,
      members: [{ memberId: 'm1', clientId: 'c', clientHost: '/h', rebalanceTimeout: 1, sessionTimeout: 2, subscription: new Uint8Array([1]), assignment: new Uint8Array([2]) }],
    });
    const g = decodeCoordinatorRecord('__consumer_offsets', gk, gv);
    if (g.error) throw g.error;
    expect(g.name).toBe('GroupMetadata');
    expect((g.value as { members: { memberId: string }[] }).members[0]!.memberId).toBe('m1');

    const tk = encodeCoordinatorKey('__transaction_state', 0, { transactionalId: 'tx' });
    const tv = encodeCoordinatorValue('__transaction_state', 0, 1, { producerId: 9n, producerEpoch: 1, transactionTimeoutMs: 60000, transactionStatus: 0, nextProducerId: 10n });
    const tx = decodeCoordinatorRecord('__transaction_state', tk, tv);
    if (tx.error) throw tx.error;
    expect(tx.name).toBe('TransactionLog');
    expect(tx.value).toMatchObject({ producerId: 9n, nextProducerId: 10n, previousProducerId: -1n });
  });

  it('unknown record types and corrupt values are typed errors', () => {
    expect(decodeCoordinatorRecord('__consumer_offsets', Uint8Array.of(0, 99, 0, 0), null).error?.code).toBe('UNSUPPORTED_VERSION');
    expect(decodeCoordinatorRecord('__consumer_offsets', Uint8Array.of(0), null).error?.code).toBe('TRUNCATED');
    const key = encodeCoordinatorKey('__consumer_offsets', 1, { group: 'g', topic: 't', partition: 4 });
    expect(decodeCoordinatorRecord('__consumer_offsets', key, Uint8Array.of(0, 3, 0, 0)).error?.code).toBe('TRUNCATED');
    expect(() => encodeCoordinatorKey('__consumer_offsets', 99, {})).toThrow(/unknown record type/);
  });
});
