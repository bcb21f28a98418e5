import { SCRIPTS } from './harness.js';
import { groupsSuite } from './groups-suite.js';

groupsSuite({
  name: 'kafkajs',
  command: process.execPath,
  args: (bootstrap, group, topic, session) => [`${SCRIPTS}/group_consumer.mjs`, 'kafkajs', bootstrap, group, topic, String(session)],
  sessionMs: 3000,
});
