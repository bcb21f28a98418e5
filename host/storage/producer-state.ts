// Per-partition producer state for the idempotent and transactional producer, built only from batch
// header fields that the WASM core returns (producerId, epoch, baseSequence, lastOffsetDelta,
// attributes): no record parsing.
//
// On-disk format of `<20-digit offset>.snapshot` (Kafka's producer snapshot, version 1; the state
// of the partition as of `offset`, i.e. of every batch below it):
//
//   version:i16 BE (1) | crc:u32 BE | count:i32 BE | entry * count
//   entry := producerId:i64 | epoch:i16 | lastSequence:i32 | lastOffset:i64 | offsetDelta:i32
//            | timestamp:i64 | coordinatorEpoch:i32 | currentTxnFirstOffset:i64     (46 bytes, BE)
//
//   crc        = CRC32C of every byte after the crc field (count and entries)
//   offsetDelta = lastSequence - firstSequence of the producer's last batch
//   currentTxnFirstOffset = first offset of the producer's open transaction, or -1
//
// As in Kafka only the producer's latest batch is persisted; the up-to-5 batches kept in memory for
// duplicate detection are refilled by replaying the log written after the snapshot.
import type { BatchDescriptor, CoreApi } from '../core/types.js';
import { Attr } from '../core/types.js';
import { StorageError } from './errors.js';

export const BATCHES_TO_RETAIN = 5;
const SNAPSHOT_VERSION = 1;
const ENTRY_SIZE = 46;
const INT32_MAX = 2147483647;

export interface ProducerBatch {
  firstSeq: number;
  lastSeq: number;
  firstOffset: bigint;
  lastOffset: bigint;
  timestamp: bigint;
}

export interface ProducerEntry {
  producerId: bigint;
  epoch: number;
  /** Oldest first, at most BATCHES_TO_RETAIN. */
  batches: ProducerBatch[];
  coordinatorEpoch: number;
  /** First offset of the open transaction, -1n when none. */
  currentTxnFirstOffset: bigint;
  lastTimestamp: bigint;
}

export type AppendOrigin = 'client' | 'coordinator' | 'replication';

export type ProducerCheck = { duplicate: ProducerBatch } | null;

export interface CompletedTxn {
  producerId: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  isAborted: boolean;
}

function lastSequenceOf(d: BatchDescriptor): number {
  const s = d.baseSequence + d.lastOffsetDelta;
  return s > INT32_MAX ? s - INT32_MAX - 1 : s;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function copyEntry(e: ProducerEntry): ProducerEntry {
  return { ...e, batches: e.batches.map((b) => ({ ...b })) };
}

export class ProducerStateManager {
  readonly producers = new Map<bigint, ProducerEntry>();

  clone(): ProducerStateManager {
    const m = new ProducerStateManager();
    for (const [id, e] of this.producers) m.producers.set(id, copyEntry(e));
    return m;
  }

  get(producerId: bigint): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /**
   * Kafka's checks for a client append: a known (epoch, firstSeq, lastSeq) is a duplicate whose
   * original offsets are returned; an older epoch is fenced; a sequence gap is out of order. Call
   * `apply` afterwards with assigned offsets. Non-idempotent batches (producerId < 0) pass.
   */
  check(d: BatchDescriptor, origin: AppendOrigin): ProducerCheck {
    if (d.producerId < 0n) return null;
    const e = this.producers.get(d.producerId);
    const isControl = (d.attributes & Attr.CONTROL) !== 0;
    if (origin === 'client' && isControl) {
      throw new StorageError('INVALID_RECORD', 'clients may not append control batches');
    }
    if (!e) return null;
    if (d.producerEpoch < e.epoch) {
      if (origin === 'replication') return null;
      throw new StorageError('INVALID_PRODUCER_EPOCH', `epoch ${d.producerEpoch} is older than ${e.epoch} for producer ${d.producerId}`);
    }
    if (origin !== 'client' || isControl) return null;
    const lastSeq = lastSequenceOf(d);
    if (d.producerEpoch === e.epoch) {
      const dup = e.batches.find((b) => b.firstSeq === d.baseSequence && b.lastSeq === lastSeq);
      if (dup) return { duplicate: dup };
    }
    if (d.producerEpoch !== e.epoch) {
      if (d.baseSequence !== 0 && e.epoch >= 0) {
        throw new StorageError('OUT_OF_ORDER_SEQUENCE_NUMBER', `sequence ${d.baseSequence} for new epoch ${d.producerEpoch} of producer ${d.producerId}`);
      }
    } else {
      const current = e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : -1;
      if (e.batches.length > 0 && !inSequence(current, d.baseSequence)) {
        throw new StorageError('OUT_OF_ORDER_SEQUENCE_NUMBER', `expected sequence ${current + 1}, got ${d.baseSequence} from producer ${d.producerId}`, {
          details: { expected: current + 1, got: d.baseSequence },
        });
      }
    }
    return null;
  }

  /**
   * Records a batch whose baseOffset is assigned. For a control batch (transaction marker),
   * `controlType` says whether it aborts (0) or commits (1); the completed transaction is returned.
   */
  apply(d: BatchDescriptor, controlType?: number): CompletedTxn | null {
    if (d.producerId < 0n) return null;
    let e = this.producers.get(d.producerId);
    if (!e) {
      e = { producerId: d.producerId, epoch: d.producerEpoch, batches: [], coordinatorEpoch: -1, currentTxnFirstOffset: -1n, lastTimestamp: -1n };
      this.producers.set(d.producerId, e);
    }
    if (d.producerEpoch > e.epoch) {
      e.epoch = d.producerEpoch;
      e.batches = [];
    }
    const lastOffset = d.baseOffset + BigInt(d.lastOffsetDelta);
    e.lastTimestamp = d.maxTimestamp;
    if ((d.attributes & Attr.CONTROL) !== 0) {
      const first = e.currentTxnFirstOffset;
      e.currentTxnFirstOffset = -1n;
      if (first < 0n) return null;
      return { producerId: d.producerId, firstOffset: first, lastOffset, isAborted: controlType === 0 };
    }
    if ((d.attributes & Attr.TRANSACTIONAL) !== 0 && e.currentTxnFirstOffset < 0n) e.currentTxnFirstOffset = d.baseOffset;
    if (d.baseSequence >= 0) {
      e.batches.push({ firstSeq: d.baseSequence, lastSeq: lastSequenceOf(d), firstOffset: d.baseOffset, lastOffset, timestamp: d.maxTimestamp });
      if (e.batches.length > BATCHES_TO_RETAIN) e.batches.shift();
    }
    return null;
  }

  /** Earliest first offset of an open transaction, or -1n. */
  firstUndecidedOffset(): bigint {
    let min = -1n;
    for (const e of this.producers.values()) {
      if (e.currentTxnFirstOffset >= 0n && (min < 0n || e.currentTxnFirstOffset < min)) min = e.currentTxnFirstOffset;
    }
    return min;
  }

  /** Drops producers idle longer than `expirationMs` that have no open transaction. */
  expire(nowMs: number, expirationMs: number): number {
    let n = 0;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0n && nowMs - Number(e.lastTimestamp) >= expirationMs) {
        this.producers.delete(id);
        n++;
      }
    }
    return n;
  }

  encodeSnapshot(core: CoreApi): Buffer {
    const list = [...this.producers.values()];
    const b = Buffer.alloc(10 + ENTRY_SIZE * list.length);
    b.writeInt16BE(SNAPSHOT_VERSION, 0);
    b.writeInt32BE(list.length, 6);
    let p = 10;
    for (const e of list) {
      const last = e.batches[e.batches.length - 1];
      b.writeBigInt64BE(e.producerId, p);
      b.writeInt16BE(e.epoch, p + 8);
      b.writeInt32BE(last ? last.lastSeq : -1, p + 10);
      b.writeBigInt64BE(last ? last.lastOffset : -1n, p + 14);
      b.writeInt32BE(last ? last.lastSeq - last.firstSeq : 0, p + 22);
      b.writeBigInt64BE(last ? last.timestamp : e.lastTimestamp, p + 26);
      b.writeInt32BE(e.coordinatorEpoch, p + 34);
      b.writeBigInt64BE(e.currentTxnFirstOffset, p + 38);
      p += ENTRY_SIZE;
    }
    b.writeUInt32BE(core.crc32c(b.subarray(6)) >>> 0, 2);
    return b;
  }

  /** Throws CORRUPT_MESSAGE on a bad version, CRC or length. */
  static decodeSnapshot(core: CoreApi, bytes: Uint8Array): ProducerStateManager {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (b.length < 10 || b.readInt16BE(0) !== SNAPSHOT_VERSION) throw new StorageError('CORRUPT_MESSAGE', 'bad producer snapshot header');
    if ((core.crc32c(b.subarray(6)) >>> 0) !== b.readUInt32BE(2)) throw new StorageError('CORRUPT_MESSAGE', 'producer snapshot CRC mismatch');
    const count = b.readInt32BE(6);
    if (count < 0 || b.length !== 10 + count * ENTRY_SIZE) throw new StorageError('CORRUPT_MESSAGE', 'bad producer snapshot length');
    const m = new ProducerStateManager();
    let p = 10;
    for (let i = 0; i < count; i++, p += ENTRY_SIZE) {
      const producerId = b.readBigInt64BE(p);
      const lastSeq = b.readInt32BE(p + 10);
      const lastOffset = b.readBigInt64BE(p + 14);
      const delta = b.readInt32BE(p + 22);
      const timestamp = b.readBigInt64BE(p + 26);
      const batches: ProducerBatch[] =
        lastOffset >= 0n && lastSeq >= 0
          ? [{ firstSeq: lastSeq - delta, lastSeq, firstOffset: lastOffset - BigInt(delta), lastOffset, timestamp }]
          : [];
      m.producers.set(producerId, {
        producerId,
        epoch: b.readInt16BE(p + 8),
        batches,
        coordinatorEpoch: b.readInt32BE(p + 34),
        currentTxnFirstOffset: b.readBigInt64BE(p + 38),
        lastTimestamp: timestamp,
      });
    }
    return m;
  }
}
