// Reference model of Kafka's offset and time index semantics, over plain arrays, for tests.
export interface Entry {
  key: bigint;
  value: number;
}

/** Slot of the largest key <= target, the first of equal keys; -1 when none. */
export function refFloor(entries: readonly Entry[], target: bigint): number {
  let slot = -1;
  for (let i = 0; i < entries.length; i++) if (entries[i]!.key <= target) slot = i;
  if (slot < 0) return -1;
  while (slot > 0 && entries[slot - 1]!.key === entries[slot]!.key) slot--;
  return slot;
}

export function offsetIndexBytes(entries: ReadonlyArray<[number, number]>): Uint8Array {
  const b = new Uint8Array(entries.length * 8);
  const dv = new DataView(b.buffer);
  entries.forEach(([rel, pos], i) => {
    dv.setUint32(i * 8, rel);
    dv.setUint32(i * 8 + 4, pos);
  });
  return b;
}

export function timeIndexBytes(entries: ReadonlyArray<[bigint, number]>): Uint8Array {
  const b = new Uint8Array(entries.length * 12);
  const dv = new DataView(b.buffer);
  entries.forEach(([ts, rel], i) => {
    dv.setBigInt64(i * 12, ts);
    dv.setUint32(i * 12 + 8, rel);
  });
  return b;
}
