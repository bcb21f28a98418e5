// WriteTxnMarkers (key 27), v0–1. Writes COMMIT/ABORT markers (control batches) for the given
// producers and partitions, as a transaction coordinator asks a partition leader to. kwasm's own
// coordinator writes its markers in-process; this API serves external tools and tests. A marker
// whose epoch is older than the producer's in that partition is rejected (INVALID_PRODUCER_EPOCH)
// rather than ending a later transaction; an ABORT marker records the aborted transaction in the
// partition's index; on __consumer_offsets the group coordinator then applies or drops the
// transaction's offsets. Unknown partitions answer UNKNOWN_TOPIC_OR_PARTITION.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.WriteTxnMarkers,
  minVersion: 0,
  maxVersion: 1,
  async handle(req, ctx) {
    const txn = ctx.broker.transactions;
    const markers = await Promise.all(
      req.markers.map(async (m) => ({
        producerId: m.producerId,
        topics: await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (p) => ({
                partitionIndex: p,
                errorCode: txn
                  ? (await txn.writeMarker({ producerId: m.producerId, producerEpoch: m.producerEpoch, commit: m.transactionResult, coordinatorEpoch: m.coordinatorEpoch }, t.name, p)).errorCode
                  : ErrorCode.COORDINATOR_NOT_AVAILABLE,
              })),
            ),
          })),
        ),
      })),
    );
    return { markers };
  },
});
