// RandomUniform: xorshift32 stepped once per element, as the IR reference does, so a seeded node
// matches its evaluate exactly. Without a seed each run starts from the host's Math.random.
import { randomInitialState, randomUniformAttrs, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView, unsupported } from '../../lowering.js';
import { scalarType } from '../emit/scalar-types.js';

registerLowering({
  ops: ['RandomUniform'],
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const y = ctx.outputs[0]!;
    const t = scalarType(y.dtype);
    if (!t || !t.float) unsupported(ctx, `dtype ${y.dtype}`);
    const n = sizeOf(y.dims);
    if (n === 0) return [];
    const { low, high } = randomUniformAttrs(node);
    const seeded = randomInitialState(node);
    const s = fn.local('i32'), i = fn.local('i32');
    // A host draw in [0, 1) scaled to 32 bits; `| 1` keeps the state off xorshift's fixed point 0.
    const hostState = () => fn.or(fn.num('i32', 'trunc_u.f64', fn.num('f64', 'mul', fn.callImport('math', 'random', [], [], 'f64'), fn.constOf('f64', 0xffffffff))), 1);
    const step = (bits: number, left: boolean) => s.set(fn.num('i32', 'xor', s.get(), left ? fn.shl(s.get(), bits) : fn.num('i32', 'shr_u', s.get(), fn.i(bits))));
    const unit = () => fn.num('f64', 'mul', fn.num('f64', 'convert_u.i32', fn.num('i32', 'shr_u', s.get(), fn.i(8))), fn.constOf('f64', 2 ** -24));
    const value = fn.num('f64', 'add', fn.constOf('f64', low), fn.num('f64', 'mul', fn.constOf('f64', high - low), unit()));
    return [
      s.set(seeded === undefined ? hostState() : fn.i(seeded | 0)),
      fn.for(i, 0, n, 1, [
        step(13, true), step(17, false), step(5, true),
        t!.store(ctx, fn.mul(i.get(), t!.bytes), t!.wasm === 'f32' ? fn.num('f32', 'demote', value) : value, y.addr),
      ]),
    ];
  },
});
