// Host errors → Kafka error codes. Storage and coordinator errors carry a stable string `code`
// named after the Kafka error they map to, so the mapping is by name.
import { ErrorCode } from '../protocol/generated/errors.js';

export { ErrorCode };

export function kafkaErrorCode(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in ErrorCode) return ErrorCode[code as keyof typeof ErrorCode];
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An error a broker subsystem raises on purpose, with the Kafka error to answer. */
export class KafkaError extends Error {
  constructor(
    readonly code: keyof typeof ErrorCode,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'KafkaError';
  }
}
