// DescribeLogDirs: which partitions live in which log dir, their sizes, and each dir's total and
// usable bytes (statfs, as Java's FileStore total/usable space). The only place outside storage
// that looks at log dirs, and it only lists and stats them: a partition is in the dir holding its
// `<topic>-<partition>` directory (Kafka's layout). Memory storage reports one pseudo dir,
// "memory", with unknown (-1) capacity.
import fs from 'node:fs';
import path from 'node:path';
import type { BrokerConfig } from '../../config/config.js';
import type { Storage } from '../../storage/index.js';

export const MEMORY_LOG_DIR = 'memory';

export interface LogDirPartition {
  partition: number;
  size: number;
}

export interface LogDirInfo {
  logDir: string;
  error: 'NONE' | 'KAFKA_STORAGE_ERROR';
  /** Every topic with a partition in the dir, with the partitions `wanted` selects. */
  topics: Map<string, LogDirPartition[]>;
  totalBytes: bigint;
  usableBytes: bigint;
}

export async function describeLogDirs(
  svc: { config: BrokerConfig; storage: Storage },
  wanted: (topic: string, partition: number) => boolean,
): Promise<LogDirInfo[]> {
  const { storage } = svc;
  const all = storage.listPartitions();
  const collect = (inDir: (topic: string, partition: number) => boolean) => {
    const topics = new Map<string, LogDirPartition[]>();
    for (const { topic, partition } of all) {
      if (!inDir(topic, partition)) continue;
      let list = topics.get(topic);
      if (!list) topics.set(topic, (list = []));
      const log = storage.getPartition(topic, partition);
      if (log && wanted(topic, partition)) list.push({ partition, size: log.size });
    }
    for (const list of topics.values()) list.sort((a, b) => a.partition - b.partition);
    return topics;
  };
  if (storage.kind === 'memory') {
    return [{ logDir: MEMORY_LOG_DIR, error: 'NONE', topics: collect(() => true), totalBytes: -1n, usableBytes: -1n }];
  }
  const dirs = [...new Set(svc.config.logDirs().map((d) => path.resolve(d)))];
  return Promise.all(
    dirs.map(async (logDir): Promise<LogDirInfo> => {
      try {
        const [names, st] = await Promise.all([fs.promises.readdir(logDir), fs.promises.statfs(logDir, { bigint: true })]);
        const here = new Set(names);
        return {
          logDir,
          error: 'NONE',
          topics: collect((t, p) => here.has(`${t}-${p}`)),
          totalBytes: st.blocks * st.bsize,
          usableBytes: st.bavail * st.bsize,
        };
      } catch {
        return { logDir, error: 'KAFKA_STORAGE_ERROR', topics: new Map(), totalBytes: -1n, usableBytes: -1n };
      }
    }),
  );
}
