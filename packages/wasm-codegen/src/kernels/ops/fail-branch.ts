// FailBranch: traps (unreachable) when its condition says the run took the branch that cannot run;
// otherwise writes zeros (the merging Where reads them but never selects them).
import { DTYPE_BYTES, failBranchAttrs, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticView } from '../../lowering.js';

registerLowering({
  ops: ['FailBranch'],
  lower(context) {
    const ctx = staticView(context);
    const { fn } = ctx;
    const cond = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const flag = cond.constant ? fn.i(Number(cond.constant.data[0]) ? 1 : 0) : fn.ne(fn.load8U(cond.addr), 0);
    const taken = failBranchAttrs(ctx.node).when ? flag : fn.eqz(flag);
    return [fn.if(taken, [fn.failCheck()]), fn.fill(y.addr, 0, sizeOf(y.dims) * DTYPE_BYTES[y.dtype])];
  },
});
