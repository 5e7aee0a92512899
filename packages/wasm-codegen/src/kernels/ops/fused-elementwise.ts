// FusedElementwise: the whole chain of steps runs inside the float32 SIMD elementwise loop, each
// step's result kept in a local; one pass over memory instead of one per op.
import { Node, clipStepBounds, powStepExponent, readProgram } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../../lowering.js';
import { Expr, FnBuilder } from '../../wasm-builder.js';
import { VecOp, emitF32, vectorParams } from './elementwise.js';
import { F32_BINARY, F32_POW, F32_UNARY, VecFn, vclamp } from '../emit/vector-functions.js';

/** Whether the codegen can run `op` (with these step attributes) inside a fused loop. */
export function canFuseStep(op: string, attrs: Record<string, number | string> = {}): boolean {
  if (op === 'Clip') return true;
  if (op === 'Pow') return F32_POW[Number(attrs.exponent)] !== undefined;
  return !!(F32_BINARY[op] ?? F32_UNARY[op]);
}

/** The whole step program as one f32x4 expression over the node's inputs. */
function programOf(ctx: { node: Node; fn: FnBuilder }): VecOp {
  const { node, fn } = ctx;
  const steps = readProgram(node);
  const temps = steps.map(() => fn.local('v128'));
  return (c, _fn, xs) => {
    const stmts: Expr[] = steps.map((s, k) => {
      const args = s.args.map((a) => (a[0] === 'i' ? xs[Number(a.slice(1))]! : () => temps[Number(a.slice(1))]!.get()));
      const stepNode = { ...node, op: s.op, attrs: { ...(s.attrs ?? {}) } };
      let f: VecFn | undefined;
      if (s.op === 'Clip') {
        const { lo, hi } = clipStepBounds(s);
        f = (_c, b, [x]) => vclamp(b, x!(), lo, hi);
      } else if (s.op === 'Pow') f = F32_POW[powStepExponent(s)];
      else f = F32_BINARY[s.op] ?? F32_UNARY[s.op];
      if (!f) unsupported(ctx, `step ${k} (${s.op}) inside a fused loop`);
      return temps[k]!.set(f(c, fn, args, vectorParams(stepNode, s.op)));
    });
    return fn.valueBlock([...stmts, temps[temps.length - 1]!.get()], 'v128');
  };
}

registerLowering({
  ops: ['FusedElementwise'],
  runTimeDims: true,
  lower: (ctx) => emitF32(ctx, programOf(ctx), ctx.inputs.map((o) => o!), ctx.outputs[0]!, ctx.dim),
});
