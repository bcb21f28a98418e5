// Reference of the legacy MessageSet (magic 0/1) for tests: builds vectors independently of the core.
import { refCrc32 } from './checksum.js';
import { Writer } from './batch.js';

export interface RefMessage {
  offset: bigint;
  magic: 0 | 1;
  attributes: number;
  timestamp?: bigint;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

export function encodeMessage(m: RefMessage): Uint8Array {
  const body = new Writer().u8(m.magic).u8(m.attributes);
  if (m.magic === 1) body.i64(m.timestamp ?? -1n);
  if (m.key === null) body.i32(-1);
  else body.i32(m.key.length).bytes(m.key);
  if (m.value === null) body.i32(-1);
  else body.i32(m.value.length).bytes(m.value);
  const b = body.done();
  return new Writer().i64(m.offset).i32(4 + b.length).u32(refCrc32(b)).bytes(b).done();
}

export function encodeMessageSet(ms: readonly RefMessage[]): Uint8Array {
  const w = new Writer();
  for (const m of ms) w.bytes(encodeMessage(m));
  return w.done();
}
