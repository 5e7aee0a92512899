// Depthwise NhwcConv (group == C == M) on channels-last data. Placeholder until the kernel lands.
import { LowerContext, Operand, unsupported } from '../lowering.js';
import { Expr } from '../wasm-builder.js';

export function lowerNhwcDepthwise(ctx: LowerContext, _x: Operand, _w: Operand, _bias: Operand | undefined, _residual: Operand | undefined, _y: Operand): Expr[] {
  return unsupported(ctx, 'depthwise NhwcConv');
}
