// A group consumer for the groups interop suite, for KafkaJS or @platformatic/kafka (classic or
// KIP-848 consumer protocol). Same JSON-lines contract as group_consumer.py.
// usage: node group_consumer.mjs kafkajs|platformatic|platformatic-consumer BOOTSTRAP GROUP TOPIC [SESSION_MS]
const [lib, bootstrap, group, topic, sessionArg] = process.argv.slice(2);
const sessionMs = Number(sessionArg ?? 6000);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let stopping = false;
const stopped = new Promise((resolve) => process.stdin.on('end', resolve).on('close', resolve));
process.stdin.resume();

if (lib === 'kafkajs') {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'kwasm-groups', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 200, sessionTimeout: sessionMs, heartbeatInterval: Math.max(100, Math.floor(sessionMs / 6)), rebalanceTimeout: 10000 });
  consumer.on(consumer.events.GROUP_JOIN, (e) => out({ ev: 'assign', partitions: (e.payload.memberAssignment[topic] ?? []).slice().sort((a, b) => a - b) }));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const m of batch.messages) {
        out({ ev: 'rec', p: batch.partition, o: Number(m.offset), v: m.value.toString() });
        resolveOffset(m.offset);
      }
      if (batch.messages.length > 0) {
        await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
        out({ ev: 'commit' });
      }
      await heartbeat();
    },
  });
  await stopped;
  stopping = true;
  await consumer.disconnect();
} else {
  const { Consumer, stringDeserializers } = await import('@platformatic/kafka');
  const consumer = new Consumer({
    clientId: 'kwasm-groups',
    bootstrapBrokers: [bootstrap],
    groupId: group,
    groupProtocol: lib === 'platformatic-consumer' ? 'consumer' : 'classic',
    sessionTimeout: sessionMs,
    heartbeatInterval: Math.max(100, Math.floor(sessionMs / 6)),
    rebalanceTimeout: 10000,
    deserializers: stringDeserializers,
    autocommit: false,
    maxWaitTime: 200,
  });
  const report = () => out({ ev: 'assign', partitions: (consumer.assignments ?? []).filter((a) => a.topic === topic).flatMap((a) => a.partitions).sort((a, b) => a - b) });
  consumer.on('consumer:group:join', report);
  consumer.on('consumer:group:rebalance', report);
  consumer.on('consumer:heartbeat:end', () => {
    const now = JSON.stringify((consumer.assignments ?? []).flatMap((a) => a.partitions).sort());
    if (now !== consumer.__last) {
      consumer.__last = now;
      report();
    }
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false, maxWaitTime: 200 });
  stream.on('data', async (m) => {
    out({ ev: 'rec', p: m.partition, o: Number(m.offset), v: m.value });
    try {
      await m.commit();
      out({ ev: 'commit' });
    } catch (e) {
      if (!stopping) out({ ev: 'error', message: String(e?.message ?? e) });
    }
  });
  await stopped;
  stopping = true;
  await stream.close();
  await consumer.close(true);
}
out({ ev: 'closed' });
process.exit(0);
