// `kwasm start [server.properties] [--override key=value …]`, as Kafka's kafka-server-start.
// Precedence: defaults < properties file < KWASM_* environment < --override.
import { readFileSync } from 'node:fs';
import { configFromEnv, parseProperties } from '../config/properties.js';
import { ConfigurationError, startBroker } from '../broker/broker.js';

export async function runStart(file: string | undefined, overrides: string[]): Promise<void> {
  const fromFile = file ? parseProperties(readFileSync(file, 'utf8')) : new Map<string, string>();
  const fromEnv = configFromEnv(process.env);
  const fromFlags = new Map<string, string>();
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`kwasm: --override expects key=value, got "${o}"\n`);
      process.exit(2);
    }
    fromFlags.set(o.slice(0, eq).trim(), o.slice(eq + 1));
  }
  const merged = new Map([...fromFile, ...fromEnv, ...fromFlags]);
  let broker;
  try {
    broker = await startBroker({ config: merged });
  } catch (e) {
    if (e instanceof ConfigurationError) {
      process.stderr.write(`kwasm: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    broker.services.log.info({ signal }, 'shutting down');
    broker.close().then(
      () => process.exit(0),
      (err) => {
        broker.services.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
