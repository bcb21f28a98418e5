import { goBinary } from './harness.js';
import { groupsSuite } from './groups-suite.js';

groupsSuite({
  name: 'kafka-go',
  command: async () => (await goBinary('groups-kafka-go')).path,
  args: (bootstrap, group, topic, session) => [bootstrap, group, topic, String(session)],
  sessionMs: 3000,
});
