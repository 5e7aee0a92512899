// Gather: for each index j (read at run time, int32 or int64) and each row of the dims before the
// axis, copy one contiguous slab of the dims after the axis. Indices outside [-dim, dim) trap
// (unreachable) rather than read the wrong memory; constant indices are checked at compile time.
import { DTYPE_BYTES, attrInt, normalizeAxis, sizeOf, toNumbers } from '@onnx2wasm/ir';
import { CodegenError } from '../errors.js';
import { registerLowering } from '../lowering.js';
import { Expr } from '../wasm-builder.js';
import { stridedLoops } from './strided-loops.js';

registerLowering({
  ops: ['Gather'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, y = ctx.outputs[0]!;
    const axis = normalizeAxis(node, attrInt(node, 'axis', 0), x.dims.length);
    const dim = x.dims[axis]!;
    const outer = sizeOf(x.dims.slice(0, axis));
    const slab = sizeOf(x.dims.slice(axis + 1)) * DTYPE_BYTES[x.dtype];
    const n = sizeOf(ind.dims);
    if (n === 0 || outer === 0 || slab === 0) return [];
    if (ind.constant) {
      const bad = toNumbers(ind.constant).find((i) => i < -dim || i >= dim);
      if (bad !== undefined) throw new CodegenError(`Gather node '${node.name}': index ${bad} is out of range for axis ${axis} of size ${dim}`, { node: node.name, op: node.op }, 'SHAPE_MISMATCH');
    }
    const j = fn.local('i32'), idx = fn.local('i32'), src = fn.local('i32');
    const is64 = ind.dtype === 'int64';
    const at = fn.add(ind.addr, fn.shl(j.get(), is64 ? 3 : 2));
    // int64 indices must fit in i32: the high word is the sign extension of the low word.
    const inRange: Expr[] = [];
    if (is64) {
      const hi = fn.loadI32(fn.add(ind.addr, fn.shl(j.get(), 3)), 4);
      inRange.push(fn.if(fn.ne(hi, fn.selectI(fn.ltS(idx.get(), 0), -1, 0)), [fn.unreachable()]));
    }
    const xAddr = x.addr;
    return [fn.for(j, 0, n, 1, [
      idx.set(fn.loadI32(at)), // the low word of an int64 (little-endian)
      ...inRange,
      fn.if(fn.or(fn.ltS(idx.get(), -dim), fn.geS(idx.get(), dim)), [fn.unreachable()]),
      fn.if(fn.ltS(idx.get(), 0), [idx.set(fn.add(idx.get(), dim))]),
      src.set(fn.add(xAddr, fn.mul(idx.get(), slab))),
      ...stridedLoops(fn, [() => fn.add(y.addr, fn.mul(j.get(), slab)), () => src.get()], [{ count: outer, strides: [n * slab, dim * slab] }],
        ([d, s]) => [fn.copy(d!(), s!(), slab)]),
    ])];
  },
});
