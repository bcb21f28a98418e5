// The newest bytes of a file segment, for tailing consumers: reads of recent data without a syscall.
//
// Large appends are kept as the appended buffers themselves (the append contract lets storage keep
// them), so the append path copies nothing; small ones, and views covering little of their backing
// buffer (which would pin it), are copied into fixed blocks. A region once cached is never written
// again, so views handed out stay valid. A read inside one cached piece is a view of it; a read
// across pieces is copied, into the caller's buffer when one is given. The oldest pieces are dropped
// beyond the cap.

const BLOCK = 256 * 1024;
/** Appends at least this large, covering at least half of their backing buffer, are kept by reference. */
const BY_REFERENCE = 4096;

interface Piece {
  /** File position of the piece's first byte. */
  start: number;
  buf: Uint8Array;
  off: number;
  len: number;
  /** The block this piece was copied into (null: an appended buffer kept by reference). */
  block: Uint8Array | null;
}

export class TailCache {
  #pieces: Piece[] = [];
  /** Index of the oldest live piece (dropped pieces before it are compacted away lazily). */
  #head = 0;
  #bytes = 0;
  #block: Uint8Array | null = null;
  #blockFill = 0;
  /** File position right after the cached bytes (-1: nothing cached). */
  end = -1;

  clear(position: number): void {
    this.#pieces = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#block = null;
    this.#blockFill = 0;
    this.end = position;
  }

  append(c: Uint8Array): void {
    if (c.length === 0) return;
    if (c.length >= BY_REFERENCE && c.length * 2 >= c.buffer.byteLength) {
      this.#push({ start: this.end, buf: c, off: 0, len: c.length, block: null });
    } else {
      let off = 0;
      while (off < c.length) {
        if (!this.#block || this.#blockFill === this.#block.length) {
          this.#block = Buffer.allocUnsafe(BLOCK);
          this.#blockFill = 0;
        }
        const n = Math.min(c.length - off, this.#block.length - this.#blockFill);
        this.#block.set(off === 0 && n === c.length ? c : c.subarray(off, off + n), this.#blockFill);
        const last = this.#pieces.length > this.#head ? this.#pieces[this.#pieces.length - 1]! : null;
        if (last && last.block === this.#block && last.off + last.len === this.#blockFill) {
          last.len += n;
          this.#bytes += n;
          this.end += n;
        } else {
          this.#push({ start: this.end, buf: this.#block, off: this.#blockFill, len: n, block: this.#block });
        }
        this.#blockFill += n;
        off += n;
      }
    }
  }

  #push(p: Piece): void {
    this.#pieces.push(p);
    this.#bytes += p.len;
    this.end += p.len;
  }

  /** Drops the oldest pieces while the rest still hold at least `cap` bytes. */
  evict(cap: number): void {
    const ps = this.#pieces;
    while (ps.length - this.#head > 1 && this.#bytes - ps[this.#head]!.len >= cap) {
      this.#bytes -= ps[this.#head]!.len;
      this.#head++;
    }
    if (this.#head > 64 && this.#head * 2 > ps.length) {
      this.#pieces = ps.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Bytes [from, to) if all cached: a view, or a copy (into `into` when it is large enough). */
  slice(from: number, to: number, into?: Uint8Array): Uint8Array | null {
    const ps = this.#pieces;
    if (ps.length === this.#head || from >= to || to > this.end || from < ps[this.#head]!.start) return null;
    let lo = this.#head;
    let hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ps[mid]!.start <= from) lo = mid;
      else hi = mid - 1;
    }
    let i = lo;
    const first = ps[i]!;
    if (to <= first.start + first.len) return first.buf.subarray(first.off + from - first.start, first.off + to - first.start);
    const out = into && into.length >= to - from ? into.subarray(0, to - from) : Buffer.allocUnsafe(to - from);
    let at = 0;
    for (let pos = from; pos < to; i++) {
      const p = ps[i]!;
      const n = Math.min(to, p.start + p.len) - pos;
      const s = p.off + pos - p.start;
      out.set(p.buf.subarray(s, s + n), at);
      at += n;
      pos += n;
    }
    return out;
  }
}
