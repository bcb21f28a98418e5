// DescribeLogDirs (key 35), v0–4. Per log dir: every topic with partitions there, listing the
// requested partitions (all when topics is null) with their size in bytes, offsetLag 0 (the
// leader's own log) and isFutureKey false (no replica moves); a dir that cannot be read answers
// KAFKA_STORAGE_ERROR. Memory storage reports one pseudo dir (admin/log-dirs.ts).
// Version notes: v1 is the same as v0; v2 is flexible; v3 adds the top-level errorCode; v4 adds
// totalBytes and usableBytes of each dir's file system.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';
import { describeLogDirs } from '../admin/log-dirs.js';

export default defineHandler({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const dirs = await describeLogDirs(ctx.broker, (topic, partition) => wanted === null || wanted.get(topic)?.has(partition) === true);
    return {
      errorCode: ErrorCode.NONE,
      results: dirs.map((d) => ({
        errorCode: ErrorCode[d.error],
        logDir: d.logDir,
        topics: [...d.topics].map(([name, parts]) => ({
          name,
          partitions: parts.map((p) => ({ partitionIndex: p.partition, partitionSize: BigInt(p.size), offsetLag: 0n, isFutureKey: false })),
        })),
        ...(v >= 4 ? { totalBytes: d.totalBytes, usableBytes: d.usableBytes } : {}),
      })),
    };
  },
});
