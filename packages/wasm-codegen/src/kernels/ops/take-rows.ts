// TakeRows: copies the first `count` rows of x; count (int64, read at run time) is checked against
// the rows x has before anything is written, and becomes the output's value-dependent row dim.
import { DTYPE_BYTES, computedDimSymbol } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { clampedCount } from '../emit/dynamic-util.js';

function lowerTakeRows(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const [x, count] = ctx.inputs;
  const y = ctx.outputs[0]!;
  const raw = fn.local('i64'), n = fn.local('i32');
  return [
    raw.set(fn.loadI64(count!.addr())),
    n.set(clampedCount(fn, () => raw.get())),
    ctx.setDim(computedDimSymbol(node, 'rows'), n.get()),
    fn.if(fn.or(fn.ltS(n.get(), 0), fn.gtS(n.get(), x!.dim(0))), [fn.failCheck()]),
    fn.copy(y.addr(), x!.addr(), fn.mul(n.get(), fn.mul(x!.count(1), DTYPE_BYTES[y.dtype]))),
  ];
}

registerLowering({
  ops: ['TakeRows'],
  runTimeDims: true,
  alwaysRunTime: true,
  computedDims: (node, [x]) => [{ symbol: computedDimSymbol(node, 'rows'), bound: x!.shape[0]! }],
  lower: (ctx) => (ctx.static ? unsupported(ctx, 'TakeRows without its run-time row count') : lowerTakeRows(ctx)),
});
