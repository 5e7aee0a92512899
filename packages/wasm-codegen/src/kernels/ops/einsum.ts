// Einsum, float32/float64: the generic summation loop. Output labels are the outer loops (each
// input pointer and the output pointer advance by their label strides), summed labels the inner
// ones; products are accumulated in f64. Diagonals and broadcast axes are just label strides
// (a sum of axis strides, or 0).
import { einsumPlan, labelStrides, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { stridedLoops } from '../emit/strided-loops.js';

registerLowering({
  ops: ['Einsum'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const ins = ctx.inputs.map((i) => i!), y = ctx.outputs[0]!;
    if (y.dtype !== 'float32' && y.dtype !== 'float64') unsupported(ctx, `dtype ${y.dtype}`);
    const bytes = y.dtype === 'float32' ? 4 : 8;
    const plan = einsumPlan(node, ins.map((i) => i.dims));
    const strides = plan.inputs.map((labels, i) => labelStrides(labels, ins[i]!.dims));
    const outStrides = labelStrides(plan.output, y.dims);
    const acc = fn.local('f64');
    const load = (p: () => Expr) => (bytes === 4 ? fn.num('f64', 'promote', fn.loadF32(p())) : fn.loadF64(p()));
    const loops = (labels: number[], withOutput: boolean) => labels.map((l) => ({
      count: plan.sizes.get(l)!,
      strides: [...strides.map((s) => bytes * (s.get(l) ?? 0)), ...(withOutput ? [bytes * (outStrides.get(l) ?? 0)] : [])],
    }));
    if (sizeOf(y.dims) === 0) return [];
    return stridedLoops(fn, [...ins.map((i) => i.addr), y.addr], loops(plan.output, true), (outer) => {
      const py = outer[outer.length - 1]!;
      const sum = stridedLoops(fn, outer.slice(0, ins.length), loops(plan.summed, false), (ptrs) => {
        const product = ptrs.map(load).reduce((a, b) => fn.num('f64', 'mul', a, b));
        return [acc.set(fn.num('f64', 'add', acc.get(), product))];
      });
      const result = bytes === 4 ? fn.storeF32(py(), fn.num('f32', 'demote', acc.get())) : fn.storeF64(py(), acc.get());
      return [acc.set(fn.constOf('f64', 0)), ...sum, result];
    });
  },
});
