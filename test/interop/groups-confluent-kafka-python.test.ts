import { PYTHON, SCRIPTS } from './harness.js';
import { groupsSuite } from './groups-suite.js';

groupsSuite({
  name: 'confluent-kafka-python',
  command: PYTHON,
  args: (bootstrap, group, topic, session) => [`${SCRIPTS}/group_consumer.py`, 'confluent', bootstrap, group, topic, String(session)],
  sessionMs: 3000,
});
