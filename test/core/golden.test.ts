// Golden batches produced by real clients (confluent-kafka-python and kcat over librdkafka, KafkaJS;
// every codec, headers, idempotent and transactional producers), captured by
// test/fixtures/batches/capture.py: they validate, decode to what was produced, and re-encode
// byte-identically (the records section always; whole uncompressed batches; compressed batches
// from their original compressed section).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decompress } from '../../host/compression/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { BatchStatus as S, type BatchDescriptor, type RecordView } from '../../host/core/types.js';

const core = loadCore();
const dir = new URL('../fixtures/batches/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
  fixtures: Record<string, { client: string; codec: string; records: Array<{ key: string | null; value: string | null; headers: Array<[string, string | null]> }> }>;
};
const td = new TextDecoder();
const str = (b: Uint8Array | null) => (b === null ? null : td.decode(b));
const CODEC: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

const headerOf = (d: BatchDescriptor) => ({
  baseOffset: d.baseOffset,
  partitionLeaderEpoch: d.partitionLeaderEpoch,
  compression: d.attributes & 7,
  logAppendTime: (d.attributes & 0x08) !== 0,
  transactional: (d.attributes & 0x10) !== 0,
  baseTimestamp: d.baseTimestamp,
  maxTimestamp: d.maxTimestamp,
  producerId: d.producerId,
  producerEpoch: d.producerEpoch,
  baseSequence: d.baseSequence,
  lastOffsetDelta: d.lastOffsetDelta,
  recordCount: d.recordCount,
});
const inputOf = (d: BatchDescriptor, rs: RecordView[]) =>
  rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: d.baseTimestamp + r.timestampDelta, offsetDelta: r.offsetDelta }));

describe('golden batches from real clients', () => {
  const names = Object.keys(manifest.fixtures);
  it('cover every codec for librdkafka clients, KafkaJS, idempotent and transactional producers', () => {
    expect(names.filter((n) => n.startsWith('python-')).length).toBeGreaterThanOrEqual(7);
    expect(names.filter((n) => n.startsWith('kcat-')).length).toBe(5);
    expect(names.filter((n) => n.startsWith('kafkajs-')).length).toBe(2);
  });

  for (const name of names) {
    const fx = manifest.fixtures[name]!;
    it(`${name}: validates, decodes to what ${fx.client} produced, re-encodes byte-identically`, async () => {
      const buf = new Uint8Array(readFileSync(new URL(`${name}.bin`, dir)));
      const scan = core.validateBatches(buf, { strict: true, records: true });
      expect(scan.status).toBe(S.OK);
      expect(scan.validBytes).toBe(buf.length);
      const got: Array<{ key: string | null; value: string | null; headers: Array<[string, string | null]> }> = [];
      for (const d of scan.batches) {
        expect(d.attributes & 7).toBe(CODEC[fx.codec]);
        const batch = buf.subarray(d.position, d.position + d.size);
        const stored = batch.subarray(61);
        const section = d.attributes & 7 ? await decompress(d.attributes & 7, stored) : stored;
        const records = d.attributes & 7 ? core.decodeRecordsSection(section, d.recordCount, d.lastOffsetDelta) : core.decodeRecords(batch);
        expect(records.length).toBe(d.recordCount);
        for (const r of records) got.push({ key: str(r.key), value: str(r.value), headers: r.headers.map((h) => [str(h.key)!, str(h.value)]) });
        const again = core.encodeRecordsSection(inputOf(d, records), { baseTimestamp: d.baseTimestamp });
        expect(again.records).toEqual(new Uint8Array(section));
        expect(again.maxTimestamp).toBeLessThanOrEqual(d.maxTimestamp);
        if (d.attributes & 7) {
          expect(core.buildBatch(stored, headerOf(d))).toEqual(batch);
        } else {
          expect(core.encodeBatch(inputOf(d, records), headerOf(d))).toEqual(batch);
        }
      }
      expect(got).toEqual(fx.records);
    });
  }

  it('transactional batches carry the producer id, epoch and consecutive sequences', () => {
    const scan = core.validateBatches(new Uint8Array(readFileSync(new URL('python-txn.bin', dir))), { strict: true });
    expect(scan.batches.length).toBe(2);
    for (const d of scan.batches) expect(d.attributes & 0x10).toBe(0x10);
    expect(scan.batches[0]!.producerId).toBeGreaterThanOrEqual(0n);
    expect(scan.batches[1]!.baseSequence).toBe(scan.batches[0]!.baseSequence + scan.batches[0]!.recordCount);
  });
});
