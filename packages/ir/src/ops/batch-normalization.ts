// BatchNormalization in inference mode: Y = (X - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + B[c]
// over channel axis 1. Training mode (batch statistics, running-stat outputs) is not an IR op.
import { Node } from '../graph.js';
import { OpDef, attrFloat, attrInt, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';

/** BatchNormalization's attributes; training_mode, when present, must be 0 (the importer expands training). */
export interface BatchNormalizationAttrs { epsilon: number; trainingMode: boolean }

export function batchNormalizationAttrs(node: Node): BatchNormalizationAttrs {
  return { epsilon: attrFloat(node, 'epsilon'), trainingMode: 'training_mode' in node.attrs && attrInt(node, 'training_mode') !== 0 };
}

export const batchNormalization: OpDef = {
  name: 'BatchNormalization',
  group: 'normalization',
  description: 'per-channel (axis 1) affine normalization with running mean/var (inference mode)',
  infer(ctx) {
    const { node } = ctx;
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    const x = input(ctx, 0).shape;
    // The op has no training_mode (the importer expands training): one set by hand is refused.
    if (batchNormalizationAttrs(node).trainingMode) fail(node, 'training_mode=1 is not supported (inference only)', 'UNSUPPORTED_OP');
    if (node.outputs.slice(1).some((o) => o)) fail(node, 'the running mean/var outputs (training mode) are not supported', 'UNSUPPORTED_OP');
    if (x.length < 2) fail(node, `input X has rank ${x.length}; expected at least [N, C]`);
    const names = ['scale', 'B', 'input_mean', 'input_var'];
    for (let i = 1; i <= 4; i++) {
      const t = input(ctx, i);
      if (t.dtype !== dtype) fail(node, `${names[i - 1]} has dtype ${t.dtype}; expected ${dtype}`, 'DTYPE_MISMATCH');
      const c = x[1];
      if (t.shape.length !== 1 || (typeof t.shape[0] === 'number' && typeof c === 'number' && t.shape[0] !== c)) {
        fail(node, `${names[i - 1]} has shape [${t.shape}]; expected [${c}] (one value per channel)`);
      }
    }
    return [{ dtype, shape: [...x] }];
  },
  evaluate(node, [x, scale, b, mean, variance]) {
    const eps = batchNormalizationAttrs(node).epsilon;
    const [N, C] = x!.dims as [number, number];
    const inner = sizeOf(x!.dims.slice(2));
    const y = makeTensor(x!.dtype, x!.dims);
    const X = x!.data as Float32Array, Y = y.data as Float32Array;
    // The kernel's affine map x * scale' + shift', scale' and shift' rounded to float32 once, so
    // that folding gives its bits, also where var + eps = 0 (scale' = Inf, shift' = NaN for a zero
    // mean: NaN throughout, as onnxruntime gives it). float64 keeps full precision.
    const round = x!.dtype === 'float32' ? Math.fround : (v: number) => v;
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
      const k = Number(scale!.data[c]) / Math.sqrt(Number(variance!.data[c]) + eps);
      const s = round(k), shift = round(Number(b!.data[c]) - Number(mean!.data[c]) * k);
      const base = (n * C + c) * inner;
      for (let i = 0; i < inner; i++) Y[base + i] = round(X[base + i]! * s) + shift;
    }
    return [y];
  },
  flops(ctx) {
    return 2 * sizeOf(input(ctx, 0).shape as number[]);
  },
};

registerOp(batchNormalization);
