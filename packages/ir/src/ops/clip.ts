// Clip(x, min?, max?) in the opset-11+ input form; the importer converts the attribute form.
import { OpDef, expectInputCount, fail, input, registerOp } from '../op-registry.js';
import { mapElementwise } from '../reference.js';

const clip: OpDef = {
  name: 'Clip',
  group: 'elementwise',
  description: 'clamp(x, min, max); min/max are optional scalar inputs',
  infer(ctx) {
    expectInputCount(ctx, 3);
    const x = input(ctx, 0);
    for (const i of [1, 2]) {
      const t = ctx.inputs[i];
      if (t && t.shape.length !== 0 && !(t.shape.length === 1 && t.shape[0] === 1)) fail(ctx.node, `input ${i} must be a scalar`);
      if (t && t.dtype !== x.dtype) fail(ctx.node, `input ${i} (${i === 1 ? 'min' : 'max'}) has dtype ${t.dtype}; it must be x's dtype ${x.dtype}`, 'DTYPE_MISMATCH');
    }
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(_node, [x, lo, hi]) {
    const l = lo ? Number(lo.data[0]) : -Infinity;
    const h = hi ? Number(hi.data[0]) : Infinity;
    return [mapElementwise([x!], x!.dtype, (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, l), h)))];
  },
};

registerOp(clip);
