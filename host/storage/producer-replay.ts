// Rebuilding producer state from the log: batch headers of stored segments, read and validated by
// the WASM core, replayed into a ProducerStateManager (after truncation, and by recovery when no
// snapshot covers a range). Only batch descriptors are used; no record is parsed.
import type { Core } from '../core/types.js';
import { peekFrame } from './frame.js';
import { ProducerStateManager } from './producer-state.js';
import type { Segment, SegmentStore } from './segment.js';
import { controlTypeOf } from './segment-read.js';

/** Replays batch headers of [from, to) into `state`. Stops quietly at corrupt data (recovery's job). */
export async function replayProducerState(core: Core, segments: readonly Segment[], from: bigint, to: bigint, state: ProducerStateManager): Promise<void> {
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.nextOffset <= from || seg.baseOffset >= to) continue;
    let pos = 0;
    const chunk = 4 * 1024 * 1024;
    while (pos < seg.size) {
      const buf = await seg.read(pos, Math.min(chunk, seg.size - pos));
      const scan = core.validateBatches(buf);
      for (const d of scan.batches) {
        if (d.baseOffset >= from && d.baseOffset < to) state.apply(d, controlTypeOf(d));
      }
      if (scan.validBytes === 0) {
        const f = peekFrame(buf, 0);
        if (!f || f.size <= buf.length) return; // corrupt: stop (recovery handles corruption)
        const whole = await seg.read(pos, f.size);
        const s2 = core.validateBatches(whole);
        for (const d of s2.batches) if (d.baseOffset >= from && d.baseOffset < to) state.apply(d, controlTypeOf(d));
        if (s2.validBytes === 0) return;
        pos += s2.validBytes;
        continue;
      }
      pos += scan.validBytes;
    }
  }
}

/** Producer state at `logEndOffset`: the latest snapshot at or below it, then the log after it. */
export async function rebuildProducerState(core: Core, store: SegmentStore, segments: readonly Segment[], logStartOffset: bigint, logEndOffset: bigint): Promise<ProducerStateManager> {
  await store.pruneSnapshots(0n, logEndOffset);
  const snap = await store.readSnapshot(logEndOffset);
  let state = new ProducerStateManager();
  let from = logStartOffset;
  if (snap) {
    try {
      state = ProducerStateManager.decodeSnapshot(core, snap.bytes);
      from = snap.offset;
    } catch {
      state = new ProducerStateManager();
    }
  }
  await replayProducerState(core, segments, from, logEndOffset, state);
  return state;
}
