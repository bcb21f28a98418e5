// After an unclean stop, recovery rescans the segments above the recovery point; an ABORT marker
// found there must be in the aborted-transaction index even if the .txnindex entry never reached
// the disk (it is written after the marker). Otherwise read_committed consumers would read the
// aborted records. Simulated here: a clean stop, then the .txnindex files deleted, the clean
// shutdown marker removed and the recovery point reset, so recovery must rebuild the index.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { READ_COMMITTED, addPartitions, endTxn, fetchPartition, initTxn, produceTxn } from './helpers.js';

let broker: TestBroker | null = null;
let client: TestClient | null = null;

afterEach(async () => {
  client?.close();
  client = null;
  await broker?.close();
  broker = null;
});

describe('aborted-transaction index after an unclean stop', () => {
  it('is rebuilt from the markers that recovery rescans', async () => {
    broker = await startTestBroker({ storage: 'file', keepData: false, config: { 'transaction.state.log.num.partitions': 2 } });
    client = await TestClient.connect(broker.port);
    const core = broker.services.core;
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'rec', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const a = await initTxn(client, 'rec-a');
    const b = await initTxn(client, 'rec-b');
    await addPartitions(client, a, [['rec', 0]]);
    await addPartitions(client, b, [['rec', 0]]);
    await produceTxn(client, core, a, 'rec', 0, ['a1']); // 0
    await produceTxn(client, core, b, 'rec', 0, ['b1']); // 1
    expect((await endTxn(client, a, false)).errorCode).toBe(0); // ABORT at 2
    await produceTxn(client, core, b, 'rec', 0, ['b2']); // 3
    expect((await endTxn(client, b, true)).errorCode).toBe(0); // COMMIT at 4
    await addPartitions(client, a, [['rec', 0]]);
    await produceTxn(client, core, a, 'rec', 0, ['a2']); // 5
    expect((await endTxn(client, a, false)).errorCode).toBe(0); // ABORT at 6
    const before = await fetchPartition(client, core, 'rec', 0, READ_COMMITTED);
    expect(before.records.map(([, v]) => v)).toEqual(['b1', 'b2']);
    expect(before.aborted).toEqual([
      { producerId: a.producerId, firstOffset: 0n },
      { producerId: a.producerId, firstOffset: 5n },
    ]);
    client.close();
    client = null;

    // Stop, then make the stop look unclean with the index entries lost.
    const dir = broker.dataDir!;
    await broker.services.storage.close();
    const partDir = path.join(dir, 'rec-0');
    const txnFiles = readdirSync(partDir).filter((f) => f.endsWith('.txnindex'));
    expect(txnFiles.length).toBeGreaterThan(0);
    for (const f of txnFiles) rmSync(path.join(partDir, f));
    for (const f of readdirSync(partDir).filter((x) => x.endsWith('.snapshot'))) rmSync(path.join(partDir, f));
    rmSync(path.join(dir, '.kafka_cleanshutdown'), { force: true });
    writeFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), '0\n0\n');
    broker = await broker.restart();
    client = await TestClient.connect(broker.port);
    const after = await fetchPartition(client, core, 'rec', 0, READ_COMMITTED);
    expect(after.lastStableOffset).toBe(7n);
    expect(after.aborted).toEqual(before.aborted);
    expect(after.records.map(([, v]) => v)).toEqual(['b1', 'b2']);
  });
});
