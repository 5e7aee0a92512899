// Pad with compile-time pads/axes, any dtype and mode. Each dim's output→input mapping is
// computed at compile time (padSource) into a table of byte offsets in the weights region; the
// outer dims walk those tables, and each output row is [left pad | memory.copy of the kept run |
// right pad]. In constant mode a padded outer index fills its whole block with the value, which
// is read once at run time (so a run-time constant_value works).
import { DTYPE_BYTES, padAmounts, padMode, padSource, sizeOf, stridesOf, toNumbers } from '@onnx2wasm/ir';
import { constantInput, registerLowering, unsupported } from '../lowering.js';
import { Expr, Local } from '../wasm-builder.js';
import { scalarType } from './scalar-types.js';
import { copyElement } from './strided-loops.js';

registerLowering({
  ops: ['Pad'],
  lower(ctx) {
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
