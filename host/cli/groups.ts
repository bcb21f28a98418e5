// `kwasm groups`, like kafka-consumer-groups.sh: list (optionally with states), describe (offsets
// and lag per partition, --members, --state), delete, and reset-offsets (to earliest, latest, a
// datetime, an offset, or shifted by n; a dry run unless --execute). Tables are printed the way
// Kafka's tool prints them: a blank line, then left-aligned padded columns.
import type { Command } from 'commander';
import { OffsetSpec } from '../client/admin.js';
import { KafkaClientError } from '../client/connection.js';
import { GroupAdmin, type GroupDescription } from '../client/group-admin.js';
import { ErrorCode, kafkaErrors } from '../protocol/generated/errors.js';
import { fail, intOption, UsageError } from './tool-util.js';

interface Common {
  bootstrapServer: string;
}

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]! + 1)).join(' ').trimEnd() + '\n';
  return line(headers) + rows.map(line).join('');
}

const errorName = (code: number) => kafkaErrors.find((e) => e.code === code)?.name ?? String(code);

async function withAdmin(o: Common, prefix: string, fn: (a: GroupAdmin) => Promise<void>): Promise<void> {
  const admin = new GroupAdmin(o.bootstrapServer, { clientId: 'kwasm-groups' });
  try {
    await fn(admin);
  } catch (e) {
    fail(prefix, e);
  } finally {
    await admin.close();
  }
}

/** Log end offsets of the given partitions, per topic. */
async function logEnds(admin: GroupAdmin, parts: Map<string, Set<number>>, spec: bigint = OffsetSpec.LATEST): Promise<Map<string, Map<number, bigint>>> {
  const out = new Map<string, Map<number, bigint>>();
  for (const [topic, ps] of parts) {
    try {
      const r = await admin.admin.listOffsets(topic, [...ps], spec);
      out.set(topic, new Map([...r].map(([p, v]) => [p, v.offset])));
    } catch (e) {
      if (!(e instanceof KafkaClientError)) throw e;
    }
  }
  return out;
}

async function describeOffsets(admin: GroupAdmin, d: GroupDescription): Promise<string> {
  const committed = await admin.committedOffsets(d.groupId);
  const owner = new Map<string, GroupDescription['members'][number]>();
  const parts = new Map<string, Set<number>>();
  const add = (t: string, p: number) => {
    if (!parts.has(t)) parts.set(t, new Set());
    parts.get(t)!.add(p);
  };
  for (const m of d.members) for (const a of m.assignment) for (const p of a.partitions) (owner.set(`${a.topic}:${p}`, m), add(a.topic, p));
  for (const [t, ps] of committed) for (const p of ps.keys()) add(t, p);
  const ends = await logEnds(admin, parts);
  const rows: string[][] = [];
  for (const t of [...parts.keys()].sort()) {
    for (const p of [...parts.get(t)!].sort((a, b) => a - b)) {
      const cur = committed.get(t)?.get(p);
      const end = ends.get(t)?.get(p);
      const m = owner.get(`${t}:${p}`);
      rows.push([d.groupId, t, String(p), cur === undefined ? '-' : String(cur), end === undefined ? '-' : String(end), cur === undefined || end === undefined ? '-' : String(end - cur), m?.memberId ?? '-', m?.host ?? '-', m?.clientId ?? '-']);
    }
  }
  return table(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows);
}

function parseTopicScope(spec: string): { topic: string; partitions: number[] | null } {
  const i = spec.indexOf(':');
  if (i < 0) return { topic: spec, partitions: null };
  const ps = spec.slice(i + 1).split(',').map((x) => intOption(x.trim()));
  return { topic: spec.slice(0, i), partitions: ps };
}

/** "2024-01-02T03:04:05.678" (local time, as Kafka's tool) or with a zone ("Z", "+01:00"). */
export function parseDateTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) throw new UsageError(`Error parsing timestamp. It does not match the expected format yyyy-MM-ddTHH:mm:SS.sss: ${s}`);
  const ms = (m[7] ?? '0').padEnd(3, '0');
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${ms}${m[8] ? (m[8] === 'Z' ? 'Z' : m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8]) : ''}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new UsageError(`invalid date-time: ${s}`);
  return t;
}

export function registerGroups(program: Command): void {
  const cmd = program
    .command('groups')
    .description('list, describe, delete consumer groups and reset their offsets (like kafka-consumer-groups.sh)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to');
  const common = (c: Command) => c.optsWithGlobals() as Common;

  cmd
    .command('list')
    .description('list consumer groups')
    .option('--state [states]', 'show group states; with a comma-separated list, only groups in those states')
    .action(async (o: { state?: string | boolean }, c: Command) => {
      await withAdmin(common(c), 'Error: ', async (admin) => {
        const states = typeof o.state === 'string' ? o.state.split(',').map((s) => s.trim()).filter(Boolean) : [];
        const list = await admin.listGroups(states);
        if (o.state === undefined) process.stdout.write(list.map((g) => g.groupId + '\n').join(''));
        else process.stdout.write(table(['GROUP', 'STATE'], list.map((g) => [g.groupId, g.state])));
      });
    });

  cmd
    .command('describe')
    .description('describe groups: committed offsets, log end offsets and lag per partition')
    .option('--group <group...>', 'group(s) to describe')
    .option('--all-groups', 'describe every group')
    .option('--members', 'describe the members')
    .option('--verbose', 'with --members: show each member’s assignment')
    .option('--state', 'describe the group state')
    .action(async (o: { group?: string[]; allGroups?: boolean; members?: boolean; verbose?: boolean; state?: boolean }, c: Command) => {
      await withAdmin(common(c), 'Error: ', async (admin) => {
        const groups = o.allGroups ? (await admin.listGroups()).map((g) => g.groupId) : (o.group ?? []);
        if (groups.length === 0) throw new UsageError('Option [describe] takes one of these options: [all-groups], [group]');
        for (const groupId of groups) {
          const d = await admin.describeGroup(groupId);
          let text = '\n';
          if (d.state === 'Dead') {
            process.stderr.write(`Error: Consumer group '${groupId}' does not exist.\n`);
            process.exitCode = 1;
            continue;
          }
          if (d.members.length === 0 && !o.state) text += `Consumer group '${groupId}' has no active members.\n\n`;
          if (o.state) {
            text += table(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [[groupId, `${d.coordinator.host}:${d.coordinator.port} (${d.coordinator.nodeId})`, d.assignor, d.state, String(d.members.length)]]);
          } else if (o.members) {
            const headers = ['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(o.verbose ? ['ASSIGNMENT'] : [])];
            const rows = d.members.map((m) => {
              const n = m.assignment.reduce((s, a) => s + a.partitions.length, 0);
              const assignment = m.assignment.map((a) => `${a.topic}(${a.partitions.join(',')})`).join(', ') || '-';
              return [groupId, m.memberId, m.instanceId ?? '-', m.host, m.clientId, String(n), ...(o.verbose ? [assignment] : [])];
            });
            text += table(headers, rows);
          } else {
            text += await describeOffsets(admin, d);
          }
          process.stdout.write(text);
        }
      });
    });

  cmd
    .command('delete')
    .description('delete groups (only groups without members) and their committed offsets')
    .option('--group <group...>', 'group(s) to delete')
    .option('--all-groups', 'delete every group')
    .action(async (o: { group?: string[]; allGroups?: boolean }, c: Command) => {
      await withAdmin(common(c), 'Error: ', async (admin) => {
        const groups = o.allGroups ? (await admin.listGroups()).map((g) => g.groupId) : (o.group ?? []);
        if (groups.length === 0) throw new UsageError('Option [delete] takes one of these options: [all-groups], [group]');
        const results = await admin.deleteGroups(groups);
        const ok = results.filter((r) => r.errorCode === ErrorCode.NONE);
        const bad = results.filter((r) => r.errorCode !== ErrorCode.NONE);
        if (ok.length > 0) process.stdout.write(`Deletion of requested consumer groups (${ok.map((r) => `'${r.groupId}'`).join(', ')}) was successful.\n`);
        if (bad.length > 0) {
          process.stderr.write(`Deletion of some consumer groups failed:\n${bad.map((r) => `* Group '${r.groupId}' could not be deleted due to: ${errorName(r.errorCode)}\n`).join('')}`);
          process.exitCode = 1;
        }
      });
    });

  cmd
    .command('reset-offsets')
    .description('reset the committed offsets of an inactive group (a dry run unless --execute)')
    .requiredOption('--group <group>', 'the group')
    .option('--topic <topic...>', 'topic(s), optionally with partitions (topic:0,1)')
    .option('--all-topics', 'every topic the group has committed offsets for')
    .option('--to-earliest', 'reset to the earliest offset')
    .option('--to-latest', 'reset to the latest offset')
    .option('--to-datetime <yyyy-MM-ddTHH:mm:SS.sss>', 'reset to the first offset at or after a time')
    .option('--to-offset <n>', 'reset to an offset (clamped to the log)', (v: string) => BigInt(intOption(v)))
    .option('--shift-by <n>', 'move the committed offset by n (clamped to the log)', (v: string) => BigInt(intOption(v)))
    .option('--dry-run', 'only show the new offsets (the default)')
    .option('--execute', 'commit the new offsets')
    .action(async (o: { group: string; topic?: string[]; allTopics?: boolean; toEarliest?: boolean; toLatest?: boolean; toDatetime?: string; toOffset?: bigint; shiftBy?: bigint; dryRun?: boolean; execute?: boolean }, c: Command) => {
      await withAdmin(common(c), 'Error: ', async (admin) => {
        const modes = [o.toEarliest, o.toLatest, o.toDatetime !== undefined, o.toOffset !== undefined, o.shiftBy !== undefined].filter(Boolean).length;
        if (modes !== 1) throw new UsageError('Option [reset-offsets] takes exactly one of: --to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by');
        if (!o.topic && !o.allTopics) throw new UsageError('Option [reset-offsets] takes one of these options: [all-topics], [topic]');
        if (o.execute && o.dryRun) throw new UsageError('Option [reset-offsets] takes only one of --dry-run and --execute');
        const d = await admin.describeGroup(o.group);
        if (d.state !== 'Empty' && d.state !== 'Dead') {
          throw new UsageError(`Assignments can only be reset if the group '${o.group}' is inactive, but the current state is ${d.state}.`);
        }
        const committed = await admin.committedOffsets(o.group);
        const parts = new Map<string, Set<number>>();
        if (o.allTopics) for (const [t, ps] of committed) parts.set(t, new Set(ps.keys()));
        for (const spec of o.topic ?? []) {
          const { topic, partitions } = parseTopicScope(spec);
          const ps = partitions ?? (await admin.admin.cluster.topic(topic)).partitions.map((p) => p.partition);
          parts.set(topic, new Set(ps));
        }
        const earliest = await logEnds(admin, parts, OffsetSpec.EARLIEST);
        const latest = await logEnds(admin, parts, OffsetSpec.LATEST);
        const byTime = o.toDatetime !== undefined ? await logEnds(admin, parts, BigInt(parseDateTime(o.toDatetime))) : null;
        const next = new Map<string, Map<number, bigint>>();
        const rows: string[][] = [];
        for (const t of [...parts.keys()].sort()) {
          for (const p of [...parts.get(t)!].sort((a, b) => a - b)) {
            const lo = earliest.get(t)?.get(p);
            const hi = latest.get(t)?.get(p);
            if (lo === undefined || hi === undefined) throw new UsageError(`${t}-${p} does not exist`);
            const clamp = (x: bigint) => (x < lo ? lo : x > hi ? hi : x);
            let target: bigint;
            if (o.toEarliest) target = lo;
            else if (o.toLatest) target = hi;
            else if (byTime) {
              const found = byTime.get(t)?.get(p);
              target = found === undefined || found < 0n ? hi : found;
            } else if (o.toOffset !== undefined) target = clamp(o.toOffset);
            else target = clamp((committed.get(t)?.get(p) ?? lo) + o.shiftBy!);
            if (!next.has(t)) next.set(t, new Map());
            next.get(t)!.set(p, target);
            rows.push([o.group, t, String(p), String(target)]);
          }
        }
        if (o.execute) await admin.commitOffsets(o.group, next);
        else if (!o.dryRun) process.stdout.write('WARN: No action will be performed as the --execute option is missing. Add --execute to reset the offsets, or --dry-run to silence this warning.\n');
        process.stdout.write('\n' + table(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows));
      });
    });
}
