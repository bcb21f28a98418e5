import { SCRIPTS } from './harness.js';
import { groupsSuite } from './groups-suite.js';

// The classic protocol, and the consumer group protocol of KIP-848 (groupProtocol: 'consumer'),
// whose assignment the broker computes.
groupsSuite({
  name: 'platformatic-kafka',
  command: process.execPath,
  args: (bootstrap, group, topic, session) => [`${SCRIPTS}/group_consumer.mjs`, 'platformatic', bootstrap, group, topic, String(session)],
  sessionMs: 3000,
});

groupsSuite({
  name: 'platformatic-kafka-kip848',
  command: process.execPath,
  args: (bootstrap, group, topic, session) => [`${SCRIPTS}/group_consumer.mjs`, 'platformatic-consumer', bootstrap, group, topic, String(session)],
  sessionMs: 3000,
  groupType: 'consumer',
});
