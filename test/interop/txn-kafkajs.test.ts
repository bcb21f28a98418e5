// KafkaJS's transactional producer against kwasm, in-process: committed transactions are visible to
// a read_committed consumer, aborted ones never are, read_uncommitted sees both; a second producer
// with the same transactional id fences the first (its commit fails and its data never appears).
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': 0, 'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 3 } });
  kafka = new Kafka({ clientId: 'kwasm-txn-kafkajs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'txn-js', numPartitions: 2 }, { topic: 'txn-js-fence', numPartitions: 1 }] });
  await admin.disconnect();
});

afterAll(async () => {
  await broker?.close();
});

let groups = 0;

/** Reads `topic` from the beginning in a fresh group until `count` records (or the timeout). */
async function consumeAll(topic: string, readUncommitted: boolean, count: number, timeoutMs = 8000): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `txn-js-${++groups}`, readUncommitted, maxWaitTimeInMs: 100, heartbeatInterval: 500 });
  await consumer.connect();
  const out: string[] = [];
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            out.push(message.value!.toString());
            if (out.length >= count) {
              clearTimeout(timer);
              // Give a little time for anything that should not be there to show up.
              setTimeout(resolve, 300);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort();
}

describe('KafkaJS transactions', () => {
  it('commit is visible to read_committed consumers, abort never; read_uncommitted sees both', async () => {
    const producer = kafka.producer({ transactionalId: 'js-app', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    const t1 = await producer.transaction();
    await t1.send({ topic: 'txn-js', messages: [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `commit-1-${i}`, partition: i % 2 })) });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: 'txn-js', messages: [0, 1, 2].map((i) => ({ value: `abort-${i}`, partition: i % 2 })) });
    await t2.abort();
    const t3 = await producer.transaction();
    await t3.send({ topic: 'txn-js', messages: [{ value: 'commit-2-0', partition: 1 }] });
    await t3.commit();
    await producer.disconnect();

    const committed = ['commit-1-0', 'commit-1-1', 'commit-1-2', 'commit-1-3', 'commit-2-0'];
    expect(await consumeAll('txn-js', false, committed.length)).toEqual(committed);
    expect(await consumeAll('txn-js', true, 8)).toEqual([...committed, 'abort-0', 'abort-1', 'abort-2'].sort());
  });

  it('a new producer with the same transactional id fences the old one', async () => {
    const p1 = kafka.producer({ transactionalId: 'js-fence', maxInFlightRequests: 1, idempotent: true, retry: { retries: 1, initialRetryTime: 20 } });
    await p1.connect();
    const t1 = await p1.transaction();
    await t1.send({ topic: 'txn-js-fence', messages: [{ value: 'zombie' }] });
    const p2 = kafka.producer({ transactionalId: 'js-fence', maxInFlightRequests: 1, idempotent: true });
    await p2.connect();
    // KafkaJS sends InitProducerId with the transactional id when the first transaction begins: it
    // aborts p1's transaction and bumps the epoch, fencing p1.
    const t2 = await p2.transaction();
    await expect(t1.commit()).rejects.toThrow(/fenced|epoch/i);
    await t2.send({ topic: 'txn-js-fence', messages: [{ value: 'fresh' }] });
    await t2.commit();
    await p1.disconnect().catch(() => undefined);
    await p2.disconnect();
    expect(await consumeAll('txn-js-fence', false, 1)).toEqual(['fresh']);
    expect(await consumeAll('txn-js-fence', true, 2)).toEqual(['fresh', 'zombie']);
  });
});
