// Deadlines of a coordinator as data: keyed timers in a binary heap, fired by `due(now)`. The
// coordinator never calls setTimeout itself; the runtime arms one real timer for `next()` and
// tests move a mock clock. Rescheduling a key replaces its deadline (lazy deletion in the heap).

interface Entry {
  at: number;
  seq: number;
  key: string;
}

export class Deadlines<T> {
  readonly #heap: Entry[] = [];
  readonly #live = new Map<string, { seq: number; at: number; value: T }>();
  #seq = 0;

  get size(): number {
    return this.#live.size;
  }

  schedule(key: string, at: number, value: T): void {
    const seq = ++this.#seq;
    this.#live.set(key, { seq, at, value });
    this.#push({ at, seq, key });
  }

  cancel(key: string): boolean {
    return this.#live.delete(key);
  }

  has(key: string): boolean {
    return this.#live.has(key);
  }

  deadline(key: string): number | undefined {
    return this.#live.get(key)?.at;
  }

  /** Earliest live deadline, or undefined. */
  next(): number | undefined {
    this.#dropStale();
    return this.#heap[0]?.at;
  }

  /** Removes and returns the earliest entry due at `now`, or undefined. Call until undefined. */
  pop(now: number): { key: string; at: number; value: T } | undefined {
    this.#dropStale();
    const top = this.#heap[0];
    if (!top || top.at > now) return undefined;
    this.#popTop();
    const e = this.#live.get(top.key)!;
    this.#live.delete(top.key);
    return { key: top.key, at: e.at, value: e.value };
  }

  clear(): void {
    this.#heap.length = 0;
    this.#live.clear();
  }

  #dropStale(): void {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!;
      const e = this.#live.get(top.key);
      if (e && e.seq === top.seq) return;
      this.#popTop();
    }
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #popTop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
