// Keys and values of the coordinators' internal topics (__consumer_offsets, __transaction_state).
//
// On disk a record key is an int16 record type followed by the key struct written at that
// version (the key schema's version *is* the type); a value is an int16 version followed by the
// value struct at that version; a null value is a tombstone.
import { decodeData, encodeData, type DecodeFailed } from './api.js';
import { ProtocolDecodeError, ProtocolEncodeError } from './errors.js';
import {
  coordinatorRecordTypes,
  type CoordinatorRecordType,
  type CoordinatorTopic,
} from './generated/coordinator/index.js';
import type { Init } from './types.js';

export { coordinatorRecordTypes, type CoordinatorRecordType, type CoordinatorTopic };

const byTopic = new Map<CoordinatorTopic, Map<number, CoordinatorRecordType>>();
for (const t of coordinatorRecordTypes) {
  let m = byTopic.get(t.topic);
  if (!m) byTopic.set(t.topic, (m = new Map()));
  m.set(t.type, t);
}

export function coordinatorRecordType(topic: CoordinatorTopic, type: number): CoordinatorRecordType | undefined {
  return byTopic.get(topic)?.get(type);
}

function typeOrThrow(topic: CoordinatorTopic, type: number): CoordinatorRecordType {
  const t = coordinatorRecordType(topic, type);
  if (!t) throw new ProtocolEncodeError('UNSUPPORTED_VERSION', `${topic} record`, type, `unknown record type ${type}`);
  return t;
}

function prefixed(version: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + body.length);
  new DataView(out.buffer).setInt16(0, version);
  out.set(body, 2);
  return out;
}

export function encodeCoordinatorKey<T>(topic: CoordinatorTopic, type: number, key: Init<T>): Uint8Array {
  const t = typeOrThrow(topic, type);
  return prefixed(type, encodeData(t.key, type, key as Init<unknown>));
}

export function encodeCoordinatorValue<T>(topic: CoordinatorTopic, type: number, version: number, value: Init<T>): Uint8Array {
  const t = typeOrThrow(topic, type);
  return prefixed(version, encodeData(t.value, version, value as Init<unknown>));
}

export interface DecodedCoordinatorRecord {
  readonly type: number;
  readonly name: string;
  readonly key: unknown;
  /** null for a tombstone. */
  readonly value: unknown;
  readonly valueVersion: number | null;
  readonly error?: undefined;
}

export function decodeCoordinatorRecord(
  topic: CoordinatorTopic,
  key: Uint8Array,
  value: Uint8Array | null,
): DecodedCoordinatorRecord | DecodeFailed {
  if (key.length < 2) return { error: new ProtocolDecodeError('TRUNCATED', 'record key shorter than its type', 0, '', { message: `${topic} key` }) };
  const kdv = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const type = kdv.getInt16(0);
  const t = coordinatorRecordType(topic, type);
  if (!t) return { error: new ProtocolDecodeError('UNSUPPORTED_VERSION', `unknown record type ${type}`, 0, '', { message: `${topic} key` }) };
  const k = decodeData(t.key, type, key.subarray(2));
  if (k.error) return k;
  if (value === null) return { type, name: t.name, key: k.value, value: null, valueVersion: null };
  if (value.length < 2) return { error: new ProtocolDecodeError('TRUNCATED', 'record value shorter than its version', 0, '', { message: t.value.name }) };
  const version = new DataView(value.buffer, value.byteOffset, value.byteLength).getInt16(0);
  const v = decodeData(t.value, version, value.subarray(2));
  if (v.error) return v;
  return { type, name: t.name, key: k.value, value: v.value, valueVersion: version };
}
