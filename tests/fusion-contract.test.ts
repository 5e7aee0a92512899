// The optimizer decides what to fuse, the codegen must be able to run it: keep the two in step.
import { describe, expect, it } from 'vitest';
import { FUSABLE_ELEMENTWISE, FUSABLE_EXPONENTS } from '@onnx2wasm/optimizer';
import { canFuseStep } from '@onnx2wasm/wasm-codegen';
import { ACTIVATIONS as RECURRENT_ACTIVATIONS, ELEMENTWISE_FUNCTIONS, UNARY_FUNCTIONS, functionNode, getOp, makeTensor } from '@onnx2wasm/ir';
import { UNARY_OPS } from '../packages/onnx-import/src/handlers/op-lists.js';
import { ACTIVATIONS as EPILOGUE_KINDS, type ActivationKind, activationFn } from '../packages/ir/src/ops/epilogue.js';

describe('fusion contract between optimizer and codegen', () => {
  it('every op the optimizer fuses has a fused kernel step', () => {
    for (const op of FUSABLE_ELEMENTWISE) {
      if (op === 'Pow') for (const e of FUSABLE_EXPONENTS) expect(canFuseStep('Pow', { exponent: e }), `Pow ${e}`).toBe(true);
      else expect(canFuseStep(op), op).toBe(true);
    }
  });
});

describe('the table of elementwise functions (ir elementwise-functions.ts)', () => {
  const ops = ELEMENTWISE_FUNCTIONS.filter((f) => f.irOp);

  it('every function with an IR op is imported from ONNX, a Unary function, and evaluates as the table says', () => {
    const xs = [-30, -3, -1.5, -0.25, -0, 0, 0.1, 0.5, 1, 2.5, 7, 30, NaN];
    for (const f of ops) {
      expect(UNARY_OPS, f.id).toContain(f.id);
      expect(UNARY_FUNCTIONS[f.id]?.description, f.id).toBe(f.description);
      const x = makeTensor('float64', [xs.length], xs);
      // The node as the importer writes it: every parameter explicit (the table's defaults).
      const attrs = Object.fromEntries(f.params.map((p) => [p.name, p.default]));
      const [y] = getOp('Unary')!.evaluate(functionNode('n', f.id, ['x'], ['y'], attrs), [x]);
      const want = xs.map((v) => f.reference(v, f.params.map((p) => p.default)));
      expect(Array.from(y!.data as Float64Array), f.id).toEqual(want);
    }
  });

  it('the recurrent gates are exactly the functions flagged recurrent', () => {
    expect(Object.keys(RECURRENT_ACTIVATIONS).sort()).toEqual(ELEMENTWISE_FUNCTIONS.filter((f) => f.recurrent).map((f) => f.id).sort());
    for (const f of ELEMENTWISE_FUNCTIONS.filter((g) => g.recurrent)) {
      const [a = 0, b = 0] = f.params.map((p) => p.default);
      expect(RECURRENT_ACTIVATIONS[f.id]!(0.75, a, b), f.id).toBe(f.reference(0.75, [a, b]));
    }
  });

  it('the optimizer fuses exactly the functions flagged fusable, and epilogues compute the table reference', () => {
    for (const f of ELEMENTWISE_FUNCTIONS) expect(FUSABLE_ELEMENTWISE.includes(f.id), f.id).toBe(f.fusable);
    for (const f of ELEMENTWISE_FUNCTIONS.filter((g) => g.epilogue)) {
      expect(EPILOGUE_KINDS as readonly string[], f.id).toContain(f.epilogue);
      const params = f.params.map((p) => p.default);
      const act = activationFn({ kind: f.epilogue as ActivationKind, params });
      for (const x of [-2, -0.5, 0, 0.3, 4]) expect(act(x), `${f.id}(${x})`).toBe(f.reference(x, params));
    }
  });
});
