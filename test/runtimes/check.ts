// The runtime-neutral check every runtime runs on the same build/kwasm.wasm: CRC vectors, a batch
// encode -> validate -> decode round trip with golden bytes, corruption, a control marker, an
// index lookup. No node: imports: this file is transpiled and run in Chromium, Deno and Bun too.
import type { Core } from '../../host/core/types.js';

/** The batch encodeBatch writes for GOLDEN_INPUT (also what the TS reference writes). */
export const GOLDEN_HEX =
  '000000000000000000000047ffffffff024962da3200000000000100000000000003e800000000000003e8ffffffffffffffffffffffffffff000000021c00000004010206030405020268010c000002010100';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const same = (a: Uint8Array | null, b: Uint8Array | null) => (a === null || b === null ? a === b : hex(a) === hex(b));

export interface CheckReport {
  passed: string[];
  failed: string[];
}

export function checkCore(core: Core): CheckReport {
  const passed: string[] = [];
  const failed: string[] = [];
  const check = (name: string, fn: () => boolean) => {
    let ok = false;
    try {
      ok = fn();
    } catch (e) {
      failed.push(`${name}: threw ${String(e)}`);
      return;
    }
    (ok ? passed : failed).push(name);
  };
  const te = new TextEncoder();
  const seq = (n: number, f: (i: number) => number) => Uint8Array.from({ length: n }, (_, i) => f(i));

  check('crc32c 32 x 0x00', () => core.crc32c(new Uint8Array(32)) === 0x8a9136aa);
  check('crc32c 32 x 0xFF', () => core.crc32c(new Uint8Array(32).fill(0xff)) === 0x62a8ab43);
  check('crc32c 0..31', () => core.crc32c(seq(32, (i) => i)) === 0x46dd794e);
  check('crc32c 31..0', () => core.crc32c(seq(32, (i) => 31 - i)) === 0x113fdb5c);
  check('crc32c "123456789"', () => core.crc32c(te.encode('123456789')) === 0xe3069283);
  check('crc32c 1 MiB continues across calls', () => {
    const big = seq(1 << 20, (i) => (i * 131) & 0xff);
    return core.crc32c(big.subarray(1000), core.crc32c(big.subarray(0, 1000))) === core.crc32c(big);
  });
  check('crc32 (IEEE) "123456789"', () => core.crc32(te.encode('123456789')) === 0xcbf43926);

  const input = [
    { key: new Uint8Array([1, 2]), value: new Uint8Array([3, 4, 5]), headers: [{ key: 'h', value: null }] },
    { key: null, value: null },
  ];
  let batch: Uint8Array = new Uint8Array(0);
  check('encodeBatch golden bytes', () => {
    batch = core.encodeBatch(input, { baseTimestamp: 1000n });
    return hex(batch) === GOLDEN_HEX;
  });
  check('validateBatches describes the batch', () => {
    const r = core.validateBatches(batch, { strict: true, records: true });
    const d = r.batches[0]!;
    return r.status === 0 && r.validBytes === batch.length && r.batches.length === 1 && d.recordCount === 2 && d.lastOffsetDelta === 1 && d.baseTimestamp === 1000n && d.size === batch.length;
  });
  check('decodeRecords gives the input back', () => {
    const recs = core.decodeRecords(batch);
    return (
      recs.length === 2 &&
      same(recs[0]!.key, input[0]!.key) &&
      same(recs[0]!.value, input[0]!.value) &&
      recs[0]!.headers.length === 1 &&
      same(recs[0]!.headers[0]!.key, te.encode('h')) &&
      recs[0]!.headers[0]!.value === null &&
      recs[1]!.key === null &&
      recs[1]!.value === null &&
      recs[1]!.offsetDelta === 1
    );
  });
  check('round trip of 500 records with a 64 KiB value', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ key: te.encode(`k${i}`), value: i === 250 ? new Uint8Array(65536).fill(9) : te.encode(`v${i}`), timestamp: 5000 + i }));
    const b = core.encodeBatch(many);
    const back = core.decodeRecords(b);
    return core.validateBatches(b, { strict: true, records: true }).status === 0 && back.length === 500 && back.every((r, i) => same(r.key, many[i]!.key) && same(r.value, many[i]!.value) && r.timestampDelta === BigInt(i));
  });
  check('a flipped bit is CRC_MISMATCH, a cut is TRUNCATED', () => {
    const bad = batch.slice();
    bad[70]! ^= 4;
    return core.validateBatches(bad).status === 4 && core.validateBatches(batch.subarray(0, batch.length - 1)).status === 1;
  });
  check('assignOffsets patches in place', () => {
    const two = new Uint8Array(batch.length * 2);
    two.set(batch);
    two.set(batch, batch.length);
    const next = core.assignOffsets(two, 100n, 3);
    const r = core.validateBatches(two);
    return next === 104n && r.status === 0 && r.batches[1]!.baseOffset === 102n && r.batches[1]!.partitionLeaderEpoch === 3;
  });
  check('COMMIT marker round trip', () => {
    const m = core.encodeControlBatch({ type: 1, coordinatorEpoch: 7, producerId: 42n, producerEpoch: 1, timestamp: 1n });
    const c = core.readControl(m);
    return core.validateBatches(m, { strict: true }).batches[0]!.controlType === 1 && c.type === 1 && c.coordinatorEpoch === 7;
  });
  check('offset index floor lookup', () => {
    const idx = core.openOffsetIndex();
    idx.append(10, 4096);
    idx.append(20, 8192);
    const ok = idx.lookup(5) === null && idx.lookup(15)?.position === 4096 && idx.lookup(99)?.relativeOffset === 20;
    idx.close();
    return ok;
  });
  check('legacy v1 message set', () => {
    const set = core.encodeMessageSet([{ offset: 3n, timestamp: 9n, key: null, value: te.encode('old') }], 1);
    const r = core.decodeMessageSet(set);
    return r.status === 0 && r.messages[0]!.offset === 3n && r.messages[0]!.timestamp === 9n && same(r.messages[0]!.value, te.encode('old'));
  });
  return { passed, failed };
}
