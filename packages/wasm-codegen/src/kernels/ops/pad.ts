// Pad with compile-time pads/axes, any dtype and mode. Each dim's output→input mapping is
// computed at compile time (padSource) into a table of byte offsets in the weights region; the
// outer dims walk those tables, and each output row is [left pad | memory.copy of the kept run |
// right pad]. In constant mode a padded outer index fills its whole block with the value, which
// is read once at run time (so a run-time constant_value works).
// With run-time dims (constant mode only: the tables above need static dims) the output is first
// filled with the value, then the kept block of the input is copied in with the movement loops.
import { DTYPE_BYTES, Dim, DType, dimAdd, dimMul, dimProduct, padAmounts, padMode, padSource, sizeOf, stridesOf, toNumbers } from '@onnx2wasm/ir';
import { LowerContext, constantInput, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { repeatCopy } from '../emit/repeat-copy.js';
import { scalarType } from '../emit/scalar-types.js';
import { DimLoop, copyElement, dimStrides } from '../emit/strided-loops.js';
import { computesDims, valueDims } from '../emit/value-shaped.js';
import { padByValues } from '../emit/value-shaped-ops.js';

function lowerPadDynamic(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!, v = ctx.inputs[2];
  const mode = padMode(node);
  if (mode !== 'constant') unsupported(ctx, `mode '${mode}' with run-time dims`);
  const need = (i: number, what: string) => ctx.inputs[i]?.constant ?? unsupported(ctx, `${what} (input ${i}) computed at run time, with run-time dims`);
  const pads = toNumbers(need(1, 'pads'));
  const axes = ctx.inputs[3] ? toNumbers(need(3, 'axes')) : undefined;
  const { begin, end } = padAmounts(node, x.shape.length, pads, axes);
  const dtype: DType = x.dtype, elem = DTYPE_BYTES[dtype];
  const total = dimMul(dimProduct(y.shape), elem);
  if (total === 0) return [];
  // The value's bytes are copied as they are, so every dtype works without converting it.
  const p = fn.local('i32');
  const out: Expr[] = [v
    ? fn.for(p, y.addr(), fn.add(y.addr(), ctx.dim(total)), elem, [copyElement(fn, dtype, p.get(), v.addr())])
    : fn.fill(y.addr(), 0, ctx.dim(total))];
  const xs = dimStrides(x.shape), ys = dimStrides(y.shape);
  let inOff: Dim = 0, outOff: Dim = 0;
  const loops: DimLoop[] = x.shape.map((d, a) => {
    const b = begin[a]!, e = end[a]!;
    // A crop of a run-time axis could leave a negative count at run time.
    if ((b < 0 || e < 0) && typeof d !== 'number') unsupported(ctx, `negative pads on run-time axis ${a}, with run-time dims`);
    inOff = dimAdd(inOff, dimMul(xs[a]!, Math.max(-b, 0) * elem));
    outOff = dimAdd(outOff, dimMul(ys[a]!, Math.max(b, 0) * elem));
    return { count: dimAdd(d, Math.min(b, 0) + Math.min(e, 0)), strides: [dimMul(ys[a]!, elem), dimMul(xs[a]!, elem)] };
  });
  if (loops.some((l) => typeof l.count === 'number' && l.count <= 0)) return out;
  const dst = () => fn.add(y.addr(), ctx.dim(outOff)), src = () => fn.add(x.addr(), ctx.dim(inOff));
  return [...out, ...repeatCopy(fn, dtype, dst, src, loops, ctx.dim)];
}

registerLowering({
  ops: ['Pad'],
  runTimeDims: true,
  computedDims: valueDims(),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return computesDims(context) ? padByValues(context) : lowerPadDynamic(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!, v = ctx.inputs[2];
    const mode = padMode(node);
    const pads = toNumbers(constantInput(ctx, 1, 'pads'));
    const axes = ctx.inputs[3] ? toNumbers(constantInput(ctx, 3, 'axes')) : undefined;
    const rank = x.dims.length;
    if (sizeOf(y.dims) === 0) return [];
    if (rank === 0) return [copyElement(fn, x.dtype, y.addr, x.addr)];
    const { begin } = padAmounts(node, rank, pads, axes);
    const elem = DTYPE_BYTES[x.dtype];
    const xs = stridesOf(x.dims);
    const t = scalarType(x.dtype);
    if (!t) unsupported(ctx, `dtype ${x.dtype}`);
    /** Byte offset in x of output index o along dim d, or -1 (constant). */
    const source = (d: number, o: number) => {
      const s = padSource(mode, o, begin[d]!, x.dims[d]!);
      return s < 0 ? -1 : s * xs[d]! * elem;
    };
    const table = (d: number) => ctx.addWeight(new Uint8Array(Int32Array.from({ length: y.dims[d]! }, (_, o) => source(d, o)).buffer));

    const dst = fn.local('i32');
    const value = v ? fn.local(t.wasm) : undefined;
    const j = fn.local('i32');
    /** Writes `count` copies of the constant value at dst + from elements. */
    const fillConst = (from: number, count: number): Expr[] => {
      if (count <= 0) return [];
      if (!value) return [fn.fill(fn.add(dst.get(), from * elem), 0, count * elem)];
      return [fn.for(j, 0, count, 1, [t.store(ctx, fn.add(dst.get(), fn.mul(j.get(), elem)), value.get(), from * elem)])];
    };
    // The last dim: left pad, the kept run, right pad.
    const last = rank - 1, L = y.dims[last]!, n = x.dims[last]!, b = begin[last]!;
    const midStart = Math.min(Math.max(b, 0), L), midEnd = Math.min(Math.max(b + n, 0), L);
    const lastTable = mode === 'constant' ? 0 : table(last);
    const edge = (src: Local, from: number, to: number): Expr[] => {
      if (mode === 'constant') return fillConst(from, to - from);
      if (to <= from) return [];
      return [fn.for(j, from, to, 1, [copyElement(fn, x.dtype,
        fn.add(dst.get(), fn.mul(j.get(), elem)), fn.add(src.get(), fn.loadI32(fn.shl(j.get(), 2), lastTable)))])];
    };
    const row = (src: Local): Expr[] => [
      ...edge(src, 0, midStart),
      ...(midEnd > midStart ? [fn.copy(fn.add(dst.get(), midStart * elem), fn.add(src.get(), (midStart - b) * elem), (midEnd - midStart) * elem)] : []),
      ...edge(src, midEnd, L),
      dst.set(fn.add(dst.get(), L * elem)),
    ];
    // Outer dims: src(d+1) = src(d) + table_d[o]; in constant mode -1 fills the whole block.
    const build = (d: number, src: Local): Expr[] => {
      if (d === last) return row(src);
      const o = fn.local('i32'), m = fn.local('i32'), next = fn.local('i32');
      const tab = table(d);
      const block = sizeOf(y.dims.slice(d + 1));
      const descend = [next.set(fn.add(src.get(), m.get())), ...build(d + 1, next)];
      return [fn.for(o, 0, y.dims[d]!, 1, [
        m.set(fn.loadI32(fn.shl(o.get(), 2), tab)),
        mode === 'constant'
          ? fn.if(fn.ltS(m.get(), 0), [...fillConst(0, block), dst.set(fn.add(dst.get(), block * elem))], descend)
          : fn.block(descend),
      ])];
    };
    const src0 = fn.local('i32');
    return [
      dst.set(fn.i(y.addr)),
      src0.set(fn.i(x.addr)),
      ...(value ? [value.set(t.load(ctx, v!.addr))] : []),
      ...build(0, src0),
    ];
  },
});
