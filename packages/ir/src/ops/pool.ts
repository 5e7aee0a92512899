// MaxPool and AveragePool over the spatial axes of an NC... tensor, with explicit pads (the
// importer resolves auto_pad), strides, dilations and ceil_mode. Padding never wins a max; an
// average divides by the taps inside the input, or with count_include_pad by the taps inside the
// padded input (a ceil_mode overhang past the end padding never counts, as in PyTorch). MaxPool's
// optional Indices output holds the flat input offset of each max (spatial axes column-major
// with storage_order 1).
import { Node } from '../graph.js';
import { OpDef, attrInt, attrInts, expectDType, fail, input, registerOp } from '../op-registry.js';
import { indices } from '../reference.js';
import { Tensor, makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { WindowAttrs, WindowGeometry, outputLength, outputSpatial, readGeometry, tapPosition, windowAttrs } from './spatial.js';

type PoolKind = 'max' | 'average';

/** The attributes of MaxPool, AveragePool and their channels-last forms. */
export interface PoolAttrs extends WindowAttrs {
  kernelShape: number[];
  ceilMode: boolean;
  /** AveragePool: divide by the taps inside the padded input, not the ones inside the input (false for MaxPool). */
  countIncludePad: boolean;
  /** MaxPool's Indices count the spatial axes column-major (storage_order 1); read only when the node has Indices. */
  columnMajorIndices: boolean;
}

export function poolAttrs(node: Node): PoolAttrs {
  const average = node.op === 'AveragePool' || node.op === 'NhwcAveragePool';
  return {
    ...windowAttrs(node),
    kernelShape: attrInts(node, 'kernel_shape'),
    ceilMode: attrInt(node, 'ceil_mode') !== 0,
    countIncludePad: average && attrInt(node, 'count_include_pad') !== 0,
    columnMajorIndices: !average && !!node.outputs[1] && attrInt(node, 'storage_order') !== 0,
  };
}

function geometry(node: Node, rank: number): WindowGeometry {
  const a = poolAttrs(node);
  return readGeometry(node, rank, a.kernelShape, { ceilMode: a.ceilMode });
}

/** Visits every output element with the in-input taps and the count of taps inside the padded input. */
function poolReference(node: Node, x: Tensor, reduce: (vals: number[], paddedCount: number, at: number[]) => number): Tensor {
  const rank = x.dims.length - 2;
  const geo = geometry(node, rank);
  const [N, C] = x.dims as [number, number];
  const inSp = x.dims.slice(2), outSp = inSp.map((d, a) => outputLength(node, geo, a, d));
  const y = makeTensor(x.dtype, [N, C, ...outSp]);
  const X = x.data as Float32Array, Y = y.data as Float32Array;
  const inStr = stridesOf(inSp), planeIn = sizeOf(inSp);
  // MaxPool's Indices count the spatial axes column-major with storage_order 1.
  const idxStr = poolAttrs(node).columnMajorIndices ? stridesOf([...inSp].reverse()).reverse() : inStr;
  let yi = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (const o of indices(outSp)) {
      const vals: number[] = [], at: number[] = [];
      let paddedCount = 0;
      for (const k of indices(geo.kernel)) {
        let xi = 0, ii = 0, inside = true, insidePadded = true;
        for (let a = 0; a < rank; a++) {
          const p = tapPosition(geo, a, o[a]!, k[a]!);
          if (p < 0 || p >= inSp[a]!) inside = false;
          if (p < -geo.pads[a]! || p >= inSp[a]! + geo.pads[a + rank]!) insidePadded = false;
          xi += p * inStr[a]!;
          ii += p * idxStr[a]!;
        }
        if (insidePadded) paddedCount++;
        if (inside) { vals.push(X[plane * planeIn + xi]!); at.push(plane * planeIn + ii); }
      }
      Y[yi++] = reduce(vals, paddedCount, at);
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
      // MaxPool also takes 8-bit integers (opset 12), which only compare.
      const dtype = expectDType(ctx, 0, kind === 'max' ? ['float32', 'float64', 'int8', 'uint8'] : ['float32', 'float64']);
      const x = input(ctx, 0).shape;
      if (x.length < 3) fail(node, `input X has rank ${x.length} (shape [${x}]); expected N, C and at least one spatial axis`);
      const withIndices = node.outputs.length > 1 && !!node.outputs[1];
      if (withIndices && kind !== 'max') fail(node, 'only MaxPool has an Indices output', 'INVALID_ATTRIBUTE');
      const geo = geometry(node, x.length - 2);
      // A pad as wide as the window would create windows that see only padding.
      geo.kernel.forEach((k, a) => {
        const span = geo.dilations[a]! * (k - 1) + 1;
        if (geo.pads[a]! >= span || geo.pads[a + geo.kernel.length]! >= span) fail(node, `pads [${geo.pads}] must be smaller than the window extent ${span} on axis ${a}`, 'INVALID_ATTRIBUTE');
      });
      const shape = [x[0]!, x[1]!, ...outputSpatial(node, geo, x.slice(2))];
      return withIndices ? [{ dtype, shape }, { dtype: 'int64', shape }] : [{ dtype, shape }];
    },
    evaluate(node, [x]) {
      if (kind === 'max') {
        // The first tap holding the max (a NaN wins and stays); its flat input offset is the Indices value.
        const picked: number[] = [];
        const y = poolReference(node, x!, (v, _, at) => {
          if (v.length === 0) { picked.push(-1); return -Infinity; }
          let best = 0;
          for (let i = 1; i < v.length; i++) if (!Number.isNaN(v[best]!) && (Number.isNaN(v[i]!) || v[i]! > v[best]!)) best = i;
          picked.push(at[best]!);
          return v[best]!;
        });
        return node.outputs[1] ? [y, makeTensor('int64', y.dims, BigInt64Array.from(picked, BigInt))] : [y];
      }
      const includePad = poolAttrs(node).countIncludePad;
      return [poolReference(node, x!, (v, padded) => v.reduce((s, e) => s + e, 0) / (includePad ? padded : v.length))];
    },
    flops(ctx, [y]) {
      return sizeOf(y!.shape as number[]) * sizeOf(poolAttrs(ctx.node).kernelShape);
    },
  };
}

registerOp(poolDef('MaxPool', 'max'));
registerOp(poolDef('AveragePool', 'average'));
