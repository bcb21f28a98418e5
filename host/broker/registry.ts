// The one registry of API handlers, in API key order. ApiVersions is computed from it, and the
// README's compatibility table is generated from it (npm run docs:apis).
import type { ApiHandler } from './handler.js';
import Produce from './handlers/Produce.js';
import Fetch from './handlers/Fetch.js';
import ListOffsets from './handlers/ListOffsets.js';
import Metadata from './handlers/Metadata.js';
import OffsetCommit from './handlers/OffsetCommit.js';
import OffsetFetch from './handlers/OffsetFetch.js';
import FindCoordinator from './handlers/FindCoordinator.js';
import JoinGroup from './handlers/JoinGroup.js';
import Heartbeat from './handlers/Heartbeat.js';
import LeaveGroup from './handlers/LeaveGroup.js';
import SyncGroup from './handlers/SyncGroup.js';
import DescribeGroups from './handlers/DescribeGroups.js';
import ListGroups from './handlers/ListGroups.js';
import DeleteGroups from './handlers/DeleteGroups.js';
import OffsetDelete from './handlers/OffsetDelete.js';
import ConsumerGroupHeartbeat from './handlers/ConsumerGroupHeartbeat.js';
import ConsumerGroupDescribe from './handlers/ConsumerGroupDescribe.js';
import ApiVersions from './handlers/ApiVersions.js';
import CreateTopics from './handlers/CreateTopics.js';
import DeleteTopics from './handlers/DeleteTopics.js';
import InitProducerId from './handlers/InitProducerId.js';
import DescribeConfigs from './handlers/DescribeConfigs.js';
import AlterConfigs from './handlers/AlterConfigs.js';
import IncrementalAlterConfigs from './handlers/IncrementalAlterConfigs.js';
import CreatePartitions from './handlers/CreatePartitions.js';
import DeleteRecords from './handlers/DeleteRecords.js';
import OffsetForLeaderEpoch from './handlers/OffsetForLeaderEpoch.js';
import DescribeCluster from './handlers/DescribeCluster.js';
import DescribeProducers from './handlers/DescribeProducers.js';
import DescribeTopicPartitions from './handlers/DescribeTopicPartitions.js';
import DescribeLogDirs from './handlers/DescribeLogDirs.js';
import AddPartitionsToTxn from './handlers/AddPartitionsToTxn.js';
import AddOffsetsToTxn from './handlers/AddOffsetsToTxn.js';
import EndTxn from './handlers/EndTxn.js';
import WriteTxnMarkers from './handlers/WriteTxnMarkers.js';
import TxnOffsetCommit from './handlers/TxnOffsetCommit.js';
import DescribeTransactions from './handlers/DescribeTransactions.js';
import ListTransactions from './handlers/ListTransactions.js';

export const HANDLERS: readonly ApiHandler[] = [
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  DeleteRecords,
  InitProducerId,
  OffsetForLeaderEpoch,
  AddPartitionsToTxn,
  AddOffsetsToTxn,
  EndTxn,
  WriteTxnMarkers,
  TxnOffsetCommit,
  DescribeConfigs,
  AlterConfigs,
  DescribeLogDirs,
  CreatePartitions,
  DeleteGroups,
  IncrementalAlterConfigs,
  OffsetDelete,
  DescribeCluster,
  DescribeProducers,
  DescribeTransactions,
  ListTransactions,
  ConsumerGroupHeartbeat,
  ConsumerGroupDescribe,
  DescribeTopicPartitions,
] as readonly ApiHandler[];

export function handlerMap(list: readonly ApiHandler[] = HANDLERS): Map<number, ApiHandler> {
  const m = new Map<number, ApiHandler>();
  for (const h of list) {
    if (m.has(h.apiKey)) throw new Error(`two handlers for API key ${h.apiKey}`);
    m.set(h.apiKey, h);
  }
  return m;
}
