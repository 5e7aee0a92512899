// Helpers for reference `evaluate` implementations: slow and obvious on purpose.
import { DType, floatToHalf, halfToFloat, isBigInt } from './dtype.js';
import { Tensor, makeTensor, sizeOf, stridesOf } from './tensor.js';

export function broadcastDims(shapes: number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x !== 1) {
        if (d !== 1 && d !== x) throw new Error(`cannot broadcast [${shapes.map((s) => s.join(',')).join('] and [')}]`);
        d = x;
      }
    }
    out.push(d);
  }
  return out;
}

/** For each output index, the flat index into an input of shape `dims` broadcast to `outDims`. */
export function broadcastIndexer(dims: number[], outDims: number[]): (flat: number) => number {
  const rank = outDims.length;
  const padded = [...new Array(rank - dims.length).fill(1), ...dims];
  const inStrides = stridesOf(padded);
  const outStrides = stridesOf(outDims);
  return (flat) => {
    let idx = 0;
    for (let d = 0; d < rank; d++) {
      const c = Math.floor(flat / outStrides[d]!) % outDims[d]!;
      if (padded[d] !== 1) idx += c * inStrides[d]!;
    }
    return idx;
  };
}

/** Applies `fn` elementwise over broadcast inputs, as numbers (BigInt inputs converted). */
export function mapElementwise(inputs: Tensor[], outDtype: DType, fn: (...xs: number[]) => number): Tensor {
  const outDims = broadcastDims(inputs.map((t) => t.dims));
  const out = makeTensor(outDtype, outDims);
  const idx = inputs.map((t) => broadcastIndexer(t.dims, outDims));
  const n = sizeOf(outDims);
  const xs = new Array<number>(inputs.length);
  const big = isBigInt(outDtype);
  const read = inputs.map((t) => (t.dtype === 'float16' ? (j: number) => halfToFloat(t.data[j] as number) : (j: number) => Number(t.data[j]!)));
  const half = outDtype === 'float16';
  const bool = outDtype === 'bool';
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < inputs.length; k++) xs[k] = read[k]!(idx[k]!(i));
    const v = fn(...xs);
    if (big) (out.data as BigInt64Array)[i] = BigInt(Math.trunc(Number.isFinite(v) ? v : 0));
    else if (half) (out.data as Uint16Array)[i] = floatToHalf(v);
    else if (bool) (out.data as Uint8Array)[i] = v ? 1 : 0;
    else (out.data as Float32Array)[i] = v;
  }
  return out;
}

/** Iterates all multi-indices of `dims` in row-major order. */
export function* indices(dims: number[]): Generator<number[]> {
  const n = sizeOf(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield idx;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
}

export function cloneTensor(t: Tensor, dims = t.dims): Tensor {
  return { dtype: t.dtype, dims: [...dims], data: t.data.slice() };
}
