// Host errors raised by the storage engine. `code` is a stable string equal to the name of the
// Kafka error the broker answers with (see errors.json), so the mapping is by name, not by table.

export type StorageErrorCode =
  /** A batch failed validation by the WASM core (CRC, length, magic, count, control flags). */
  | 'CORRUPT_MESSAGE'
  /** Disk I/O failed (ENOSPC, EIO, fsync error) or the partition is offline after such a failure. */
  | 'KAFKA_STORAGE_ERROR'
  /** The requested offset is outside [logStartOffset, logEndOffset]. */
  | 'OFFSET_OUT_OF_RANGE'
  /** One batch is larger than max.message.bytes. */
  | 'MESSAGE_TOO_LARGE'
  /** The records are not v2 batches, or an empty record set was appended. */
  | 'INVALID_RECORD'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'TOPIC_ALREADY_EXISTS'
  /** Idempotent producer: sequence gap or reordering. */
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER'
  /** Idempotent producer: a batch from an older epoch than the partition has seen. */
  | 'INVALID_PRODUCER_EPOCH'
  /** Idempotent producer: non-zero sequence from a producer id the partition does not know. */
  | 'UNKNOWN_PRODUCER_ID'
  /** Misuse of the API by the caller (bad argument); not a Kafka error the client should see. */
  | 'INVALID_REQUEST';

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isStorageError(e: unknown, code?: StorageErrorCode): e is StorageError {
  return e instanceof StorageError && (code === undefined || e.code === code);
}

/** Wraps an I/O failure as KAFKA_STORAGE_ERROR, keeping the errno code in details. */
export function ioError(what: string, cause: unknown): StorageError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new StorageError('KAFKA_STORAGE_ERROR', `${what}: ${errno ?? (cause as Error)?.message ?? String(cause)}`, {
    cause,
    details: errno ? { errno } : undefined,
  });
}
