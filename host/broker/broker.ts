// Assembles a broker: config → core → storage → metadata → topics → handlers → listeners.
// `startBroker` is the library entry point (`import { startBroker } from 'kwasm'`); the CLI's
// `kwasm start` calls it with the server.properties file and overrides.
import http from 'node:http';
import path from 'node:path';
import { BrokerConfig, type ConfigProblem } from '../config/config.js';
import { loadCore } from '../core/wasm.js';
import type { Core } from '../core/types.js';
import { createLogger, silentLogger, type Logger } from '../observability/log.js';
import { BrokerMetrics } from '../observability/metrics.js';
import { listenTcp, type TcpServer } from '../network/tcp.js';
import { FileStorage, MemoryStorage, type Storage } from '../storage/index.js';
import { nodeCodecs } from './codecs.js';
import type { Codecs } from './convert.js';
import { createDispatcher } from './dispatch.js';
import { FetchSessions } from './fetch-sessions.js';
import type { ApiHandler } from './handler.js';
import { ClusterMetadata, type BrokerEndpoint } from './metadata.js';
import { HANDLERS, handlerMap } from './registry.js';
import type { BrokerServices } from './services.js';
import { TopicManager } from './topics.js';
import { GroupService } from '../coordinator/group/runtime.js';
import { TransactionService } from '../coordinator/txn/runtime.js';
import { GroupTxnOffsets } from '../coordinator/txn/group-offsets.js';

export interface BrokerOptions {
  /** Kafka configuration keys (`log.dirs`, `num.partitions`, …), as in server.properties. */
  config?: Record<string, string | number | boolean> | Map<string, string>;
  /** Shortcut for kwasm.storage. Default 'file' (or 'memory' when no log.dirs is given to the library). */
  storage?: 'file' | 'memory';
  /** Shortcut for listeners=PLAINTEXT://127.0.0.1:<port>; 0 picks a free port. */
  port?: number;
  host?: string;
  /** A pino logger, or false for none. Default: JSON lines on stdout at kwasm.log.level. */
  logger?: Logger | false;
  handlers?: readonly ApiHandler[];
  core?: Core;
  codecs?: Codecs;
}

export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** host:port, for clients' bootstrap.servers. */
  readonly bootstrap: string;
  readonly services: BrokerServices;
  readonly metricsPort: number | null;
  close(): Promise<void>;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.key}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

export async function startBroker(opts: BrokerOptions = {}): Promise<RunningBroker> {
  const shortcuts: Record<string, string> = {};
  if (opts.storage) shortcuts['kwasm.storage'] = opts.storage;
  if (opts.port !== undefined) shortcuts['listeners'] = `PLAINTEXT://${opts.host ?? '127.0.0.1'}:${opts.port}`;
  const { config, problems } = BrokerConfig.from(opts.config ?? {}, shortcuts);
  const log = opts.logger === false ? silentLogger() : (opts.logger ?? createLogger({ level: config.get('kwasm.log.level') ?? 'info' }));
  for (const p of problems) {
    if (p.level === 'warn') log.warn({ key: p.key }, `config: ${p.message}`);
    else if (p.level === 'info') log.info({ key: p.key }, `config: ${p.message}`);
  }
  const errors = problems.filter((p) => p.level === 'error');
  if (errors.length > 0) throw new ConfigurationError(errors);

  const core = opts.core ?? loadCore();
  const metrics = new BrokerMetrics({ defaultMetrics: true });
  const nodeId = config.nodeId();
  const kind = config.get('kwasm.storage') === 'memory' ? 'memory' : 'file';
  const logDirs = config.logDirs().map((d) => path.resolve(d));
  const storageLog = {
    info: (o: Record<string, unknown>, m: string) => log.info(o, m),
    warn: (o: Record<string, unknown>, m: string) => log.warn(o, m),
    error: (o: Record<string, unknown>, m: string) => log.error(o, m),
  };

  const brokers: BrokerEndpoint[] = [];
  const metadata = kind === 'memory' ? ClusterMetadata.memory(nodeId, brokers) : ClusterMetadata.open(logDirs[0]!, nodeId, brokers, config.get('cluster.id'));
  // Dynamic broker configs: the cluster default, then this node's own on top.
  for (const [k, v] of [...metadata.brokerConfigs, ...metadata.nodeConfigs]) config.setDynamic(k, v);

  let topicsRef: TopicManager | undefined;
  const topicConfig = (topic: string) => topicsRef?.logConfig(topic);
  const storage: Storage =
    kind === 'memory'
      ? new MemoryStorage({ core, logger: storageLog })
      : new FileStorage({ logDirs, core, logger: storageLog, topicConfig, maintenanceIntervalMs: 0 }); // the broker's tick below runs maintenance
  const report = await storage.open();
  log.info({ storage: kind, logDirs: kind === 'file' ? logDirs : undefined, partitions: report.partitions, clean: report.clean, durationMs: report.durationMs }, 'storage opened');
  for (const r of report.recovered) {
    if (r.truncatedBytes > 0) log.warn({ ...r, logEndOffset: String(r.logEndOffset) }, 'recovery truncated a partition');
  }

  const topics = new TopicManager(config, metadata, storage, log);
  topicsRef = topics;
  await topics.open();

  const codecs = opts.codecs ?? nodeCodecs();
  const groups = new GroupService({ config, topics, core, codecs, log, now: () => Date.now() });
  // Offsets committed in transactions: held until their marker, also while __consumer_offsets is replayed.
  const txnOffsets = new GroupTxnOffsets(groups, { core, topics, now: () => Date.now() });
  groups.transactionalBatches = (p, batch, bytes) => txnOffsets.replayBatch(p, batch, bytes);
  await groups.load();
  txnOffsets.loaded();
  metrics.consumerLagSource = () => groups.lag();
  const transactions = new TransactionService({ config, topics, core, log, now: () => Date.now(), allocateProducerId: () => metadata.allocateProducerId(), registry: metrics.registry });
  transactions.setGroupParticipant(txnOffsets);
  await transactions.load();

  const handlers = handlerMap(opts.handlers ?? HANDLERS);
  const services: BrokerServices = {
    config,
    metadata,
    topics,
    storage,
    core,
    log,
    metrics,
    handlers,
    codecs,
    groups,
    transactions,
    fetchSessions: new FetchSessions(config.int('max.incremental.fetch.session.cache.slots')),
    now: () => Date.now(),
    waitForData: (partitions, ms) =>
      new Promise<void>((resolve) => {
        const unsubs: Array<() => void> = [];
        const done = () => {
          clearTimeout(timer);
          for (const u of unsubs) u();
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        for (const p of partitions) {
          const l = storage.getPartition(p.topic, p.partition);
          if (l) unsubs.push(l.onAppend(done));
        }
      }),
  };

  const dispatcher = createDispatcher(services);
  const servers: TcpServer[] = [];
  const listeners = config.listeners();
  const advertised = config.advertisedListeners();
  try {
    for (const l of listeners) {
      if (l.securityProtocol !== 'PLAINTEXT') throw new ConfigurationError([{ level: 'error', key: 'listeners', message: `${l.securityProtocol} listeners are not supported yet` }]);
      const srv = await listenTcp(dispatcher, {
        host: l.host || '0.0.0.0',
        port: l.port,
        listener: l.name,
        maxFrameBytes: config.int('socket.request.max.bytes'),
        idleTimeoutMs: config.long('connections.max.idle.ms'),
        onConnection: () => metrics.connections.inc(),
        onClose: (_c, reason) => {
          metrics.connections.dec();
          if (reason && !(reason instanceof Error)) log.warn({ reason }, 'closed connection on a bad frame');
        },
        onError: (err, c) => log.error({ err, conn: c.id, remote: c.remoteAddress }, 'request failed; connection closed'),
      });
      servers.push(srv);
      const adv = advertised.find((a) => a.name === l.name) ?? l;
      const host = adv.host && adv.host !== '0.0.0.0' && adv.host !== '::' ? adv.host : '127.0.0.1';
      if (brokers.length === 0) brokers.push({ nodeId, host, port: adv.port === 0 || adv === l ? srv.port : adv.port, rack: null });
    }
  } catch (e) {
    for (const s of servers) await s.close();
    await storage.close();
    throw e;
  }

  metrics.partitionSource = function* () {
    for (const tp of storage.listPartitions()) {
      const l = storage.getPartition(tp.topic, tp.partition);
      if (l) yield { topic: tp.topic, partition: tp.partition, size: l.size, logStartOffset: l.logStartOffset, logEndOffset: l.logEndOffset };
    }
  };
  const retentionCheck = Math.min(config.long('log.retention.check.interval.ms'), 10_000);
  let maintaining = false;
  const timer = setInterval(() => {
    if (maintaining) return;
    maintaining = true;
    storage
      .maintenance()
      .catch((err) => log.error({ err }, 'maintenance failed'))
      .finally(() => (maintaining = false));
  }, retentionCheck);
  timer.unref();

  let metricsServer: http.Server | null = null;
  let metricsPort: number | null = null;
  const metricsListener = config.get('kwasm.metrics.listener');
  if (metricsListener) {
    const [mh, mp] = splitHostPort(metricsListener);
    metricsServer = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        metrics.text().then(
          (text) => {
            res.writeHead(200, { 'content-type': metrics.registry.contentType });
            res.end(text);
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve, reject) => metricsServer!.once('error', reject).listen(mp, mh, () => resolve()));
    metricsPort = (metricsServer.address() as { port: number }).port;
  }

  const first = brokers[0]!;
  log.info({ nodeId, clusterId: metadata.clusterId, listeners: servers.map((s) => s.port), advertised: `${first.host}:${first.port}`, metricsPort }, 'kwasm broker started');

  let closing: Promise<void> | null = null;
  return {
    host: first.host,
    port: first.port,
    bootstrap: `${first.host}:${first.port}`,
    services,
    metricsPort,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        for (const s of servers) await s.close();
        if (metricsServer) await new Promise<void>((r) => metricsServer!.close(() => r()));
        await transactions.close();
        await groups.close();
        await storage.close();
        log.info({ nodeId }, 'kwasm broker stopped');
      })();
      return closing;
    },
  };
}

function splitHostPort(s: string): [string, number] {
  const m = /^(?:https?:\/\/)?(\[[^\]]+\]|[^:]+):(\d+)$/.exec(s.trim());
  if (!m) throw new ConfigurationError([{ level: 'error', key: 'kwasm.metrics.listener', message: `expected host:port, got "${s}"` }]);
  return [m[1]!.replace(/^\[|\]$/g, ''), Number(m[2])];
}
