// SelectBranch: copies the taken branch's output and sets the output's differing dims (value-
// dependent dims, bounded by the sum of the branches' dims) from that branch's dims.
import { DTYPE_BYTES, dimAdd } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';

function lowerSelectBranch(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const [cond, a, b] = ctx.inputs;
  const y = ctx.outputs[0]!;
  const bytes = DTYPE_BYTES[y.dtype];
  const take = (src: NonNullable<typeof a>): Expr[] => [
    ...y.shape.flatMap((d, i) => (d === a!.shape[i] && d === b!.shape[i] ? [] : [ctx.setDim(d as string, fn.i(src.dim(i)))])),
    fn.copy(y.addr(), src.addr(), fn.mul(src.count(), bytes)),
  ];
  const flag = cond!.constant ? fn.i(Number(cond!.constant.data[0]) ? 1 : 0) : fn.load8U(cond!.addr());
  return [fn.if(flag, take(a!), take(b!))];
}

registerLowering({
  ops: ['SelectBranch'],
  runTimeDims: true,
  alwaysRunTime: true,
  computedDims: (_node, [, a, b], [y]) => y!.shape.flatMap((d, i) => (d === a!.shape[i] && d === b!.shape[i] ? [] : [{ symbol: d as string, bound: dimAdd(a!.shape[i]!, b!.shape[i]!) }])),
  lower: (ctx) => (ctx.static ? unsupported(ctx, 'SelectBranch without run-time dims') : lowerSelectBranch(ctx)),
});
