// Consumer group benchmark: how long a rebalance takes for 10, 100 and 1,000 members, and
// JoinGroup+SyncGroup throughput, measured three ways in the same run:
//   - coordinator: the state machine alone (mock clock, records kept in memory) — the cost of
//     the group logic itself;
//   - broker: an in-process broker over TCP, one connection per member, the group's records
//     appended to __consumer_offsets (memory or file storage) before the answers;
//   - floor: the same number of connections each doing two ApiVersions round trips at once —
//     what the network and framing alone cost for the two round trips a member makes.
// A rebalance here: every member is in a Stable group; one more member joins; all rejoin with
// their member ids, the leader assigns, everyone syncs. Timed from the first rejoin sent to the
// last SyncGroup answer. group.initial.rebalance.delay.ms is 0 so no wait is included.
//
// Run: node --import tsx bench/groups.ts [--quick] [--storage memory|file]
// Timings on a shared machine are noisy: compare the ratios measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker } from '../host/broker/broker.js';
import { KafkaConnection } from '../host/client/connection.js';
import { GroupCoordinator } from '../host/coordinator/group/coordinator.js';
import { encodeSubscription } from '../host/coordinator/group/consumer-protocol.js';
import { ApiKey } from '../host/protocol/generated/index.js';
import { ErrorCode } from '../host/protocol/generated/errors.js';
import { table } from './lib/measure.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const storage = (argv[argv.indexOf('--storage') + 1] === 'file' ? 'file' : 'memory') as 'memory' | 'file';
const SIZES = quick ? [10, 100] : [10, 100, 1000];
const ROUNDS = quick ? 2 : 3;
const sub = encodeSubscription({ topics: ['bench'], userData: null });
const protocols = [{ name: 'range', metadata: sub }];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- the state machine alone ----

async function coordinatorCase(n: number): Promise<{ formMs: number; rebalanceMs: number }> {
  let now = 0;
  const c = new GroupCoordinator({ config: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1 }, topics: { partitions: () => 64, topicId: () => 'AAAAAAAAAAAAAAAAAAAAAQ', topicName: () => 'bench' } });
  const client = { clientId: 'bench', clientHost: '/127.0.0.1', apiVersion: 9 };
  const req = (memberId: string) => ({ groupId: 'g', sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 60_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols, reason: null });
  type Join = { memberId: string; generationId: number; leader: string };
  const run = <R>(r: { response: R | Promise<R>; appended(): void }) => (r.appended(), Promise.resolve(r.response));
  const newMember = () => {
    const r = c.joinGroup(req(''), client, now);
    r.appended();
    const first = r.response as Join;
    return run(c.joinGroup(req(first.memberId), client, now));
  };
  const complete = async (joins: Array<Promise<Join>>) => {
    await run(c.poll(++now));
    const rs = await Promise.all(joins);
    const leader = rs.find((r) => r.leader === r.memberId)!;
    await Promise.all(rs.map((r) => run(c.syncGroup({ groupId: 'g', generationId: r.generationId, memberId: r.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: r === leader ? rs.map((x) => ({ memberId: x.memberId, assignment: new Uint8Array(8) })) : [] }, client, now))));
    return rs.map((r) => r.memberId);
  };
  const t0 = performance.now();
  const ids = await complete(Array.from({ length: n }, newMember));
  const formMs = performance.now() - t0;
  const t1 = performance.now();
  await complete([newMember(), ...ids.map((id) => run(c.joinGroup(req(id), client, now)))]);
  return { formMs, rebalanceMs: performance.now() - t1 };
}

// ---- over the wire ----

async function connections(b: RunningBroker, n: number): Promise<KafkaConnection[]> {
  const out: KafkaConnection[] = [];
  for (let i = 0; i < n; i += 50) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => KafkaConnection.connect({ host: b.host, port: b.port }, { clientId: 'bench', requestTimeoutMs: 120_000 })))));
  }
  return out;
}

async function wireRound(conns: KafkaConnection[], groupId: string, ids: Array<string | null>): Promise<string[]> {
  const joinOne = async (c: KafkaConnection, id: string | null) => {
    let memberId = id ?? '';
    for (;;) {
      const r = await c.request(ApiKey.JoinGroup, 9, { groupId, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 60_000, memberId, protocolType: 'consumer', protocols });
      if (r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        memberId = r.memberId;
        continue;
      }
      if (r.errorCode !== 0) throw new Error(`JoinGroup: error ${r.errorCode}`);
      return r;
    }
  };
  const rs = await Promise.all(conns.map((c, i) => joinOne(c, ids[i] ?? null)));
  const leader = rs.find((r) => r.leader === r.memberId)!;
  await Promise.all(
    rs.map(async (r, i) => {
      const s = await conns[i]!.request(ApiKey.SyncGroup, 5, { groupId, generationId: r.generationId, memberId: r.memberId, assignments: r === leader ? rs.map((x) => ({ memberId: x.memberId, assignment: new Uint8Array(8) })) : [] });
      if (s.errorCode !== 0) throw new Error(`SyncGroup: error ${s.errorCode}`);
    }),
  );
  return rs.map((r) => r.memberId);
}

async function wireCase(b: RunningBroker, n: number, round: number): Promise<{ formMs: number; rebalanceMs: number; floorMs: number }> {
  const conns = await connections(b, n + 1);
  const groupId = `g${n}-${round}`;
  const t0 = performance.now();
  const ids = await wireRound(conns.slice(0, n), groupId, []);
  const formMs = performance.now() - t0;
  // The rebalance: a new member joins first (as a real client's heartbeat would then tell the
  // others), then every member rejoins with its id.
  const t1 = performance.now();
  const extra = conns[n]!;
  const first = await extra.request(ApiKey.JoinGroup, 9, { groupId, sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 60_000, memberId: '', protocolType: 'consumer', protocols });
  const pending = wireRound([extra], groupId, [first.memberId]);
  const g = b.services.groups!.coordinator;
  while (g.group(groupId)?.stateName !== 'PreparingRebalance') await new Promise((r) => setImmediate(r));
  await Promise.all([pending, wireRound(conns.slice(0, n), groupId, ids)]);
  const rebalanceMs = performance.now() - t1;
  // The floor: two round trips on every connection, all at once.
  const t2 = performance.now();
  await Promise.all(conns.map(async (c) => {
    await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'bench', clientSoftwareVersion: '1' });
    await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'bench', clientSoftwareVersion: '1' });
  }));
  const floorMs = performance.now() - t2;
  for (const c of conns) c.close();
  return { formMs, rebalanceMs, floorMs };
}

const dir = storage === 'file' ? mkdtempSync(path.join(tmpdir(), 'kwasm-bench-groups-')) : null;
const broker = await startBroker({
  storage,
  port: 0,
  logger: false,
  config: { ...(dir ? { 'log.dirs': dir } : {}), 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 1000, 'group.max.size': 100_000 },
});
const rows: string[][] = [];
try {
  for (const n of SIZES) {
    const co: number[] = [];
    const wire: number[] = [];
    const floor: number[] = [];
    const form: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      co.push((await coordinatorCase(n)).rebalanceMs);
      const w = await wireCase(broker, n, r);
      wire.push(w.rebalanceMs);
      floor.push(w.floorMs);
      form.push(w.formMs);
    }
    const w = median(wire);
    rows.push([
      String(n),
      median(co).toFixed(2),
      w.toFixed(1),
      median(floor).toFixed(1),
      (w / median(floor)).toFixed(2) + '×',
      Math.round(((n + 1) * 2) / (w / 1000)).toLocaleString('en-US'),
      median(form).toFixed(1),
    ]);
  }
} finally {
  await broker.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
console.log(`\nConsumer group rebalance (${storage} storage, median of ${ROUNDS}; ms unless noted)\n`);
console.log(table(['members', 'coordinator only', 'broker over TCP', 'floor: 2 round trips', 'broker / floor', 'join+sync req/s', 'form new group'], rows));
