// Golden bytes: request frames captured from real clients (kcat and confluent-kafka-python on
// librdkafka, kafka-python, KafkaJS, @platformatic/kafka) by test/protocol/golden/capture.ts.
// Each must decode, and re-encode byte for byte.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { concatChunks, decodeRequest, encodeRequest } from '../../host/protocol/api.js';
import { ApiKey, apiEntry } from '../../host/protocol/generated/index.js';

const dir = fileURLToPath(new URL('../fixtures/protocol', import.meta.url));
const clients = readdirSync(dir).sort();

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

describe('golden request frames from real clients', () => {
  it('fixtures exist for every client', () => {
    expect(clients).toEqual(['confluent-kafka', 'kafka-python', 'kafkajs', 'kcat', 'platformatic-kafka']);
  });

  for (const client of clients) {
    describe(client, () => {
      const files = readdirSync(join(dir, client)).filter((f) => f.endsWith('.bin')).sort();

      it('covers the client APIs: ApiVersions, Metadata, Produce, Fetch, ListOffsets, FindCoordinator, JoinGroup, SyncGroup, OffsetCommit', () => {
        const names = new Set(files.map((f) => f.split('-')[1]));
        for (const api of ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'ListOffsets', 'FindCoordinator', 'JoinGroup', 'SyncGroup', 'OffsetCommit', 'LeaveGroup']) {
          expect(names.has(api), `${client} ${api}`).toBe(true);
        }
        if (client !== 'kafka-python') expect(names.has('InitProducerId'), `${client} InitProducerId`).toBe(true);
      });

      for (const file of files) {
        it(file, () => {
          const [, name, ver] = /^\d+-(\w+)-v(\d+)\.bin$/.exec(file)!;
          const frame = new Uint8Array(readFileSync(join(dir, client, file)));
          const d = decodeRequest(frame);
          if (d.error) throw d.error;
          expect(apiEntry(d.apiKey).name).toBe(name);
          expect(d.apiVersion).toBe(Number(ver));
          const again = concatChunks(encodeRequest(d.header as never, d.body as never));
          expect(hex(again)).toBe(hex(frame));
          if (d.apiKey === ApiKey.Produce) {
            // Record batches stay views of the frame.
            for (const t of d.body.topicData) for (const p of t.partitionData) expect(p.records?.buffer).toBe(frame.buffer);
          }
        });
      }
    });
  }
});
