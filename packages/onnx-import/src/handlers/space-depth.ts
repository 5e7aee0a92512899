// DepthToSpace and SpaceToDepth are a Reshape → Transpose → Reshape on NCHW input, so they need
// no kernel of their own. C, H and W must be static; N may be symbolic (Reshape's 0 copies it).
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';

function nchw(ctx: HandlerContext): [number, number, number, number] {
  const shape = ctx.typeOf(ctx.node.inputs[0]!).shape;
  if (shape.length !== 4) ctx.fail(`input must be 4-D (NCHW), got [${shape}]`);
  const [, c, h, w] = shape;
  if (typeof c !== 'number' || typeof h !== 'number' || typeof w !== 'number') ctx.fail(`C, H and W must be static, got [${shape}] (pin the input shape)`);
  const b = ctx.node.attrs.blocksize;
  if (typeof b !== 'number' || b < 1) ctx.fail("attribute 'blocksize' must be a positive integer");
  return [c as number, h as number, w as number, b as number];
}

function rearrange(ctx: HandlerContext, split: number[], perm: number[], merged: number[]): void {
  const x = ctx.node.inputs[0]!;
  const [r1] = ctx.emit('Reshape', [x, ctx.addConstant(int64Vector([0, ...split]), 'split_shape')]);
  const [t] = ctx.emit('Transpose', [r1!], { perm });
  ctx.emit('Reshape', [t!, ctx.addConstant(int64Vector([0, ...merged]), 'merged_shape')], {}, ctx.node.outputs);
}

// DCR (the default, and the only mode before opset 11) reads the channel as [b, b, C/b²];
// CRD as [C/b², b, b].
registerHandler('DepthToSpace', 1, (ctx) => {
  const [c, h, w, b] = nchw(ctx);
  if (c % (b * b) !== 0) ctx.fail(`channels ${c} are not divisible by blocksize² ${b * b}`);
  const mode = ctx.node.attrs.mode ?? 'DCR';
  const out = [c / (b * b), h * b, w * b];
  if (mode === 'DCR') rearrange(ctx, [b, b, c / (b * b), h, w], [0, 3, 4, 1, 5, 2], out);
  else if (mode === 'CRD') rearrange(ctx, [c / (b * b), b, b, h, w], [0, 1, 4, 2, 5, 3], out);
  else ctx.fail(`mode '${String(mode)}' is not DCR or CRD`);
});

registerHandler('SpaceToDepth', 1, (ctx) => {
  const [c, h, w, b] = nchw(ctx);
  if (h % b !== 0 || w % b !== 0) ctx.fail(`H ${h} and W ${w} must be divisible by blocksize ${b}`);
  rearrange(ctx, [c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4], [c * b * b, h / b, w / b]);
});
