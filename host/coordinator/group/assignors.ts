// Server-side assignors of the consumer group protocol (KIP-848), named as Kafka names them:
// `uniform` (the default: balanced and sticky — a member keeps what it had as long as the balance
// allows) and `range` (per topic, contiguous ranges to the subscribed members in member id order).
import type { Assignment } from './groups.js';

export interface AssignorMember {
  memberId: string;
  /** Ids of the existing topics the member subscribes to. */
  topics: readonly string[];
}

export interface Assignor {
  readonly name: string;
  /**
   * @param topics partition count by topic id
   * @param previous the current target assignment (for stickiness)
   */
  assign(members: readonly AssignorMember[], topics: ReadonlyMap<string, number>, previous: ReadonlyMap<string, Assignment>): Map<string, Assignment>;
}

function add(a: Assignment, topic: string, p: number): void {
  let s = a.get(topic);
  if (!s) a.set(topic, (s = new Set()));
  s.add(p);
}

function size(a: Assignment): number {
  let n = 0;
  for (const s of a.values()) n += s.size;
  return n;
}

export const rangeAssignor: Assignor = {
  name: 'range',
  assign(members, topics) {
    const out = new Map<string, Assignment>(members.map((m) => [m.memberId, new Map()]));
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    for (const [topic, count] of topics) {
      const subs = sorted.filter((m) => m.topics.includes(topic));
      if (subs.length === 0) continue;
      const per = Math.floor(count / subs.length);
      const extra = count % subs.length;
      let next = 0;
      subs.forEach((m, i) => {
        const n = per + (i < extra ? 1 : 0);
        for (let j = 0; j < n; j++) add(out.get(m.memberId)!, topic, next++);
      });
    }
    return out;
  },
};

export const uniformAssignor: Assignor = {
  name: 'uniform',
  assign(members, topics, previous) {
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    const subscribed = new Map(sorted.map((m) => [m.memberId, new Set(m.topics)]));
    const out = new Map<string, Assignment>(sorted.map((m) => [m.memberId, new Map()]));
    const counts = new Map(sorted.map((m) => [m.memberId, 0]));
    const owner = new Map<string, string>();
    const key = (t: string, p: number) => `${t}:${p}`;
    // Partitions anyone subscribes to, and the fair share a member of a homogeneous group gets.
    const all: Array<[string, number]> = [];
    for (const [topic, count] of [...topics].sort()) {
      if (!sorted.some((m) => subscribed.get(m.memberId)!.has(topic))) continue;
      for (let p = 0; p < count; p++) all.push([topic, p]);
    }
    const cap = sorted.length === 0 ? 0 : Math.ceil(all.length / sorted.length);
    // 1. Stickiness: keep what is still valid, up to the fair share.
    for (const m of sorted) {
      const prev = previous.get(m.memberId);
      if (!prev) continue;
      for (const [topic, parts] of prev) {
        const count = topics.get(topic);
        if (count === undefined || !subscribed.get(m.memberId)!.has(topic)) continue;
        for (const p of [...parts].sort((a, b) => a - b)) {
          if (p >= count || owner.has(key(topic, p)) || counts.get(m.memberId)! >= cap) continue;
          owner.set(key(topic, p), m.memberId);
          add(out.get(m.memberId)!, topic, p);
          counts.set(m.memberId, counts.get(m.memberId)! + 1);
        }
      }
    }
    // 2. Everything else to the least loaded member that subscribes to its topic.
    for (const [topic, p] of all) {
      if (owner.has(key(topic, p))) continue;
      let best: string | null = null;
      for (const m of sorted) {
        if (!subscribed.get(m.memberId)!.has(topic)) continue;
        if (best === null || counts.get(m.memberId)! < counts.get(best)!) best = m.memberId;
      }
      if (best === null) continue;
      owner.set(key(topic, p), best);
      add(out.get(best)!, topic, p);
      counts.set(best, counts.get(best)! + 1);
    }
    // 3. Balance: move partitions from the most to the least loaded member while that helps.
    for (let moved = true; moved; ) {
      moved = false;
      for (const to of sorted) {
        for (const from of sorted) {
          if (counts.get(from.memberId)! <= counts.get(to.memberId)! + 1) continue;
          const fromA = out.get(from.memberId)!;
          for (const [topic, parts] of fromA) {
            if (!subscribed.get(to.memberId)!.has(topic) || parts.size === 0) continue;
            const p = Math.max(...parts);
            parts.delete(p);
            if (parts.size === 0) fromA.delete(topic);
            add(out.get(to.memberId)!, topic, p);
            counts.set(from.memberId, counts.get(from.memberId)! - 1);
            counts.set(to.memberId, counts.get(to.memberId)! + 1);
            moved = true;
            break;
          }
        }
      }
    }
    for (const [id, a] of out) if (size(a) === 0) out.set(id, new Map());
    return out;
  },
};

export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([
  [uniformAssignor.name, uniformAssignor],
  [rangeAssignor.name, rangeAssignor],
]);
