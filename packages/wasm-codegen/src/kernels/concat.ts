// Concat: for each index of the dims before the axis, every input contributes one contiguous run
// (its axis dim × the inner dims); each run is one memory.copy. Works for any dtype.
import { DTYPE_BYTES, attrInt, normalizeAxis, sizeOf } from '@onnx2wasm/ir';
import { Operand, registerLowering } from '../lowering.js';
import { stridedLoops } from './strided-loops.js';

registerLowering({
  ops: ['Concat'],
  lower(ctx) {
    const { fn, node } = ctx;
    const y = ctx.outputs[0]!;
    const xs = ctx.inputs.filter((x): x is Operand => !!x);
    const axis = normalizeAxis(node, attrInt(node, 'axis'), y.dims.length);
    const elem = DTYPE_BYTES[y.dtype];
    const outer = sizeOf(y.dims.slice(0, axis));
    const inner = sizeOf(y.dims.slice(axis + 1)) * elem;
    const runs = xs.map((x) => x.dims[axis]! * inner);
    const outRun = y.dims[axis]! * inner;
    const offsets = runs.map((_, k) => runs.slice(0, k).reduce((a, b) => a + b, 0));
    const bases = [y.addr, ...xs.map((x) => (runs[xs.indexOf(x)]! > 0 ? x.addr : 0))];
    return stridedLoops(fn, bases, [{ count: outer, strides: [outRun, ...runs] }], (ptrs) =>
      runs.flatMap((run, k) => (run > 0 ? [fn.copy(fn.add(ptrs[0]!(), offsets[k]!), ptrs[k + 1]!(), run)] : [])));
  },
});
