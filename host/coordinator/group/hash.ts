// Which __consumer_offsets partition holds a group: Kafka's `Utils.abs(groupId.hashCode()) %
// offsets.topic.num.partitions`, with Java's String.hashCode (UTF-16 code units, int32 wrap) and
// Kafka's Utils.abs (Math.abs, except Integer.MIN_VALUE maps to 0 — not the `& 0x7fffffff` of
// Utils.toPositive), so a kwasm log dir and a Kafka one agree on where each group lives.

/** Java's String.hashCode. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function partitionForGroup(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
