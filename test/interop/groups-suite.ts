// The consumer group scenario every client runs (groups-*.test.ts): three consumers in one group
// on a 6-partition topic each own two partitions and together read every record exactly once; a
// fourth joins and one is killed (-9): after its session timeout its partitions move and no
// committed record is read twice; committed offsets survive a broker restart; a second group
// reads the same topic independently. Consumers are child processes that print JSON lines
// (scripts/group_consumer.*).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
export const TOPIC = 'groups-interop';
const PARTITIONS = 6;
const PER_PARTITION = 20;

export interface GroupClient {
  name: string;
  /** The program, or a promise of it (a Go helper built on first use). */
  command: string | (() => Promise<string>);
  args(bootstrap: string, group: string, topic: string, sessionMs: number): string[];
  /** Session timeout the client asks for (classic) — the KIP-848 session is the broker's. */
  sessionMs: number;
  env?: NodeJS.ProcessEnv;
  /** The group protocol the client speaks: classic (JoinGroup/SyncGroup) or consumer (KIP-848). */
  groupType?: 'classic' | 'consumer';
}

interface Rec {
  p: number;
  o: number;
  v: string;
}

export class Member {
  readonly child: ChildProcess;
  assigned: number[] = [];
  readonly recs: Rec[] = [];
  readonly log: string[] = [];
  exited = false;
  readonly done: Promise<void>;

  constructor(readonly name: string, client: GroupClient & { command: string }, bootstrap: string, group: string) {
    this.child = spawn(client.command, client.args(bootstrap, group, TOPIC, client.sessionMs), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...client.env } });
    let buf = '';
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let ev: { ev: string; partitions?: number[]; p?: number; o?: number; v?: string };
        try {
          ev = JSON.parse(line);
        } catch {
          continue;
        }
        if (ev.ev === 'assign') this.assigned = ev.partitions!;
        else if (ev.ev === 'rec') this.recs.push({ p: ev.p!, o: ev.o!, v: ev.v! });
        else this.log.push(line);
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => this.log.push(d.slice(0, 500)));
    this.child.stdin!.on('error', () => {});
    this.done = new Promise((resolve) => this.child.on('exit', () => ((this.exited = true), resolve())));
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.done;
    clearTimeout(t);
  }

  kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    return this.done;
  }
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls an async value until it deep-equals `expected` (then asserts it, for a clear failure). */
async function eventually<T>(get: () => Promise<T>, expected: T, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let v = await get();
  while (JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) !== JSON.stringify(expected, (_k, x) => (typeof x === 'bigint' ? String(x) : x)) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await get();
  }
  expect(v).toEqual(expected);
}

async function produce(c: TestClient, phase: number): Promise<void> {
  const topicData = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const recs = [];
    for (let i = 0; i < PER_PARTITION; i++) recs.push({ key: new TextEncoder().encode(`k${i}`), value: new TextEncoder().encode(`ph${phase}-p${p}-r${i}`) });
    topicData.push({ index: p, records: core.encodeBatch(recs) });
  }
  const r = await c.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: topicData }] });
  for (const p of r.responses[0]!.partitionResponses) expect(p.errorCode).toBe(0);
}

async function committed(c: TestClient, group: string): Promise<bigint[]> {
  const r = await c.send(ApiKey.OffsetFetch, 6, { groupId: group, topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2, 3, 4, 5] }] });
  return r.topics[0]!.partitions.map((p) => p.committedOffset);
}

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

export function groupsSuite(spec: GroupClient, opts: { brokerConfig?: Record<string, string | number | boolean> } = {}): void {
  describe(`consumer groups with ${spec.name}`, () => {
    let client: GroupClient & { command: string };
    let broker: TestBroker;
    let c: TestClient;
    const members: Member[] = [];
    const diag = () => {
      const coordinator = broker.services.groups!.coordinator;
      const groups = coordinator.groupIds().map((id) => {
        const g = coordinator.group(id)!;
        return `group ${id}: ${g.stateName}${'generationId' in g ? ` generation ${g.generationId}` : ''}, ${g.members.size} members`;
      });
      return [...groups, ...members.map((m) => `${m.name}${m.exited ? '(exited)' : ''}: assigned ${JSON.stringify(m.assigned)}, ${m.recs.length} records; ${m.log.slice(-3).join(' | ')}`)].join('\n');
    };

    beforeAll(async () => {
      client = { ...spec, command: typeof spec.command === 'string' ? spec.command : await spec.command() };
      broker = await startTestBroker({
        storage: 'file',
        config: {
          'group.initial.rebalance.delay.ms': 300,
          'group.min.session.timeout.ms': 1000,
          'offsets.topic.num.partitions': 10,
          'group.consumer.heartbeat.interval.ms': 300,
          'group.consumer.session.timeout.ms': spec.sessionMs,
          ...opts.brokerConfig,
        },
      });
      c = await TestClient.connect(broker.port);
      const t = await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }], timeoutMs: 1000 });
      expect(t.topics[0]!.errorCode).toBe(0);
    }, 600_000); // a Go helper may be built first
    afterAll(async () => {
      for (const m of members) if (!m.exited) m.child.kill('SIGKILL');
      c?.close();
      await broker?.close();
    });

    it('shares partitions, survives a kill -9 and a restart, and keeps groups independent', async () => {
      const group = `g-${client.name}`;
      // Three consumers each own two partitions once the group is stable.
      for (const n of ['a', 'b', 'c']) members.push(new Member(n, client, broker.bootstrap, group));
      const live = () => members.filter((m) => !m.exited);
      const balanced = (n: number) => () => {
        const l = live();
        return l.length === n && l.every((m) => m.assigned.length === PARTITIONS / n) && sorted(l.flatMap((m) => m.assigned)).join() === '0,1,2,3,4,5';
      };
      // Balanced as the members report it and Stable on the broker (for KIP-848: every member has
      // reconciled to its target assignment), and still so a moment later, before producing.
      const settled = () => balanced(3)() && broker.services.groups!.coordinator.group(group)?.stateName === 'Stable';
      await waitFor(settled, 60_000, () => `three balanced members\n${diag()}`);
      await new Promise((r) => setTimeout(r, 500));
      await waitFor(settled, 60_000, () => `three balanced members, settled\n${diag()}`);
      expect(broker.services.groups!.coordinator.group(group)!.type).toBe(client.groupType ?? 'classic');
      await produce(c, 1);
      const all1 = new Set<string>();
      for (let p = 0; p < PARTITIONS; p++) for (let i = 0; i < PER_PARTITION; i++) all1.add(`ph1-p${p}-r${i}`);
      await waitFor(() => members.flatMap((m) => m.recs).length >= all1.size, 30_000, () => `phase 1 records\n${diag()}`);
      const phase1 = members.flatMap((m) => m.recs.map((r) => r.v));
      expect(phase1.length).toBe(all1.size); // exactly once
      expect(new Set(phase1)).toEqual(all1);
      for (const m of members) {
        // Each member read only its own partitions.
        expect(new Set(m.recs.map((r) => r.p))).toEqual(new Set(m.assigned));
      }
      // Commits follow the reads.
      await eventually(() => committed(c, group), Array(PARTITIONS).fill(BigInt(PER_PARTITION)), 15_000);

      // A fourth joins; one of the first three is killed.
      const victim = members[0]!;
      const victimPartitions = [...victim.assigned];
      members.push(new Member('d', client, broker.bootstrap, group));
      await produce(c, 2);
      await victim.kill9();
      const atKill = await committed(c, group);
      const all2 = new Set<string>();
      for (let p = 0; p < PARTITIONS; p++) for (let i = 0; i < PER_PARTITION; i++) all2.add(`ph2-p${p}-r${i}`);
      const seen2 = () => new Set(members.flatMap((m) => m.recs.map((r) => r.v)).filter((v) => v.startsWith('ph2')));
      await waitFor(() => seen2().size === all2.size && balanced(3)(), 60_000, () => `phase 2: all records and a balanced group of three\n${diag()}`);
      // The victim's partitions now belong to live members.
      const owned = new Set(live().flatMap((m) => m.assigned));
      for (const p of victimPartitions) expect(owned.has(p)).toBe(true);
      // At least once, and nothing committed before the kill was read again.
      const reads = new Map<string, number>();
      for (const m of members) for (const r of m.recs) reads.set(`${r.p}:${r.o}`, (reads.get(`${r.p}:${r.o}`) ?? 0) + 1);
      for (const [k, n] of reads) {
        if (n < 2) continue;
        const [p, o] = k.split(':').map(Number) as [number, number];
        expect(BigInt(o), `record ${k} read ${n} times`).toBeGreaterThanOrEqual(atKill[p]!);
      }
      // Everything is committed once the survivors have caught up and leave cleanly.
      await eventually(() => committed(c, group), Array(PARTITIONS).fill(BigInt(2 * PER_PARTITION)), 15_000);
      await Promise.all(live().map((m) => m.stop()));

      // Committed offsets survive a restart.
      c.close();
      broker = await broker.restart();
      c = await TestClient.connect(broker.port);
      expect(await committed(c, group)).toEqual(Array(PARTITIONS).fill(BigInt(2 * PER_PARTITION)));

      // Another group reads the same topic from the beginning, independently.
      const other = new Member('other', client, broker.bootstrap, `${group}-other`);
      members.push(other);
      await waitFor(() => new Set(other.recs.map((r) => r.v)).size === 2 * PARTITIONS * PER_PARTITION, 60_000, () => `second group reads everything\n${diag()}`);
      await eventually(() => committed(c, `${group}-other`), Array(PARTITIONS).fill(BigInt(2 * PER_PARTITION)), 15_000);
      await other.stop();
      expect(await committed(c, group)).toEqual(Array(PARTITIONS).fill(BigInt(2 * PER_PARTITION)));
    }, 180_000);
  });
}
