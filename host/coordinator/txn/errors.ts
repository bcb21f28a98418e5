// Error codes of the transaction APIs as each request version may carry them. Newer codes reach only
// the versions that introduced them, as in Kafka: PRODUCER_FENCED (InitProducerId v4,
// AddPartitionsToTxn v2, AddOffsetsToTxn v2, EndTxn v2; older versions get INVALID_PRODUCER_EPOCH)
// and TRANSACTION_ABORTABLE (KIP-890: InitProducerId v5, AddPartitionsToTxn v5, AddOffsetsToTxn v4,
// EndTxn v4, TxnOffsetCommit v4, Produce v11; older versions get INVALID_TXN_STATE).
import { ErrorCode } from '../../protocol/generated/errors.js';

export function forVersion(code: number, version: number, since: { fenced: number; abortable: number }): number {
  if (code === ErrorCode.PRODUCER_FENCED && version < since.fenced) return ErrorCode.INVALID_PRODUCER_EPOCH;
  if (code === ErrorCode.TRANSACTION_ABORTABLE && version < since.abortable) return ErrorCode.INVALID_TXN_STATE;
  return code;
}

/**
 * A transactional Produce whose partition failed verification (KIP-890 part 1): the code and message
 * Kafka answers. Retriable coordinator states become NOT_ENOUGH_REPLICAS so that older clients
 * retry the batch without refreshing metadata.
 */
export function produceVerificationError(code: number, version: number): { code: number; message: string } {
  switch (code) {
    case ErrorCode.CONCURRENT_TRANSACTIONS:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      return { code: ErrorCode.NOT_ENOUGH_REPLICAS, message: `Unable to verify the partition has been added to the transaction. Underlying error: ${nameOf(code)}` };
    case ErrorCode.PRODUCER_FENCED:
      return { code: ErrorCode.INVALID_PRODUCER_EPOCH, message: 'Producer epoch is older than the transaction coordinator\'s: the producer was fenced' };
    case ErrorCode.TRANSACTION_ABORTABLE:
      return version >= 11
        ? { code, message: 'Partition was not added to the transaction' }
        : { code: ErrorCode.INVALID_TXN_STATE, message: 'Partition was not added to the transaction' };
    case ErrorCode.INVALID_TXN_STATE:
      return { code, message: 'Partition was not added to the transaction' };
    default:
      return { code, message: nameOf(code) };
  }
}

const NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

export function nameOf(code: number): string {
  return NAMES.get(code) ?? `ERROR_${code}`;
}
