import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameDecoder } from '../../host/network/frames.js';

function frame(payload: Uint8Array): Buffer {
  const b = Buffer.alloc(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  b.set(payload, 4);
  return b;
}

describe('FrameDecoder', () => {
  it('returns frames inside one chunk as views without copying', () => {
    const d = new FrameDecoder(1024);
    const chunk = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('defg'))]);
    const out: Buffer[] = [];
    expect(d.push(chunk, (f) => out.push(f))).toBeNull();
    expect(out.map((f) => f.toString())).toEqual(['abc', 'defg']);
    expect(out[0]!.buffer).toBe(chunk.buffer);
    expect(d.buffered).toBe(0);
  });

  it('reassembles frames split at every possible point', () => {
    const stream = Buffer.concat([frame(Buffer.from('hello')), frame(Buffer.from('w')), frame(Buffer.from('0123456789'))]);
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        const d = new FrameDecoder(64);
        const out: string[] = [];
        for (const part of [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]) {
          expect(d.push(part, (f) => out.push(f.toString()))).toBeNull();
        }
        expect(out).toEqual(['hello', 'w', '0123456789']);
      }
    }
  });

  it('matches the input for arbitrary frames and chunkings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 10 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map(frame));
          const d = new FrameDecoder(300);
          const out: Buffer[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length]!;
            expect(d.push(stream.subarray(pos, pos + n), (f) => out.push(Buffer.from(f)))).toBeNull();
            pos += n;
          }
          expect(out).toEqual(payloads.map((p) => Buffer.from(p)));
        },
      ),
    );
  });

  it('rejects a frame over the limit before buffering it', () => {
    const d = new FrameDecoder(100);
    const hdr = Buffer.alloc(4);
    hdr.writeInt32BE(101, 0);
    expect(d.push(hdr, () => {})).toEqual({ code: 'FRAME_TOO_LARGE', size: 101 });
    expect(d.buffered).toBe(0);
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(0x7fffffff, 0);
    expect(new FrameDecoder(100).push(huge, () => {})).toEqual({ code: 'FRAME_TOO_LARGE', size: 0x7fffffff });
  });

  it('rejects zero and negative sizes', () => {
    expect(new FrameDecoder(100).push(Buffer.from([0, 0, 0, 0]), () => {})?.code).toBe('FRAME_SIZE_INVALID');
    expect(new FrameDecoder(100).push(Buffer.from([0xff, 0xff, 0xff, 0xfe]), () => {})?.code).toBe('FRAME_SIZE_INVALID');
  });
});
