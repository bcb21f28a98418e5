import { goBinary } from './harness.js';
import { groupsSuite } from './groups-suite.js';

groupsSuite({
  name: 'sarama',
  command: async () => (await goBinary('groups-sarama')).path,
  args: (bootstrap, group, topic, session) => [bootstrap, group, topic, String(session)],
  sessionMs: 3000,
});
