// Slice with compile-time starts/ends/axes/steps: nested loops over the output, each dim stepping
// the input pointer by step × stride. Dims that stay contiguous merge, and a contiguous innermost
// run (step 1) becomes one memory.copy per row. Any dtype.
import { DTYPE_BYTES, slicePlan, stridesOf } from '@onnx2wasm/ir';
import { constantInput, registerLowering } from '../lowering.js';
import { LoopDim, copyElement, mergeDims, stridedLoops } from './strided-loops.js';

registerLowering({
  ops: ['Slice'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const params = [1, 2, 3, 4].map((i) => (ctx.inputs[i] ? constantInput(ctx, i, ['starts', 'ends', 'axes', 'steps'][i - 1]!) : undefined));
    const plan = slicePlan(node, x.dims, [undefined, ...params]);
    if (plan.some((p) => p.count === 0)) return [];
    const elem = DTYPE_BYTES[x.dtype];
    const is = stridesOf(x.dims), os = stridesOf(y.dims);
    const base = plan.reduce((s, p, d) => s + p.start * is[d]!, 0) * elem;
    const loops: LoopDim[] = mergeDims(plan.map((p, d) => ({ count: p.count, strides: [os[d]! * elem, p.step * is[d]! * elem] })));
    const last = loops[loops.length - 1];
    const xAddr = x.addr;
    if (!last) return [copyElement(fn, x.dtype, y.addr, xAddr + base)];
    if (last.strides[0] === elem && last.strides[1] === elem) {
      loops.pop();
      return stridedLoops(fn, [y.addr, xAddr + base], loops, ([d, s]) => [fn.copy(d!(), s!(), last.count * elem)]);
    }
    return stridedLoops(fn, [y.addr, xAddr + base], loops, ([d, s]) => [copyElement(fn, x.dtype, d!(), s!())]);
  },
});
