// Transpose(x) {perm}: output dim i is input dim perm[i] (the importer writes ONNX's reversing default).
import { Node } from '../graph.js';
import { OpDef, attrInts, fail, input, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { indices } from '../reference.js';
import { Tensor, sizeOf, stridesOf } from '../tensor.js';

export interface TransposeAttrs { perm: number[] }

export function transposeAttrs(node: Node): TransposeAttrs {
  return { perm: attrInts(node, 'perm') };
}

/** The perm, checked to be a permutation of the input's axes. */
export function transposePerm(node: Node, rank: number): number[] {
  const { perm } = transposeAttrs(node);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    fail(node, `perm [${perm}] is not a permutation of 0..${rank - 1}`, 'INVALID_ATTRIBUTE');
  }
  return perm;
}

export const transpose: OpDef = {
  name: 'Transpose',
  group: 'movement',
  description: 'permute the dims (output dim i is input dim perm[i])',
  infer(ctx) {
    const x = input(ctx, 0);
    const perm = transposePerm(ctx.node, x.shape.length);
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }];
  },
  evaluate(node, [x]) {
    const perm = transposePerm(node, x!.dims.length);
    const outDims = perm.map((p) => x!.dims[p]!);
    const inStrides = stridesOf(x!.dims);
    const data = allocateArray(x!.dtype, sizeOf(outDims));
    let k = 0;
    for (const idx of indices(outDims)) {
      let src = 0;
      for (let i = 0; i < idx.length; i++) src += idx[i]! * inStrides[perm[i]!]!;
      (data as Float32Array)[k++] = (x!.data as Float32Array)[src]!;
    }
    return [{ dtype: x!.dtype, dims: outDims, data }];
  },
  flops: () => 0,
};

/** `t` with its dims permuted (output dim i is input dim perm[i]), by the reference. */
export function transposeTensor(t: Tensor, perm: number[]): Tensor {
  return transpose.evaluate({ name: '', op: 'Transpose', inputs: [''], outputs: [''], attrs: { perm } }, [t])[0]!;
}

registerOp(transpose);
