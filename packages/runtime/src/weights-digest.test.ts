import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Fallback, sha256Hex } from './weights-digest.js';

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('weights digest', () => {
  it('the fallback SHA-256 matches node:crypto at every padding boundary and on a large buffer', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
      expect(hex(sha256Fallback(b)), `length ${n}`).toBe(nodeSha(b));
    }
    const big = new Uint8Array(3_000_001).map((_, i) => (i * 2654435761) >>> 24);
    expect(hex(sha256Fallback(big.subarray(1)))).toBe(nodeSha(big.subarray(1)));
  });
  it('Web Crypto and the fallback agree (views with an offset included)', async () => {
    const b = new Uint8Array(4096).map((_, i) => i & 255).subarray(3, 4000);
    expect(await sha256Hex(b)).toBe(nodeSha(b));
  });
});
