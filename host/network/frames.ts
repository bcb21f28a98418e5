// Splits a byte stream into Kafka frames: a 4-byte big-endian size, then `size` bytes.
//
// A state machine fed arbitrary chunks. Frames that lie inside one chunk are returned as views
// of it (no copy); only a frame split across chunks is copied, once, into its own buffer. The
// size is checked against the limit before any byte of the frame is buffered, so a peer cannot
// make the broker hold more than `maxFrameBytes` (+ one chunk) per connection.

export type FrameError = { code: 'FRAME_TOO_LARGE' | 'FRAME_SIZE_INVALID'; size: number };

export class FrameDecoder {
  readonly #max: number;
  /** Bytes of an incomplete size prefix (0..3 bytes). */
  #prefix = Buffer.alloc(4);
  #prefixLen = 0;
  /** The frame being assembled across chunks, and how much of it is filled. */
  #frame: Buffer | null = null;
  #filled = 0;

  constructor(maxFrameBytes: number) {
    this.#max = maxFrameBytes;
  }

  /** Bytes currently held for incomplete frames. */
  get buffered(): number {
    return this.#prefixLen + this.#filled;
  }

  /** Feeds one chunk; calls onFrame for each complete frame. Returns an error to close on. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): FrameError | null {
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (this.#frame !== null) {
        const n = Math.min(this.#frame.length - this.#filled, len - pos);
        chunk.copy(this.#frame, this.#filled, pos, pos + n);
        this.#filled += n;
        pos += n;
        if (this.#filled === this.#frame.length) {
          const f = this.#frame;
          this.#frame = null;
          this.#filled = 0;
          onFrame(f);
        }
        continue;
      }
      let size: number;
      if (this.#prefixLen === 0 && len - pos >= 4) {
        size = chunk.readInt32BE(pos);
        pos += 4;
      } else {
        while (this.#prefixLen < 4 && pos < len) this.#prefix[this.#prefixLen++] = chunk[pos++]!;
        if (this.#prefixLen < 4) return null;
        size = this.#prefix.readInt32BE(0);
        this.#prefixLen = 0;
      }
      if (size <= 0) return { code: 'FRAME_SIZE_INVALID', size };
      if (size > this.#max) return { code: 'FRAME_TOO_LARGE', size };
      if (len - pos >= size) {
        onFrame(chunk.subarray(pos, pos + size));
        pos += size;
      } else {
        this.#frame = Buffer.allocUnsafe(size);
        this.#filled = 0;
      }
    }
    return null;
  }
}
