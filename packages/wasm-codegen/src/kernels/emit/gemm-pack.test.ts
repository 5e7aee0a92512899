import { describe, expect, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { PANEL } from './gemm-core.js';
import { packB, packedTailOffset } from './gemm-pack.js';

describe('packB', () => {
  for (const [K, N] of [[3, 11], [5, 8], [2, 3], [4, 17]] as const) {
    it(`[${K}, ${N}]: full panels of ${PANEL} columns, then a compact tail, nothing else`, () => {
      const src = Float32Array.from({ length: K * N }, (_, i) => i + 1);
      const packed = packB(makeTensor('float32', [K, N], src)).data as Float32Array;
      expect(packed.length).toBe(K * N);
      const full = Math.floor(N / PANEL), rest = N % PANEL;
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < N; j++) {
          const at = j < full * PANEL
            ? (Math.floor(j / PANEL) * K + k) * PANEL + (j % PANEL)
            : packedTailOffset(K, N) + k * rest + (j - full * PANEL);
          expect(packed[at]).toBe(src[k * N + j]);
        }
      }
    });
  }
});
