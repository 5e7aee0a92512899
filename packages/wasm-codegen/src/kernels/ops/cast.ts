// Cast: one conversion per element over the flat tensor, with the ONNX semantics of
// scalar-types.ts `convert` (floats truncate toward zero, saturating; bool is x != 0). float32 ↔
// int32 runs four lanes at a time. Same-type casts copy bytes. `saturate` picks the float8 overflow
// rule. With run-time dims the element count and the vector tail are computed at run time.
import { Node, castRounding, castSaturate } from '@onnx2wasm/ir';
import { KernelHost, Operand, registerLowering, unsupported } from '../../lowering.js';
import { Expr, I32 } from '../../wasm-builder.js';
import { at, vectorEnd } from '../emit/dynamic-util.js';
import { convert, scalarType } from '../emit/scalar-types.js';

/** Four lanes of scalar-types' float→int32 rule: INT_MIN for NaN, ±Inf and out of range. */
function truncIndefinite4(fn: KernelHost['fn'], v: Expr): Expr {
  const x = fn.local('v128');
  // x >= -2^31 is x > the float just below it; both comparisons are false for NaN.
  const inRange = fn.vand(fn.vgt(x.get(), fn.vconst(-2147483904)), fn.vlt(x.get(), fn.vconst(2147483648)));
  return fn.vbitselect(fn.vtoI32(x.tee(v)), fn.visplat(-(2 ** 31)), inRange);
}

/** `ctx` builds helpers only; `count` gives the element count (a fresh i32 per call). */
function emitCast(ctx: KernelHost, node: Node, x: Operand, y: Operand, count: () => I32): Expr[] {
  const { fn } = ctx;
  const from = scalarType(x.dtype), to = scalarType(y.dtype, castSaturate(node), castRounding(node));
  if (!from || !to) unsupported(ctx, `a cast from ${x.dtype} to ${y.dtype}`);
  if (count() === 0) return [];
  if (from.dtype === to.dtype) return [fn.copy(y.addr(), x.addr(), fn.mul(count(), from.bytes))];
  const j = fn.local('i32');
  const scalar = (start: I32) => {
    const [ya, yo] = at(fn, y.addr(), fn.mul(j.get(), to.bytes));
    const v = convert(fn, from, to, from.load(ctx, ...at(fn, x.addr(), fn.mul(j.get(), from.bytes))));
    return fn.for(j, start, count(), 1, [to.store(ctx, ya, v, yo)]);
  };
  const pair = `${from.dtype}>${to.dtype}`;
  if (pair === 'float32>int32' || pair === 'int32>float32') {
    const vec = vectorEnd(fn, count);
    const v = fn.vload(...at(fn, x.addr(), fn.shl(j.get(), 2)));
    const [ya, yo] = at(fn, y.addr(), fn.shl(j.get(), 2));
    return [
      ...vec.init,
      fn.for(j, 0, vec.end(), 4, [fn.vstore(ya, pair === 'float32>int32' ? truncIndefinite4(fn, v) : fn.vfromI32(v), yo)]),
      scalar(vec.end()),
    ];
  }
  return [scalar(0)];
}

registerLowering({
  ops: ['Cast'],
  runTimeDims: true,
  lower: (ctx) => emitCast(ctx, ctx.node, ctx.inputs[0]!, ctx.outputs[0]!, () => ctx.inputs[0]!.count()),
});
