import { describe, expect, it } from 'vitest';
import { loadCore } from '../../host/core/wasm.js';

describe('crc32c (RFC 3720 vectors)', () => {
  const core = loadCore();
  it('32 zero bytes', () => expect(core.crc32c(new Uint8Array(32))).toBe(0x8a9136aa));
  it('32 x 0xFF', () => expect(core.crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43));
  it('0..31', () => expect(core.crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e));
  it('31..0', () => expect(core.crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c));
  it('123456789', () => expect(core.crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283));
});
