// The "consumer" embedded protocol of classic groups: JoinGroup metadata is a
// ConsumerProtocolSubscription and SyncGroup assignments are ConsumerProtocolAssignments, each an
// int16 version followed by the struct. The coordinator reads them only to know which topics a
// group is subscribed to (offset expiry, OffsetDelete) and to show assignments (DescribeGroups,
// the CLI). Like Kafka, newer versions are read through the prefix that every version shares.
import { codec as assignmentCodec, type ConsumerProtocolAssignment } from '../../protocol/generated/ConsumerProtocolAssignment.js';
import { codec as subscriptionCodec, type ConsumerProtocolSubscription } from '../../protocol/generated/ConsumerProtocolSubscription.js';
import { encodeData } from '../../protocol/api.js';
import { Reader } from '../../protocol/reader.js';
import type { MessageCodec } from '../../protocol/types.js';
import type { Init } from '../../protocol/types.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

function read<T>(codec: MessageCodec<T>, bytes: Uint8Array): T | null {
  if (bytes.length < 2) return null;
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt16(0);
  if (version < 0) return null;
  const max = codec.schema.validVersions[1];
  try {
    // Reading a newer version through the latest known one ignores what follows, as Kafka does.
    return codec.read(new Reader(bytes, 2), Math.min(version, max));
  } catch {
    return null;
  }
}

export function parseSubscription(bytes: Uint8Array): ConsumerProtocolSubscription | null {
  return read(subscriptionCodec, bytes);
}

export function parseAssignment(bytes: Uint8Array): ConsumerProtocolAssignment | null {
  if (bytes.length === 0) return { assignedPartitions: [], userData: null };
  return read(assignmentCodec, bytes);
}

function withVersion(version: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + body.length);
  new DataView(out.buffer).setInt16(0, version);
  out.set(body, 2);
  return out;
}

export function encodeSubscription(s: Init<ConsumerProtocolSubscription>, version = 0): Uint8Array {
  return withVersion(version, encodeData(subscriptionCodec, version, s));
}

export function encodeAssignment(a: Init<ConsumerProtocolAssignment>, version = 0): Uint8Array {
  return withVersion(version, encodeData(assignmentCodec, version, a));
}
