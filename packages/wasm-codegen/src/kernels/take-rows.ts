// TakeRows: copies the first `count` rows of x; count (int64, read at run time) is checked against
// the rows x has before anything is written, and becomes the output's value-dependent row dim.
import { DTYPE_BYTES, computedDimSymbol } from '@onnx2wasm/ir';
import { DynLowerContext, registerLowering, unsupported } from '../lowering.js';
import { Expr } from '../wasm-builder.js';

function lowerTakeRows(ctx: DynLowerContext): Expr[] {
  const { fn, node } = ctx;
  const [x, count] = ctx.inputs;
  const y = ctx.outputs[0]!;
  const raw = fn.local('i64'), n = fn.local('i32');
  return [
    raw.set(fn.loadI64(count!.addr())),
    // Clamped into i32 so a huge count still reads as out of range.
    n.set(fn.i64ToI32(fn.select(fn.num('i64', 'gt_s', raw.get(), fn.constOf('i64', 0x7fffffff)), fn.constOf('i64', 0x7fffffff), fn.select(fn.num('i64', 'lt_s', raw.get(), fn.constOf('i64', -1)), fn.constOf('i64', -1), raw.get())))),
    ctx.setDim(computedDimSymbol(node, 'rows'), n.get()),
    fn.if(fn.or(fn.ltS(n.get(), 0), fn.gtS(n.get(), x!.dim(0))), [fn.unreachable()]),
    fn.copy(y.addr(), x!.addr(), fn.mul(n.get(), fn.mul(x!.count(1), DTYPE_BYTES[y.dtype]))),
  ];
}

registerLowering({
  ops: ['TakeRows'],
  alwaysDynamic: true,
  computedDims: (node, [x]) => [{ symbol: computedDimSymbol(node, 'rows'), bound: x!.shape[0]! }],
  lower: (ctx) => unsupported(ctx, 'TakeRows without its run-time row count'),
  lowerDynamic: lowerTakeRows,
});
