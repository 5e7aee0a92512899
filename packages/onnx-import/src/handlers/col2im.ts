// Col2Im(input [N, C*K, L], image_shape, block_shape) {dilations, pads, strides}: sums each column
// block back into the image, the inverse of im2col. That is a ConvTranspose with group C whose
// weights are one-hot: input channel c*K + t (kernel position t of channel c) carries weight 1 at
// tap t, so its value at block l lands on image position l*stride + t*dilation - pad_begin. The
// image and block shapes must be known at compile time (they fix the output shape).
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector, intsAttr, requireConstInts } from './const-input.js';

registerHandler('Col2Im', 18, (ctx: HandlerContext) => {
  const { node } = ctx;
  const x = ctx.typeOf(node.inputs[0]!).shape;
  const image = requireConstInts(ctx, 1, 'image_shape'), block = requireConstInts(ctx, 2, 'block_shape');
  const rank = image.length;
  if (block.length !== rank) ctx.fail(`block_shape [${block}] and image_shape [${image}] differ in length`);
  const strides = intsAttr(ctx, 'strides') ?? new Array<number>(rank).fill(1);
  const dilations = intsAttr(ctx, 'dilations') ?? new Array<number>(rank).fill(1);
  const pads = intsAttr(ctx, 'pads') ?? new Array<number>(2 * rank).fill(0);
  if (strides.length !== rank || dilations.length !== rank || pads.length !== 2 * rank) ctx.fail(`strides, dilations and pads must have ${rank}, ${rank} and ${2 * rank} values`);
  const K = block.reduce((a, b) => a * b, 1);
  const blocks = image.map((d, a) => Math.floor((d + pads[a]! + pads[a + rank]! - (dilations[a]! * (block[a]! - 1) + 1)) / strides[a]!) + 1);
  const L = blocks.reduce((a, b) => a * b, 1);
  const [, CK, len] = x;
  if (x.length !== 3 || typeof CK !== 'number' || CK % K !== 0) ctx.fail(`input [${x}] must be [N, C*${K}, L] with a static channel axis`);
  if (typeof len === 'number' && len !== L) ctx.fail(`input has ${len} blocks; the image and block shapes give ${L}`);
  const C = CK / K;
  const w = makeTensor('float32', [CK, 1, ...block]);
  for (let ch = 0; ch < CK; ch++) (w.data as Float32Array)[ch * K + (ch % K)] = 1;
  const [grid] = ctx.emit('Reshape', [node.inputs[0]!, ctx.addConstant(int64Vector([0, CK, ...blocks]), 'col2im_blocks')]);
  ctx.emit('ConvTranspose', [grid!, ctx.addConstant(w, 'col2im_onehot')], {
    strides, dilations, group: C, pads_begin: pads.slice(0, rank), output_shape: image,
  }, node.outputs);
});
