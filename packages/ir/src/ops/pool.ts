// MaxPool and AveragePool over the spatial axes of an NC... tensor, with explicit pads (the
// importer resolves auto_pad), strides, dilations and ceil_mode. Padding never wins a max; an
// average divides by the taps inside the input, or with count_include_pad by the taps inside the
// padded input (a ceil_mode overhang past the end padding never counts, as in PyTorch).
import { Node } from '../graph.js';
import { OpDef, attrInt, attrInts, expectDType, fail, input, registerOp } from '../op-registry.js';
import { indices } from '../reference.js';
import { Tensor, makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { WindowGeometry, outputLength, outputSpatial, readGeometry, tapPosition } from './spatial.js';

type PoolKind = 'max' | 'average';

function geometry(node: Node, rank: number): WindowGeometry {
  return readGeometry(node, rank, attrInts(node, 'kernel_shape'), { ceilMode: true });
}

/** Visits every output element with the in-input taps and the count of taps inside the padded input. */
function poolReference(node: Node, x: Tensor, reduce: (vals: number[], paddedCount: number) => number): Tensor {
  const rank = x.dims.length - 2;
  const geo = geometry(node, rank);
  const [N, C] = x.dims as [number, number];
  const inSp = x.dims.slice(2), outSp = inSp.map((d, a) => outputLength(node, geo, a, d));
  const y = makeTensor(x.dtype, [N, C, ...outSp]);
  const X = x.data as Float32Array, Y = y.data as Float32Array;
  const inStr = stridesOf(inSp), planeIn = sizeOf(inSp);
  let yi = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (const o of indices(outSp)) {
      const vals: number[] = [];
      let paddedCount = 0;
      for (const k of indices(geo.kernel)) {
        let xi = 0, inside = true, insidePadded = true;
        for (let a = 0; a < rank; a++) {
          const p = tapPosition(geo, a, o[a]!, k[a]!);
          if (p < 0 || p >= inSp[a]!) inside = false;
          if (p < -geo.pads[a]! || p >= inSp[a]! + geo.pads[a + rank]!) insidePadded = false;
          xi += p * inStr[a]!;
        }
        if (insidePadded) paddedCount++;
        if (inside) vals.push(X[plane * planeIn + xi]!);
      }
      Y[yi++] = reduce(vals, paddedCount);
    }
  }
  return y;
}

function poolDef(name: string, kind: PoolKind): OpDef {
  return {
    name,
    group: 'reduce',
    description: kind === 'max'
      ? 'max over sliding windows of the spatial axes (padding ignored)'
      : 'mean over sliding windows of the spatial axes (count_include_pad selects the divisor)',
    infer(ctx) {
      const { node } = ctx;
      const dtype = expectDType(ctx, 0, ['float32', 'float64']);
      const x = input(ctx, 0).shape;
      if (x.length < 3) fail(node, `input X has rank ${x.length} (shape [${x}]); expected N, C and at least one spatial axis`);
      if (node.outputs.length > 1 && node.outputs[1]) fail(node, 'the Indices output is not supported', 'UNSUPPORTED_OP');
      const geo = geometry(node, x.length - 2);
      // A pad as wide as the window would create windows that see only padding.
      geo.kernel.forEach((k, a) => {
        const span = geo.dilations[a]! * (k - 1) + 1;
        if (geo.pads[a]! >= span || geo.pads[a + geo.kernel.length]! >= span) fail(node, `pads [${geo.pads}] must be smaller than the window extent ${span} on axis ${a}`, 'INVALID_ATTRIBUTE');
      });
      return [{ dtype, shape: [x[0]!, x[1]!, ...outputSpatial(node, geo, x.slice(2))] }];
    },
    evaluate(node, [x]) {
      if (kind === 'max') return [poolReference(node, x!, (v) => v.reduce((m, e) => (Number.isNaN(m) ? m : Number.isNaN(e) || e > m ? e : m), -Infinity))];
      const includePad = attrInt(node, 'count_include_pad', 0) !== 0;
      return [poolReference(node, x!, (v, padded) => v.reduce((s, e) => s + e, 0) / (includePad ? padded : v.length))];
    },
    flops(ctx, [y]) {
      return sizeOf(y!.shape as number[]) * sizeOf(attrInts(ctx.node, 'kernel_shape'));
    },
  };
}

registerOp(poolDef('MaxPool', 'max'));
registerOp(poolDef('AveragePool', 'average'));
