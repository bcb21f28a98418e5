// A bound on the closed segments whose indexes sit in the WASM core's memory.
//
// A closed segment's .index/.timeindex are loaded on first use (lookups, reads, compaction) and, in
// Kafka, stay mapped for the life of the process. kwasm keeps them in the core's linear memory,
// which never shrinks, so one cache per FileStorage keeps at most `capacity` closed segments loaded,
// least recently used first out. Active segments (their in-memory index is the only current copy)
// and segments with reads in flight are never unloaded; an unloaded segment keeps what the log
// needs without its indexes (size, offsets, max timestamp, aborted transactions) and reloads its
// index files lazily on next use.

export interface Unloadable {
  /** Frees the loaded indexes; false when the segment cannot be unloaded now (active, pinned, loading). */
  unloadIndexes(): boolean;
}

export class IndexCache {
  readonly capacity: number;
  /** Loaded closed segments, least recently used first (a Set keeps insertion order). */
  readonly #lru = new Set<Unloadable>();
  #unloads = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  /** Number of closed segments with loaded indexes. */
  get size(): number {
    return this.#lru.size;
  }

  /** Total unloads so far (metrics, tests). */
  get unloads(): number {
    return this.#unloads;
  }

  has(seg: Unloadable): boolean {
    return this.#lru.has(seg);
  }

  /** Marks `seg` (loaded, closed) as just used, unloading the least recently used beyond capacity. */
  touch(seg: Unloadable): void {
    this.#lru.delete(seg);
    this.#lru.add(seg);
    if (this.#lru.size > this.capacity) this.#evict(seg);
  }

  /** Forgets `seg` (it became active, was unloaded, closed or deleted). */
  remove(seg: Unloadable): void {
    this.#lru.delete(seg);
  }

  #evict(keep: Unloadable): void {
    for (const s of this.#lru) {
      if (this.#lru.size <= this.capacity) return;
      if (s === keep) continue;
      if (s.unloadIndexes()) {
        this.#lru.delete(s);
        this.#unloads++;
      }
    }
  }
}
