// Shape and ConstantOfShape have compile-time results when shapes are static (fold-constants
// normally removes them); the kernels just write those values. ConstantOfShape of a shape computed
// from run-time dims fills a run-time count.
import { DType, constantOfShapeAttrs, shapeRange, sizeOf } from '@onnx2wasm/ir';
import { KernelHost, LowerContext, registerLowering, staticView, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { scalarType } from '../emit/scalar-types.js';
import { computesDims, valueDims } from '../emit/value-shaped.js';
import { constantOfShapeDims } from '../emit/value-shaped-ops.js';

registerLowering({
  ops: ['Shape'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const rank = x.dims.length;
    const [start] = shapeRange(node, rank);
    const dims = x.dims.slice(start, start + y.dims[0]!);
    return dims.map((d, i) => fn.storeI64(y.addr + 8 * i, fn.constOf('i64', d)));
  },
});

/** Fills `n` elements at `y` (a number, or run-time for a shape computed from the symbols) with the attribute's value. */
function fillConstant(ctx: KernelHost, dtype: DType, y: () => I32, n: I32): Expr[] {
  const { fn, node } = ctx;
  const t = scalarType(dtype);
  if (!t) unsupported(ctx, `dtype ${dtype}`);
  if (n === 0) return [];
  const value = constantOfShapeAttrs(node).value.data[0]!;
  if (value === 0 || value === 0n) return [fn.fill(y(), 0, typeof n === 'number' ? n * t.bytes : fn.mul(n, t.bytes))];
  const j = fn.local('i32');
  const at = (shift: number): I32 => { const a = y(); return typeof a === 'number' ? fn.shl(j.get(), shift) : fn.add(fn.shl(j.get(), shift), a); };
  const off = (a: I32) => (typeof a === 'number' ? a : 0);
  if (t.dtype === 'float16') {
    // float16 attribute data holds the raw half bits: store them as they are.
    return [fn.for(j, 0, n, 1, [fn.store16(at(1), fn.i(Number(value)), off(y()))])];
  }
  const shift = Math.log2(t.bytes);
  return [fn.for(j, 0, n, 1, [t.store(ctx, at(shift), fn.constOf(t.wasm, t.dtype === 'bool' ? Number(!!value) : value), off(y()))])];
}

registerLowering({
  ops: ['ConstantOfShape'],
  runTimeDims: true,
  computedDims: valueDims(),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerConstantOfShapeRunTime(context);
    const y = ctx.outputs[0]!;
    return fillConstant(ctx, y.dtype, () => y.addr, sizeOf(y.dims));
  },
});

/**
 * The shape is a dim expression of the symbols (T5's relative-position buckets, [seq, seq]), or
 * read at run time: then its values are the dims (published first, then read by count()).
 */
function lowerConstantOfShapeRunTime(ctx: LowerContext): Expr[] {
  const y = ctx.outputs[0]!;
  const dims = computesDims(ctx) ? constantOfShapeDims(ctx) : [];
  return [...dims, ...fillConstant(ctx, y.dtype, () => y.addr(), y.count())];
}
