// com.microsoft:FastGelu as a new IR op with a SIMD lowering:
//   y = x · sigmoid(1.5957691 · (x + 0.044715 · x³)), with x = X + bias when the optional bias is given
// (the tanh approximation of GELU, since 0.5·(1 + tanh(t)) = sigmoid(2t)).
import { broadcastLoops, definePlugin, expectDType, fail, input, mapElementwise, unsupported, vsigmoid } from 'onnx2wasm';

const K = 1.5957691216057308; // 2·sqrt(2/π)
const C = 0.044715;

export const fastGeluScalar = (x) => x / (1 + Math.exp(-K * (x + C * x * x * x)));

export default definePlugin({
  name: 'fast-gelu',
  ops: [{
    domain: 'com.microsoft',
    opType: 'FastGelu',
    sinceVersion: 1,
    group: 'elementwise',
    description: 'x·sigmoid(1.5957691·(x + 0.044715·x³)) with an optional bias added to x (com.microsoft)',
    infer(ctx) {
      const x = input(ctx, 0);
      expectDType(ctx, 0, ['float32']);
      const bias = ctx.inputs[1];
      if (bias) {
        expectDType(ctx, 1, ['float32']);
        const last = x.shape[x.shape.length - 1];
        if (bias.shape.length !== 1 || (typeof last === 'number' && bias.shape[0] !== last)) {
          fail(ctx.node, `bias must be 1-D of the last dim (${last}), got [${bias.shape}]`, 'SHAPE_MISMATCH');
        }
      }
      return [{ dtype: 'float32', shape: [...x.shape] }];
    },
    evaluate(_node, [x, bias]) {
      return [bias ? mapElementwise([x, bias], 'float32', (a, b) => fastGeluScalar(a + b)) : mapElementwise([x], 'float32', fastGeluScalar)];
    },
    lower(ctx) {
      const { fn } = ctx;
      const ins = ctx.inputs.filter(Boolean);
      const out = ctx.outputs[0];
      if (out.dtype !== 'float32') unsupported(ctx, `dtype ${out.dtype}`);
      const vals = ins.map(() => fn.local('v128'));
      const v = fn.local('v128');
      return broadcastLoops(fn, out.dims, ins, (offsets, run) => {
        const j = fn.local('i32');
        const byteAt = (k) => fn.shl(fn.add(offsets[k](), j.get()), 2);
        // A broadcast operand is one value over the run: splat it once, outside the loop.
        const hoisted = ins.map((o, k) => (run.scalar[k] ? vals[k].set(fn.vloadSplat(fn.shl(offsets[k](), 2), o.addr)) : fn.nop()));
        const body = (vector) => [
          ...ins.flatMap((o, k) => (run.scalar[k] ? [] : [vals[k].set(vector ? fn.vload(byteAt(k), o.addr) : fn.vloadSplat(byteAt(k), o.addr))])),
          v.set(ins.length === 2 ? fn.vadd(vals[0].get(), vals[1].get()) : vals[0].get()),
          // t = K·x + (K·C)·x³ = x·(K + K·C·x²), then y = x·sigmoid(t)
          v.set(fn.vmul(v.get(), vsigmoid(ctx, fn, fn.vmul(v.get(), fn.fma(fn.vmul(v.get(), v.get()), fn.vconst(K * C), fn.vconst(K)))))),
        ];
        const outAt = fn.shl(fn.add(offsets[ins.length](), j.get()), 2);
        const outAtTail = fn.shl(fn.add(offsets[ins.length](), j.get()), 2);
        const vecEnd = run.length - (run.length % 4);
        return [
          ...hoisted,
          fn.for(j, 0, vecEnd, 4, [...body(true), fn.vstore(outAt, v.get(), out.addr)]),
          fn.for(j, vecEnd, run.length, 1, [...body(false), fn.storeF32(outAtTail, fn.vextract(v.get(), 0), out.addr)]),
        ];
      });
    },
  }],
});
