#!/usr/bin/env node
// The kwasm command line, in the style of Kafka's tools.
import { Command } from 'commander';
import { registerTopics } from './topics.js';
import { registerConsoleProducer } from './console-producer.js';
import { registerConsoleConsumer } from './console-consumer.js';
import { registerPerf } from './perf.js';
import { registerTransactions } from './transactions.js';
import { registerGroups } from './groups.js';

const program = new Command();
program.name('kwasm').description('kwasm: a Kafka-compatible broker with a WebAssembly core');

program
  .command('start')
  .description('start a broker (like kafka-server-start)')
  .argument('[server.properties]', 'a Kafka server.properties file')
  .option('--override <key=value>', 'set a config key (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .action(async (file: string | undefined, o: { override: string[] }) => {
    // Loaded on use: the client tools start without loading the broker.
    const { runStart } = await import('./start.js');
    await runStart(file, o.override);
  });

registerTopics(program);
registerConsoleProducer(program);
registerConsoleConsumer(program);
registerPerf(program);
registerTransactions(program);
registerGroups(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`kwasm: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
