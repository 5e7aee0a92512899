// One-element values as rank-0 scalars: If and Loop conditions, trip counts, Dropout's flags, the
// signal ops' sizes — ONNX lets each be [] or [1], the IR ops that read them take [].
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext } from '../handler-registry.js';

/** `v` as a scalar (a Reshape to [] unless it is one already); fails naming it when it holds more than one value. */
export function scalarOf(ctx: HandlerContext, v: string, what = `'${v}'`): string {
  const t = ctx.typeOf(v);
  if (!t.shape.every((d) => d === 1)) ctx.fail(`${what} must hold one value, got ${t.dtype}[${t.shape}]`);
  return t.shape.length ? ctx.emit('Reshape', [v, ctx.addConstant(makeTensor('int64', [0], []), 'scalar')], { allowzero: 0 })[0]! : v;
}
