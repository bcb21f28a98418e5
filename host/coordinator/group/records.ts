// The records the group coordinator writes to __consumer_offsets, in Kafka's formats
// (coordinator-records/*.json, encoded by the generated codecs):
//
//   key type 1  OffsetCommitKey {group, topic, partition}   value OffsetCommitValue v3 (v1 when the
//               commit carried a retention time: it holds expireTimestamp)
//   key type 2  GroupMetadataKey {group}                     value GroupMetadataValue v3 (classic)
//   key type 3  ConsumerGroupMetadataKey                     value ConsumerGroupMetadataValue v0 (KIP-848 epoch)
//   key type 4  ConsumerGroupPartitionMetadataKey            value …PartitionMetadataValue v0 (subscribed topics)
//   key type 5  ConsumerGroupMemberMetadataKey {group, member}  value …MemberMetadataValue v0
//   key type 6  ConsumerGroupTargetAssignmentMetadataKey     value …TargetAssignmentMetadataValue v0
//   key type 7  ConsumerGroupTargetAssignmentMemberKey       value …TargetAssignmentMemberValue v0
//   key type 8  ConsumerGroupCurrentMemberAssignmentKey      value …CurrentMemberAssignmentValue v0
//
// A null value is a tombstone (compaction drops the key). Keys of types 0 (OffsetCommitKey v0) and
// higher than 8 (share groups) are decoded and ignored on replay.
import {
  decodeCoordinatorRecord,
  encodeCoordinatorKey,
  encodeCoordinatorValue,
} from '../../protocol/coordinator.js';
import type {
  ConsumerGroupCurrentMemberAssignmentValue,
  ConsumerGroupMemberMetadataValue,
  ConsumerGroupMetadataValue,
  ConsumerGroupPartitionMetadataValue,
  ConsumerGroupTargetAssignmentMemberValue,
  ConsumerGroupTargetAssignmentMetadataValue,
  GroupMetadataValue,
  OffsetCommitValue,
} from '../../protocol/generated/coordinator/index.js';
import type { Init } from '../../protocol/types.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

export type GroupRecord =
  | { kind: 'offset'; groupId: string; topic: string; partition: number; value: Init<OffsetCommitValue> | null }
  | { kind: 'group'; groupId: string; value: Init<GroupMetadataValue> | null }
  | { kind: 'cgMetadata'; groupId: string; value: Init<ConsumerGroupMetadataValue> | null }
  | { kind: 'cgPartitionMetadata'; groupId: string; value: Init<ConsumerGroupPartitionMetadataValue> | null }
  | { kind: 'cgMember'; groupId: string; memberId: string; value: Init<ConsumerGroupMemberMetadataValue> | null }
  | { kind: 'cgTargetMetadata'; groupId: string; value: Init<ConsumerGroupTargetAssignmentMetadataValue> | null }
  | { kind: 'cgTargetMember'; groupId: string; memberId: string; value: Init<ConsumerGroupTargetAssignmentMemberValue> | null }
  | { kind: 'cgCurrentAssignment'; groupId: string; memberId: string; value: Init<ConsumerGroupCurrentMemberAssignmentValue> | null };

const TOPIC = OFFSETS_TOPIC;
const GROUP_METADATA_VALUE_VERSION = 3;

/** Key and value bytes of a record, as written to __consumer_offsets. */
export function encodeGroupRecord(r: GroupRecord): { key: Uint8Array; value: Uint8Array | null } {
  switch (r.kind) {
    case 'offset': {
      const key = encodeCoordinatorKey(TOPIC, 1, { group: r.groupId, topic: r.topic, partition: r.partition });
      if (!r.value) return { key, value: null };
      const v1 = r.value.expireTimestamp !== undefined && r.value.expireTimestamp !== -1n;
      return { key, value: encodeCoordinatorValue(TOPIC, 1, v1 ? 1 : 3, v1 ? r.value : { ...r.value, expireTimestamp: -1n }) };
    }
    case 'group':
      return v(encodeCoordinatorKey(TOPIC, 2, { group: r.groupId }), 2, GROUP_METADATA_VALUE_VERSION, r.value);
    case 'cgMetadata':
      return v(encodeCoordinatorKey(TOPIC, 3, { groupId: r.groupId }), 3, 0, r.value);
    case 'cgPartitionMetadata':
      return v(encodeCoordinatorKey(TOPIC, 4, { groupId: r.groupId }), 4, 0, r.value);
    case 'cgMember':
      return v(encodeCoordinatorKey(TOPIC, 5, { groupId: r.groupId, memberId: r.memberId }), 5, 0, r.value);
    case 'cgTargetMetadata':
      return v(encodeCoordinatorKey(TOPIC, 6, { groupId: r.groupId }), 6, 0, r.value);
    case 'cgTargetMember':
      return v(encodeCoordinatorKey(TOPIC, 7, { groupId: r.groupId, memberId: r.memberId }), 7, 0, r.value);
    case 'cgCurrentAssignment':
      return v(encodeCoordinatorKey(TOPIC, 8, { groupId: r.groupId, memberId: r.memberId }), 8, 0, r.value);
  }
}

function v(key: Uint8Array, type: number, version: number, value: unknown): { key: Uint8Array; value: Uint8Array | null } {
  return { key, value: value === null ? null : encodeCoordinatorValue(TOPIC, type, version, value as never) };
}

/**
 * A record read back from __consumer_offsets, or null for one this coordinator does not replay
 * (share groups, unknown types). Throws on bytes that do not decode: a corrupt internal topic is
 * not something to skip silently.
 */
export function decodeGroupRecord(key: Uint8Array, value: Uint8Array | null): GroupRecord | null {
  const d = decodeCoordinatorRecord(TOPIC, key, value);
  if (d.error) {
    // Unknown record types (newer Kafka versions) are skipped, as Kafka skips unknown types.
    if (d.error.code === 'UNSUPPORTED_VERSION' && /unknown record type/.test(d.error.message)) return null;
    throw d.error;
  }
  const k = d.key as Record<string, unknown>;
  const val = d.value as never;
  switch (d.type) {
    case 0:
    case 1:
      return { kind: 'offset', groupId: k.group as string, topic: k.topic as string, partition: k.partition as number, value: val };
    case 2:
      return { kind: 'group', groupId: k.group as string, value: val };
    case 3:
      return { kind: 'cgMetadata', groupId: k.groupId as string, value: val };
    case 4:
      return { kind: 'cgPartitionMetadata', groupId: k.groupId as string, value: val };
    case 5:
      return { kind: 'cgMember', groupId: k.groupId as string, memberId: k.memberId as string, value: val };
    case 6:
      return { kind: 'cgTargetMetadata', groupId: k.groupId as string, value: val };
    case 7:
      return { kind: 'cgTargetMember', groupId: k.groupId as string, memberId: k.memberId as string, value: val };
    case 8:
      return { kind: 'cgCurrentAssignment', groupId: k.groupId as string, memberId: k.memberId as string, value: val };
    default:
      return null;
  }
}
