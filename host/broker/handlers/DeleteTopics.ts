// DeleteTopics (key 20), v0–6 (v0 is deprecated in Kafka, kept for old clients). By name, or
// from v6 by topic id. Deletion removes the metadata at once and the partitions' files right
// after; fetch sessions forget the topic.
import { ApiKey } from '../../protocol/generated/index.js';
import { ZERO_UUID } from '../../protocol/uuid.js';
import { ErrorCode, errorMessage, kafkaErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(req, ctx) {
    const { topics, fetchSessions } = ctx.broker;
    const wanted =
      ctx.apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses = [];
    for (const w of wanted) {
      let name = w.name;
      if (name === null || name === '') {
        const t = w.topicId === ZERO_UUID ? undefined : topics.byId(w.topicId);
        if (!t) {
          responses.push({ name: null, topicId: w.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: null });
          continue;
        }
        name = t.name;
      }
      try {
        const t = await topics.delete(name);
        fetchSessions.forgetTopic(name);
        responses.push({ name, topicId: t.id, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (e) {
        responses.push({ name, topicId: w.topicId, errorCode: kafkaErrorCode(e), errorMessage: errorMessage(e) });
      }
    }
    return { responses };
  },
});
