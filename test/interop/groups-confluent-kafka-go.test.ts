import { goBinary } from './harness.js';
import { groupsSuite } from './groups-suite.js';

groupsSuite({
  name: 'confluent-kafka-go',
  command: async () => (await goBinary('groups-confluent-kafka-go')).path,
  args: (bootstrap, group, topic, session) => [bootstrap, group, topic, String(session)],
  sessionMs: 3000,
});
