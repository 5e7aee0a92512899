// MaxPool, AveragePool and the global pools. Every opset version of MaxPool (1, 8, 10, 11, 12) and
// AveragePool (1, 7, 10, 11, 19) is a subset of the newest form, whose defaults reproduce the older ones.
import { direct, registerHandler } from '../handler-registry.js';
import { resolveWindow } from './window-attrs.js';

for (const op of ['MaxPool', 'AveragePool']) {
  registerHandler(op, 1, (ctx) => {
    const { node } = ctx;
    const withIndices = op === 'MaxPool' && node.outputs.length > 1 && !!node.outputs[1];
    const x = ctx.typeOf(node.inputs[0]!).shape;
    if (x.length < 3) ctx.fail(`input X has rank ${x.length}; expected N, C and at least one spatial axis`);
    const kernel = node.attrs.kernel_shape;
    if (!Array.isArray(kernel)) ctx.fail(`attribute 'kernel_shape' is required`);
    const window = resolveWindow(ctx, x.slice(2), kernel as number[]);
    // SAME pads already give ceil(in / stride) outputs; ceil_mode must not add one more.
    const same = node.attrs.auto_pad === 'SAME_UPPER' || node.attrs.auto_pad === 'SAME_LOWER';
    const attrs = { ...window, ceil_mode: same ? 0 : node.attrs.ceil_mode ?? 0 };
    if (withIndices) Object.assign(attrs, { storage_order: node.attrs.storage_order ?? 0 });
    if (op === 'AveragePool') Object.assign(attrs, { count_include_pad: node.attrs.count_include_pad ?? 0 });
    ctx.emit(op, [node.inputs[0]!], attrs, node.outputs.slice(0, withIndices ? 2 : 1));
  });
}

registerHandler('GlobalAveragePool', 1, direct());
registerHandler('GlobalMaxPool', 1, direct());
