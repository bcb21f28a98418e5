// `kwasm transactions`, like kafka-transactions.sh: list, describe, describe-producers and abort
// (a hanging transaction, by its start offset or by producer id, epoch and coordinator epoch).
// Tables are printed as Kafka's tools print them: every cell padded to its column's width and
// followed by a tab; "None" where a value is unknown.
import type { Command } from 'commander';
import { TransactionsAdmin, type AbortSpec } from '../client/transactions.js';
import { fail, intOption, UsageError } from './tool-util.js';

interface Common {
  bootstrapServer: string;
}

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!) + '\t').join('') + '\n';
  return line(headers) + rows.map(line).join('');
}

function bigOption(v: string): bigint {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`expected an integer, got "${v}"`);
  return BigInt(v);
}

async function withAdmin<T>(o: Common, prefix: string, fn: (a: TransactionsAdmin) => Promise<T>): Promise<void> {
  const admin = new TransactionsAdmin(o.bootstrapServer, { clientId: 'kwasm-transactions' });
  try {
    await fn(admin);
  } catch (e) {
    fail(prefix, e);
  } finally {
    await admin.close();
  }
}

export function registerTransactions(program: Command): void {
  const cmd = program
    .command('transactions')
    .description('list, describe and abort transactions (like kafka-transactions.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to');
  const common = (c: Command) => c.optsWithGlobals() as Common;

  cmd
    .command('list')
    .description('list transactions')
    .option('--duration-filter <ms>', 'only transactions running longer than this (ms)', bigOption)
    .action(async (o: { durationFilter?: bigint }, c: Command) => {
      await withAdmin(common(c), 'Failed to list transactions: ', async (admin) => {
        const list = await admin.listTransactions({ durationMs: o.durationFilter });
        const rows = list.map((t) => [t.transactionalId, String(t.coordinatorId), String(t.producerId), t.state]);
        process.stdout.write(table(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'], rows));
      });
    });

  cmd
    .command('describe')
    .description('describe the state of an active transactional-id')
    .requiredOption('--transactional-id <id>', 'transactional id')
    .action(async (o: { transactionalId: string }, c: Command) => {
      await withAdmin(common(c), `Failed to describe transaction state of transactional-id \`${o.transactionalId}\`: `, async (admin) => {
        const d = await admin.describeTransaction(o.transactionalId);
        const started = d.transactionStartTimeMs >= 0n;
        const row = [
          String(d.coordinatorId),
          d.transactionalId,
          String(d.producerId),
          String(d.producerEpoch),
          d.state,
          String(d.transactionTimeoutMs),
          started ? String(d.transactionStartTimeMs) : 'None',
          started ? String(BigInt(Date.now()) - d.transactionStartTimeMs) : 'None',
          d.topicPartitions.map((p) => `${p.topic}-${p.partition}`).join(','),
        ];
        const headers = ['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions'];
        process.stdout.write(table(headers, [row]));
      });
    });

  cmd
    .command('describe-producers')
    .description('describe the states of active producers for a topic partition')
    .requiredOption('--topic <topic>', 'topic name')
    .requiredOption('--partition <n>', 'partition number', intOption)
    .action(async (o: { topic: string; partition: number }, c: Command) => {
      await withAdmin(common(c), `Failed to describe producers for partition ${o.topic}-${o.partition} on leader: `, async (admin) => {
        const ps = await admin.describeProducers(o.topic, o.partition);
        const rows = ps.map((p) => [
          String(p.producerId),
          String(p.producerEpoch),
          String(p.coordinatorEpoch),
          String(p.lastSequence),
          String(p.lastTimestamp),
          p.currentTxnStartOffset >= 0n ? String(p.currentTxnStartOffset) : 'None',
        ]);
        process.stdout.write(table(['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset'], rows));
      });
    });

  cmd
    .command('abort')
    .description('abort a hanging transaction (writes an ABORT marker to the partition)')
    .requiredOption('--topic <topic>', 'topic name')
    .requiredOption('--partition <n>', 'partition number', intOption)
    .option('--start-offset <offset>', 'start offset of the transaction to abort', bigOption)
    .option('--producer-id <id>', 'producer id', bigOption)
    .option('--producer-epoch <epoch>', 'producer epoch', intOption)
    .option('--coordinator-epoch <epoch>', 'coordinator epoch', intOption)
    .action(async (o: { topic: string; partition: number; startOffset?: bigint; producerId?: bigint; producerEpoch?: number; coordinatorEpoch?: number }, c: Command) => {
      await withAdmin(common(c), '', async (admin) => {
        let spec: AbortSpec | null;
        if (o.startOffset === undefined && o.producerId === undefined) {
          throw new UsageError('The transaction to abort must be identified either with --start-offset or with --producer-id, --producer-epoch, and --coordinator-epoch');
        }
        if (o.startOffset !== undefined) {
          spec = await admin.abortSpecAt(o.topic, o.partition, o.startOffset);
          if (!spec) throw new UsageError(`Could not find any open transactions starting at offset ${o.startOffset} on partition ${o.topic}-${o.partition}`);
        } else {
          if (o.producerEpoch === undefined) throw new UsageError('Missing required argument --producer-epoch');
          if (o.coordinatorEpoch === undefined) throw new UsageError('Missing required argument --coordinator-epoch');
          spec = { topic: o.topic, partition: o.partition, producerId: o.producerId!, producerEpoch: o.producerEpoch, coordinatorEpoch: Math.max(0, o.coordinatorEpoch) };
        }
        try {
          await admin.abortTransaction(spec);
        } catch (e) {
          throw Object.assign(e as Error, {
            message: `Failed to abort transaction {topicPartition=${spec.topic}-${spec.partition}, producerId=${spec.producerId}, producerEpoch=${spec.producerEpoch}, coordinatorEpoch=${spec.coordinatorEpoch}}: ${(e as Error).message}`,
          });
        }
      });
    });
}
