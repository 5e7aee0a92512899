// Range: element i = start + i * delta, with start and delta read at run time. Floats are
// computed in f64 and rounded once on store. The length is static, or (with run-time dims) a dim
// expression of the model's symbols, e.g. Range(0, Shape(ids)[1]) of length `sequence`.
import { DType } from '@onnx2wasm/ir';
import { KernelHost, LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { convert, scalarType } from '../emit/scalar-types.js';
import { computesDims, valueDims } from '../emit/value-shaped.js';
import { rangeDims } from '../emit/value-shaped-ops.js';

function rangeKernel(ctx: KernelHost, dtype: DType, start: I32, delta: I32, out: () => I32, n: () => I32): Expr[] {
  const { fn } = ctx;
  const t = scalarType(dtype);
  if (!t) unsupported(ctx, `dtype ${dtype}`);
  if (n() === 0) return [];
  const i = fn.local('i32');
  const wide = t.float ? 'f64' : t.wasm;
  const s = fn.local(wide), d = fn.local(wide);
  const widen = (v: Expr) => (t.wasm === 'f32' ? fn.num('f64', 'promote', v) : v);
  const index = (): Expr => (wide === 'f64' ? fn.num('f64', 'convert_s.i32', i.get()) : wide === 'i64' ? fn.i32ToI64(i.get()) : i.get());
  const value = fn.num(wide, 'add', s.get(), fn.num(wide, 'mul', index(), d.get()));
  const at = (): I32 => fn.add(fn.mul(i.get(), t.bytes), out());
  // A run-time length is limit - start as inference assumed; a negative one (limit below start)
  // would size the output negatively: trap instead (RuntimeError EXECUTION_FAILED).
  const check = typeof n() === 'number' ? [] : [fn.if(fn.ltS(n(), 0), [fn.failCheck()])];
  return [
    ...check,
    s.set(widen(t.load(ctx, start))),
    d.set(widen(t.load(ctx, delta))),
    fn.for(i, 0, n(), 1, [t.store(ctx, at(), t.wasm === 'f32' ? fn.num('f32', 'demote', value) : value)]),
  ];
}

registerLowering({
  ops: ['Range'],
  runTimeDims: true,
  computedDims: valueDims(),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerRangeRunTime(context);
    const [s, , d] = ctx.inputs, y = ctx.outputs[0]!;
    return rangeKernel(ctx, y.dtype, s!.addr, d!.addr, () => y.addr, () => y.dims[0] as number);
  },
});

function lowerRangeRunTime(ctx: LowerContext): Expr[] {
  const [s, , d] = ctx.inputs, y = ctx.outputs[0]!;
  const t = scalarType(y.dtype), f64 = scalarType('float64')!;
  // Limits read at run time: the length is computed (and published) first, then read by y.dim(0).
  const length = computesDims(ctx) && t ? rangeDims(ctx, (i) => convert(ctx.fn, t, f64, t.load(ctx, ctx.inputs[i]!.addr()))) : [];
  return [...length, ...rangeKernel(ctx, y.dtype, s!.addr(), d!.addr(), () => y.addr(), () => y.dim(0))];
}
