// The optimizer decides what to fuse, the codegen must be able to run it: keep the two in step.
import { describe, expect, it } from 'vitest';
import { FUSABLE_ELEMENTWISE, FUSABLE_EXPONENTS } from '@onnx2wasm/optimizer';
import { canFuseStep } from '@onnx2wasm/wasm-codegen';

describe('fusion contract between optimizer and codegen', () => {
  it('every op the optimizer fuses has a fused kernel step', () => {
    for (const op of FUSABLE_ELEMENTWISE) {
      if (op === 'Pow') for (const e of FUSABLE_EXPONENTS) expect(canFuseStep('Pow', { exponent: e }), `Pow ${e}`).toBe(true);
      else expect(canFuseStep(op), op).toBe(true);
    }
  });
});
