import { BINARY_OPS, UNARY_OPS } from './op-lists.js';
import { makeTensor, scalarTensor } from '@onnx2wasm/ir';
import { HandlerContext, direct, registerHandler } from '../handler-registry.js';

// Before opset 7, binary ops broadcast only with broadcast=1 and an explicit axis; the legacy
// form is rejected rather than guessed.
const LEGACY_BROADCAST = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Less', 'Greater'];
for (const op of [...BINARY_OPS, ...UNARY_OPS]) if (!LEGACY_BROADCAST.includes(op)) registerHandler(op, 1, direct());
for (const op of LEGACY_BROADCAST) {
  registerHandler(op, 1, (ctx) => {
    const { broadcast, axis, consumed_inputs: _c, ...attrs } = ctx.node.attrs;
    const [a, b] = ctx.node.inputs as [string, string];
    const ra = ctx.typeOf(a).shape.length, bShape = ctx.typeOf(b).shape;
    // Legacy broadcast aligns B with A starting at `axis` (default: B's trailing alignment); numpy
    // broadcasting aligns from the right, so B gets trailing 1s to sit at `axis`.
    let bIn = b;
    if (broadcast === 1 && typeof axis === 'number') {
      const start = axis < 0 ? axis + ra : axis;
      const trailing = ra - start - bShape.length;
      if (start < 0 || trailing < 0) ctx.fail(`broadcast axis ${axis} does not fit B of rank ${bShape.length} into A of rank ${ra}`);
      if (trailing > 0) {
        if (bShape.some((d) => typeof d !== 'number')) ctx.fail('legacy broadcast of a B with symbolic dims is not supported');
        const shape = ctx.addConstant(makeTensor('int64', [bShape.length + trailing], [...(bShape as number[]), ...new Array(trailing).fill(1)]), 'broadcast_shape');
        bIn = ctx.emit('Reshape', [b, shape], {})[0]!;
      }
    }
    ctx.emit(op, [a, bIn], attrs, ctx.node.outputs);
  });
  registerHandler(op, 7, direct());
}

// Clip before opset 11 carries min/max as attributes; the IR takes them as inputs.
registerHandler('Clip', 1, (ctx) => {
  const { node } = ctx;
  const dtype = ctx.typeOf(node.inputs[0]!).dtype;
  const lo = node.attrs.min, hi = node.attrs.max;
  const inputs = [node.inputs[0]!];
  inputs.push(typeof lo === 'number' ? ctx.addConstant(scalarTensor(dtype, lo), 'min') : '');
  inputs.push(typeof hi === 'number' ? ctx.addConstant(scalarTensor(dtype, hi), 'max') : '');
  ctx.emit('Clip', inputs, {}, node.outputs);
});
registerHandler('Clip', 11, direct());

/** Variadic Sum / Max / Min / Mean become chains of the binary op (Mean divides at the end). */
function variadic(binary: string, mean = false) {
  return (ctx: HandlerContext) => {
    const ins = ctx.node.inputs.filter(Boolean);
    if (ins.length === 0) ctx.fail('needs at least one input');
    const out = ctx.node.outputs[0]!;
    if (ins.length === 1 && !mean) { ctx.emit('Identity', [ins[0]!], {}, [out]); return; }
    let acc = ins[0]!;
    for (let i = 1; i < ins.length; i++) {
      const last = i === ins.length - 1 && !mean;
      acc = ctx.emit(binary, [acc, ins[i]!], {}, last ? [out] : 1)[0]!;
    }
    if (mean) {
      const dtype = ctx.typeOf(ins[0]!).dtype;
      const n = ctx.addConstant(scalarTensor(dtype, ins.length), 'count');
      ctx.emit('Div', [acc, n], {}, [out]);
    }
  };
}
registerHandler('Sum', 1, variadic('Add'));
registerHandler('Max', 1, variadic('Max'));
registerHandler('Min', 1, variadic('Min'));
registerHandler('Mean', 1, variadic('Add', true));
