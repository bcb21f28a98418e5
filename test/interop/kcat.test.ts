// kcat 1.7 (librdkafka 2.0, Debian) against kwasm, driven through its command line: it has no
// admin API, so the topic is auto-created by its metadata request (-L -t); produce (-P) per codec
// with -K key delimiter and -H headers (the same headers for every record of one run; kcat prints
// no delivery offsets, so the log end is checked instead); consume (-C -J from the beginning);
// query offsets (-Q: -2 earliest, -1 latest, or a timestamp); the idempotent producer through
// -X enable.idempotence=true.
import { expect } from 'vitest';
import { run, type ConsumedRec } from './harness.js';
import { LIBRDKAFKA_CODECS } from './librdkafka.js';
import { interopSuite, type OffsetsResult, type OpRequest, type ProduceResult } from './suite.js';

async function kcat(args: string[], input?: string): Promise<string> {
  const r = await run('kcat', args, { input, timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function query(bootstrap: string, topic: string, partition: number, ts: number): Promise<number> {
  const out = await kcat(['-b', bootstrap, '-Q', '-t', `${topic}:${partition}:${ts}`]);
  const m = /offset (-?\d+)/.exec(out);
  if (!m) throw new Error(`kcat -Q printed no offset: ${out}`);
  return Number(m[1]);
}

async function op(req: OpRequest): Promise<unknown> {
  switch (req.op) {
    case 'create': {
      const out = JSON.parse(await kcat(['-b', req.bootstrap, '-L', '-t', req.topic, '-J'])) as { topics: Array<{ topic: string; partitions: unknown[]; error?: string }> };
      expect(out.topics[0]?.error, 'kcat -L topic error').toBeUndefined();
      expect(out.topics[0]?.partitions.length).toBe(req.partitions);
      return out;
    }
    case 'produce': {
      for (const g of req.groups) {
        const headers = g.records[0]!.headers;
        for (const r of g.records) expect(r.headers, 'kcat sends the same headers with every record').toEqual(headers);
        const input = g.records.map((r) => (r.key === null ? r.value : `${r.key}\t${r.value}`)).join('\n') + '\n';
        const args = ['-b', req.bootstrap, '-P', '-t', req.topic, '-p', String(req.partition), '-K', '\\t', '-z', g.codec, '-X', 'linger.ms=50'];
        for (const [k, v] of headers) args.push('-H', `${k}=${v}`);
        if (req.idempotent) args.push('-X', 'enable.idempotence=true');
        await kcat(args, input);
      }
      return { offsets: null } satisfies ProduceResult;
    }
    case 'consume': {
      const out = await kcat(['-b', req.bootstrap, '-C', '-t', req.topic, '-p', String(req.partition), '-o', 'beginning', '-c', String(req.count), '-e', '-J', '-q']);
      const records: ConsumedRec[] = out
        .trim()
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => {
          const m = JSON.parse(l) as { offset: number; ts: number; key: string | null; payload: string; headers?: string[] };
          const h = m.headers ?? [];
          const headers: Array<[string, string]> = [];
          for (let i = 0; i < h.length; i += 2) headers.push([h[i]!, h[i + 1]!]);
          return { offset: m.offset, timestamp: m.ts, key: m.key, value: m.payload, headers };
        });
      return { records };
    }
    case 'offsets': {
      const earliest = await query(req.bootstrap, req.topic, req.partition, -2);
      const latest = await query(req.bootstrap, req.topic, req.partition, -1);
      const byTimestamp: OffsetsResult['byTimestamp'] = [];
      for (const t of req.timestamps) {
        const o = await query(req.bootstrap, req.topic, req.partition, t);
        byTimestamp.push(o < 0 ? null : { offset: o, timestamp: null });
      }
      return { earliest, latest, byTimestamp } satisfies OffsetsResult;
    }
  }
}

interopSuite({
  name: 'kcat',
  codecs: LIBRDKAFKA_CODECS,
  admin: false,
  timestamps: false,
  byTimestamp: true,
  idempotent: true,
  records: { constantHeaders: true },
  adapter: { op },
});
