// `kwasm topics`, like kafka-topics.sh: --create, --list, --describe, --alter, --delete.
// Output follows Kafka 3.x's TopicCommand (Created topic X., the describe layout); --topic is a
// regular expression for list/describe/alter/delete, as Kafka's IncludeList.
import type { Command } from 'commander';
import { Admin, ResourceType, type ConfigEntry } from '../client/admin.js';
import type { TopicInfo } from '../client/cluster.js';
import { KafkaClientError } from '../client/connection.js';
import { ErrorCode } from '../protocol/generated/errors.js';
import { ApiKey } from '../protocol/generated/index.js';
import { collectPairs, fail, intOption, parsePairs, UsageError } from './tool-util.js';

interface TopicsOptions {
  bootstrapServer?: string;
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  config: string[];
  deleteConfig: string[];
  ifExists?: boolean;
  ifNotExists?: boolean;
  excludeInternal?: boolean;
}

export function registerTopics(program: Command): void {
  program
    .command('topics')
    .description('create, list, describe, alter and delete topics (like kafka-topics.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to')
    .option('--create', 'create a topic')
    .option('--list', 'list topics')
    .option('--describe', 'describe topics')
    .option('--alter', 'add partitions or change configs of a topic')
    .option('--delete', 'delete topics')
    .option('--topic <topic>', 'topic name (a regular expression for list, describe, alter, delete)')
    .option('--partitions <n>', 'partition count (create; alter raises it)', intOption)
    .option('--replication-factor <n>', 'replication factor (create)', intOption)
    .option('--config <key=value...>', 'topic config override (create, alter; repeatable)', collectPairs, [])
    .option('--delete-config <key...>', 'remove a topic config override (alter; repeatable)', collectPairs, [])
    .option('--if-exists', 'alter/delete/describe only if the topic exists')
    .option('--if-not-exists', 'create only if the topic does not exist')
    .option('--exclude-internal', 'leave internal topics out of list and describe')
    .action(async (o: TopicsOptions) => {
      try {
        await runTopics(o);
      } catch (e) {
        fail('Error while executing topic command : ', e);
      }
    });
}

async function runTopics(o: TopicsOptions): Promise<void> {
  const actions = (['create', 'list', 'describe', 'alter', 'delete'] as const).filter((a) => o[a]);
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  const action = actions[0]!;
  if (action !== 'list' && action !== 'describe' && !o.topic) throw new UsageError(`--topic is required with --${action}`);
  const admin = new Admin(o.bootstrapServer!);
  try {
    switch (action) {
      case 'create':
        return await create(admin, o);
      case 'list':
        return await list(admin, o);
      case 'describe':
        return await describe(admin, o);
      case 'alter':
        return await alter(admin, o);
      case 'delete':
        return await remove(admin, o);
    }
  } finally {
    await admin.close();
  }
}

function matcher(topic: string | undefined): (name: string) => boolean {
  if (topic === undefined) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${topic})$`);
  } catch {
    return (name) => name === topic;
  }
  return (name) => re.test(name);
}

async function matching(admin: Admin, o: TopicsOptions): Promise<TopicInfo[]> {
  const match = matcher(o.topic);
  return (await admin.listTopics(!o.excludeInternal)).filter((t) => match(t.name));
}

async function create(admin: Admin, o: TopicsOptions): Promise<void> {
  const configs = Object.fromEntries(parsePairs(o.config, '--config'));
  const [r] = await admin.createTopics([{ name: o.topic!, numPartitions: o.partitions ?? -1, replicationFactor: o.replicationFactor ?? -1, configs }]);
  if (!r) throw new KafkaClientError('BAD_RESPONSE', 'CreateTopics: empty response');
  if (r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && o.ifNotExists) return;
  if (r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) throw new KafkaClientError('TOPIC_ALREADY_EXISTS', `Topic '${o.topic}' already exists.`);
  if (r.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(r.errorCode, `Topic '${o.topic}'`, r.errorMessage);
  process.stdout.write(`Created topic ${o.topic}.\n`);
}

async function list(admin: Admin, o: TopicsOptions): Promise<void> {
  const topics = await matching(admin, o);
  process.stdout.write(topics.map((t) => `${t.name}\n`).join(''));
}

async function describe(admin: Admin, o: TopicsOptions): Promise<void> {
  const topics = await matching(admin, o);
  if (topics.length === 0 && o.topic !== undefined && !o.ifExists) throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${o.topic}' does not exist as expected`);
  const conn = await admin.cluster.connection();
  const withConfigs = conn.supports(ApiKey.DescribeConfigs);
  const lines: string[] = [];
  for (const t of topics) {
    let configs: ConfigEntry[] = [];
    if (withConfigs) configs = (await admin.describeConfigs(ResourceType.TOPIC, t.name)).filter((c) => !c.isDefault && !c.isSensitive);
    const rf = t.partitions[0]?.replicas.length ?? 0;
    lines.push(
      `Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs.map((c) => `${c.name}=${c.value ?? ''}`).join(',')}`,
    );
    for (const p of t.partitions) {
      const leader = p.leader < 0 ? 'none' : String(p.leader);
      lines.push(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
    }
  }
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
}

async function alter(admin: Admin, o: TopicsOptions): Promise<void> {
  const topics = await matching(admin, o);
  if (topics.length === 0) {
    if (o.ifExists) return;
    throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${o.topic}' does not exist as expected`);
  }
  const changes: Record<string, string | null> = Object.fromEntries(parsePairs(o.config, '--config'));
  for (const k of o.deleteConfig) changes[k] = null;
  if (o.partitions === undefined && Object.keys(changes).length === 0) throw new UsageError('--alter needs --partitions, --config or --delete-config');
  for (const t of topics) {
    if (o.partitions !== undefined) {
      const [r] = await admin.createPartitions([{ name: t.name, count: o.partitions }]);
      if (r && r.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(r.errorCode, `Topic '${t.name}'`, r.errorMessage);
    }
    if (Object.keys(changes).length > 0) await admin.alterConfigs(ResourceType.TOPIC, t.name, changes);
  }
}

async function remove(admin: Admin, o: TopicsOptions): Promise<void> {
  const topics = (await matching(admin, o)).filter((t) => !t.isInternal);
  if (topics.length === 0) {
    if (o.ifExists) return;
    throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${o.topic}' does not exist as expected`);
  }
  const results = await admin.deleteTopics(topics.map((t) => t.name));
  for (const r of results) {
    if (r.errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(r.errorCode, `Topic '${r.name}'`, r.errorMessage);
  }
}
