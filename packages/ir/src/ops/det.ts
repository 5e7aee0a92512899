// Det(X [..., M, M]) → [...]: the determinant of each square matrix in the batch, by Gaussian
// elimination with partial pivoting in float64 (each row swap flips the sign; the product of the
// pivots is the determinant).
import { FLOAT_DTYPES } from '../dtype.js';
import { OpDef, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf, toNumbers } from '../tensor.js';

/** Determinant of the row-major M x M matrix `a` (overwritten). */
export function determinant(a: number[], M: number): number {
  let det = 1;
  for (let k = 0; k < M; k++) {
    let p = k;
    for (let i = k + 1; i < M; i++) if (Math.abs(a[i * M + k]!) > Math.abs(a[p * M + k]!)) p = i;
    if (p !== k) {
      for (let j = 0; j < M; j++) [a[k * M + j], a[p * M + j]] = [a[p * M + j]!, a[k * M + j]!];
      det = -det;
    }
    const pivot = a[k * M + k]!;
    det *= pivot;
    if (pivot === 0) continue;
    for (let i = k + 1; i < M; i++) {
      const f = a[i * M + k]! / pivot;
      for (let j = k + 1; j < M; j++) a[i * M + j]! -= f * a[k * M + j]!;
    }
  }
  return det;
}

export const det: OpDef = {
  name: 'Det',
  group: 'linalg',
  description: 'determinant of each square matrix over the last two axes',
  infer(ctx) {
    const dtype = expectDType(ctx, 0, FLOAT_DTYPES);
    const x = input(ctx, 0).shape;
    const [m, n] = x.slice(-2);
    if (x.length < 2) fail(ctx.node, `input X has rank ${x.length}; expected [..., M, M]`);
    if (typeof m === 'number' && typeof n === 'number' && m !== n) fail(ctx.node, `matrices [${m}, ${n}] are not square`);
    return [{ dtype, shape: x.slice(0, -2) }];
  },
  evaluate(_node, [x]) {
    const M = x!.dims[x!.dims.length - 1]!;
    const batch = x!.dims.slice(0, -2);
    const all = toNumbers(x!);
    const out = Array.from({ length: sizeOf(batch) }, (_, b) => determinant(all.slice(b * M * M, (b + 1) * M * M), M));
    return [makeTensor(x!.dtype, batch, out)];
  },
  flops(ctx) {
    const x = ctx.inputs[0]!.shape as number[];
    const M = x[x.length - 1]!;
    return sizeOf(x.slice(0, -2)) * (2 * M * M * M) / 3;
  },
};

registerOp(det);
