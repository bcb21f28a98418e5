// Structured logging (pino, JSON lines). Sensitive request fields are redacted by path.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'kwasm',
      level: opts.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: ['*.authBytes', '*.password', '*.saslAuthBytes', 'authBytes'], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    // Sync writes to stderr/stdout keep log lines ordered with crashes (kill -9 tests read them).
    (opts.destination as pino.DestinationStream | undefined) ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** A logger that drops everything (library use, tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
