// Reshape(data, shape) {allowzero}: the shape input may hold 0 (copy the input's dim, unless
// allowzero=1 where it means a real 0) and one -1 (whatever is left). The ONNX opset-1 attribute
// form is turned into this input form by the importer.
import { Dim, Node } from '../graph.js';
import { OpDef, attrInt, fail, input, registerOp } from '../op-registry.js';
import { cloneTensor } from '../reference.js';
import { dimValues, staticProduct, unknownDim, unknownShape } from './shape-util.js';
import { dimDiv, dimProduct } from '../dim-expr.js';

/**
 * The output shape of a reshape of `inShape` to `spec`. Spec entries may be dim expressions (a
 * computed shape known symbolically); the -1 is the element count divided by the other dims, exactly.
 */
export function reshapeDims(node: Node, inShape: readonly Dim[], spec: readonly Dim[], allowzero: boolean): Dim[] {
  let inferAt = -1;
  const out: Dim[] = spec.map((v, i) => {
    if (typeof v === 'string') return v;
    if (v === -1) {
      if (inferAt >= 0) fail(node, `shape [${spec}] has more than one -1`, 'INVALID_ATTRIBUTE');
      inferAt = i;
      return -1;
    }
    if (v < -1 || !Number.isInteger(v)) fail(node, `shape [${spec}] has invalid entry ${v}`, 'INVALID_ATTRIBUTE');
    if (v === 0 && !allowzero) {
      if (i >= inShape.length) fail(node, `shape [${spec}] copies dim ${i} (0), but the input has rank ${inShape.length}`);
      return inShape[i]!;
    }
    return v;
  });
  if (allowzero && inferAt >= 0 && spec.includes(0)) fail(node, `shape [${spec}] has both 0 and -1 with allowzero=1`, 'INVALID_ATTRIBUTE');
  if (inferAt >= 0) {
    const num = dimProduct(inShape), den = dimProduct(out.filter((_, i) => i !== inferAt));
    if (den === 0) fail(node, `cannot infer the -1 in shape [${spec}]: the other dims multiply to 0`);
    if (typeof num === 'number' && typeof den === 'number' && num % den !== 0) fail(node, `cannot reshape [${inShape}] to [${spec}]: ${num} elements do not divide by ${den}`);
    out[inferAt] = dimDiv(num, den) ?? unknownDim(node, inferAt);
  }
  const a = staticProduct(inShape), b = staticProduct(out);
  if (a !== undefined && b !== undefined && a !== b) fail(node, `cannot reshape [${inShape}] (${a} elements) to [${out}] (${b} elements)`);
  return out;
}

/**
 * The output shape when only some entries of the target are known (a run-time batch next to
 * constant dims): a known positive entry or dim expression is the dim, a 0 copies the input's dim
 * (unless allowzero); an unknown entry or the -1 is a dim the run computes (the kernel checks the
 * element count, so the known dims hold whatever the run-time entries are).
 */
function partialReshapeDims(node: Node, inShape: readonly Dim[], part: readonly (Dim | undefined)[], allowzero: boolean): Dim[] {
  return part.map((v, i) => {
    if (v === undefined || v === -1) return unknownDim(node, i);
    if (typeof v === 'string') return v;
    if (v < -1 || !Number.isInteger(v)) fail(node, `shape has invalid entry ${v}`, 'INVALID_ATTRIBUTE');
    if (v === 0 && !allowzero) return i < inShape.length ? inShape[i]! : fail(node, `shape copies dim ${i} (0), but the input has rank ${inShape.length}`);
    return v;
  });
}

/** Whether a 0 in the target is a real 0 (allowzero=1) rather than a copy of the input's dim. */
export const reshapeAllowzero = (node: Node): boolean => attrInt(node, 'allowzero') !== 0;

export const reshape: OpDef = {
  name: 'Reshape',
  group: 'movement',
  description: 'same elements, new shape (0 copies a dim unless allowzero, -1 is inferred)',
  infer(ctx) {
    const x = input(ctx, 0), s = input(ctx, 1);
    if (s.dtype !== 'int64' && s.dtype !== 'int32') fail(ctx.node, `shape (input 1) must be int64, got ${s.dtype}`, 'DTYPE_MISMATCH');
    if (s.shape.length !== 1) fail(ctx.node, `shape (input 1) must be 1-D, got [${s.shape}]`);
    const spec = dimValues(ctx, 1, 'shape');
    if (!spec) {
      const rank = s.shape[0]!;
      if (typeof rank !== 'number') fail(ctx.node, 'the output rank (length of the shape input) must be known at compile time', 'DYNAMIC_SHAPE');
      const part = ctx.partial?.(1);
      if (!part || part.length !== rank) return [{ dtype: x.dtype, shape: unknownShape(ctx.node, rank) }];
      return [{ dtype: x.dtype, shape: partialReshapeDims(ctx.node, x.shape, part, reshapeAllowzero(ctx.node)) }];
    }
    return [{ dtype: x.dtype, shape: reshapeDims(ctx.node, x.shape, spec, reshapeAllowzero(ctx.node)) }];
  },
  evaluate(node, [x, s]) {
    const dims = reshapeDims(node, x!.dims, Array.from(s!.data, Number), reshapeAllowzero(node)) as number[];
    return [cloneTensor(x!, dims)];
  },
  flops: () => 0,
};

registerOp(reshape);
