// LayerNormalization(X, Scale, B?) {axis, epsilon} (opset 17): each row X[i0…i(axis-1), :] over the
// trailing dims from `axis` on is normalized to zero mean and unit variance, then scaled and shifted;
// Scale and B broadcast to those trailing dims. Optional outputs Mean and InvStdDev have the row
// dims followed by 1s.
import { Dim, Node } from '../graph.js';
import { OpDef, attrFloat, attrInt, broadcastShapes, expectDType, fail, input, normalizeAxis, registerOp } from '../op-registry.js';
import { broadcastIndexer } from '../reference.js';
import { makeTensor, sizeOf } from '../tensor.js';

/** LayerNormalization's attributes: the first normalized axis (not yet normalized against the rank) and epsilon. */
export interface LayerNormalizationAttrs { axis: number; epsilon: number }

export function layerNormalizationAttrs(node: Node): LayerNormalizationAttrs {
  return { axis: attrInt(node, 'axis'), epsilon: attrFloat(node, 'epsilon') };
}

export const layerNormalization: OpDef = {
  name: 'LayerNormalization',
  group: 'normalization',
  description: '(x - mean) / sqrt(var + epsilon) * scale + bias over the trailing dims from axis',
  infer(ctx) {
    const { node } = ctx;
    const dtype = expectDType(ctx, 0, ['float32', 'float64']);
    const x = input(ctx, 0);
    const rank = x.shape.length;
    const axis = normalizeAxis(node, layerNormalizationAttrs(node).axis, rank);
    const tail = x.shape.slice(axis);
    for (const [i, what] of [[1, 'Scale'], [2, 'B']] as const) {
      const t = ctx.inputs[i];
      if (!t) { if (i === 1) input(ctx, 1); continue; }
      if (t.dtype !== dtype) fail(node, `${what} (input ${i}) has dtype ${t.dtype}, X has ${dtype}`, 'DTYPE_MISMATCH');
      const b = t.shape.length <= tail.length ? broadcastShapes(node, [t.shape, tail]) : undefined;
      if (!b || b.some((d, k) => typeof d === 'number' && typeof tail[k] === 'number' && d !== tail[k])) {
        fail(node, `${what} (input ${i}) of shape [${t.shape}] does not broadcast to the normalized dims [${tail}]`);
      }
    }
    const stats: Dim[] = [...x.shape.slice(0, axis), ...tail.map(() => 1)];
    return [{ dtype, shape: [...x.shape] }, { dtype: 'float32', shape: stats }, { dtype: 'float32', shape: [...stats] }];
  },
  evaluate(node, [x, scale, bias]) {
    const dims = x!.dims;
    const attrs = layerNormalizationAttrs(node);
    const axis = normalizeAxis(node, attrs.axis, dims.length);
    const eps = attrs.epsilon;
    const tail = dims.slice(axis);
    const rows = sizeOf(dims.slice(0, axis)), n = sizeOf(tail);
    const stats = [...dims.slice(0, axis), ...tail.map(() => 1)];
    const y = makeTensor(x!.dtype, [...dims]), mean = makeTensor('float32', stats), inv = makeTensor('float32', stats);
    const X = x!.data as Float32Array, Y = y.data as Float32Array;
    const si = broadcastIndexer(scale!.dims, tail), bi = bias ? broadcastIndexer(bias.dims, tail) : undefined;
    // float32 rows are computed in float32 in the kernel's order (four lane sums added pairwise,
    // then the tail), so that folding gives the kernel's bits, also where the squares overflow.
    const round = x!.dtype === 'float32' ? Math.fround : (v: number) => v;
    const sum = (term: (k: number) => number) => {
      const lanes = [0, 0, 0, 0], n4 = n - (n % 4);
      for (let k = 0; k < n4; k++) lanes[k % 4] = round(lanes[k % 4]! + term(k));
      let s = round(round(lanes[0]! + lanes[1]!) + round(lanes[2]! + lanes[3]!));
      for (let k = n4; k < n; k++) s = round(s + term(k));
      return s;
    };
    for (let r = 0; r < rows; r++) {
      const xAt = (k: number) => X[r * n + k]!;
      const m = round(sum(xAt) / n);
      const v = sum((k) => { const d = round(xAt(k) - m); return round(d * d); });
      const rstd = round(1 / round(Math.sqrt(round(round(v / n) + round(eps)))));
      for (let k = 0; k < n; k++) {
        const scaled = round(round(round(xAt(k) - m) * rstd) * Number(scale!.data[si(k)]));
        Y[r * n + k] = bias ? round(scaled + Number(bias.data[bi!(k)])) : scaled;
      }
      (mean.data as Float32Array)[r] = m;
      (inv.data as Float32Array)[r] = rstd;
    }
    return [y, mean, inv];
  },
  flops(ctx) { return 8 * sizeOf(input(ctx, 0).shape.filter((d): d is number => typeof d === 'number')); },
};

registerOp(layerNormalization);
