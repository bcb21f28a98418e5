// KIP-890 part 1 on the Produce path: a transactional batch is appended only if its partition is in
// its producer's ongoing transaction, as the transaction coordinator knows it. The check runs inside
// the log's append (AppendOptions.verify), in the same synchronous step that assigns the offsets, so
// no marker can slip in between. A late write from a transaction that has ended (or a write to a
// partition never added) is rejected instead of joining the next transaction.
import { Attr, type BatchDescriptor } from '../../core/types.js';
import { KafkaError } from '../../broker/errors.js';
import { ErrorCode } from '../../protocol/generated/errors.js';
import { nameOf, produceVerificationError } from './errors.js';
import type { TransactionService } from './runtime.js';

export function produceVerifier(
  txn: TransactionService | undefined,
  transactionalId: string | null,
  topic: string,
  partition: number,
  apiVersion: number,
): ((batches: readonly BatchDescriptor[]) => void) | undefined {
  if (!txn || !txn.verificationEnabled) return undefined;
  return (batches) => {
    for (const d of batches) {
      if ((d.attributes & Attr.TRANSACTIONAL) === 0 || (d.attributes & Attr.CONTROL) !== 0) continue;
      if (transactionalId === null) {
        throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'transactional records need the transactional id in the produce request');
      }
      const code = txn.coordinator.verifyPartition(transactionalId, d.producerId, d.producerEpoch, topic, partition);
      if (code !== ErrorCode.NONE) {
        const e = produceVerificationError(code, apiVersion);
        throw new KafkaError(nameOf(e.code) as keyof typeof ErrorCode, e.message);
      }
    }
  };
}
