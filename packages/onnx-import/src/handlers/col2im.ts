// Col2Im(input [N, C*K, L], image_shape, block_shape) {dilations, pads, strides}: sums each column
// block back into the image, the inverse of im2col.
// Constant shapes: a ConvTranspose with group C whose weights are one-hot: input channel c*K + t
// (kernel position t of channel c) carries weight 1 at tap t, so its value at block l lands on
// image position l*stride + t*dilation - pad_begin.
// Shapes fed at run time: the kernel size is a value, so no Conv fits. The graph computes, for every
// (t, l), the flat position in the padded image with integer ops on Range outputs, scatter-adds
// the input there (ScatterElements, reduction add) and slices the pads off. Every output dim is
// then computed by the run (ConstantOfShape, Reshape, Slice). A negative image dim stops the run
// at the ConstantOfShape, a block shape or block count that does not match the input at the
// Reshape of the input, both naming this node.
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector, intsAttr } from './const-input.js';

interface Attrs { strides: number[]; dilations: number[]; pads: number[] }

function windowAttrs(ctx: HandlerContext, rank: number): Attrs {
  const strides = intsAttr(ctx, 'strides') ?? new Array<number>(rank).fill(1);
  const dilations = intsAttr(ctx, 'dilations') ?? new Array<number>(rank).fill(1);
  const pads = intsAttr(ctx, 'pads') ?? new Array<number>(2 * rank).fill(0);
  if (strides.length !== rank || dilations.length !== rank || pads.length !== 2 * rank) ctx.fail(`strides, dilations and pads must have ${rank}, ${rank} and ${2 * rank} values`);
  if (strides.some((s) => s <= 0) || dilations.some((d) => d <= 0) || pads.some((p) => p < 0)) ctx.fail(`strides [${strides}] and dilations [${dilations}] must be positive, pads [${pads}] non-negative`);
  return { strides, dilations, pads };
}

function constantShapes(ctx: HandlerContext, image: number[], block: number[]): void {
  const x = ctx.typeOf(ctx.node.inputs[0]!).shape;
  const rank = image.length;
  if (block.length !== rank) ctx.fail(`block_shape [${block}] and image_shape [${image}] differ in length`);
  const { strides, dilations, pads } = windowAttrs(ctx, rank);
  const K = block.reduce((a, b) => a * b, 1);
  const blocks = image.map((d, a) => Math.floor((d + pads[a]! + pads[a + rank]! - (dilations[a]! * (block[a]! - 1) + 1)) / strides[a]!) + 1);
  const L = blocks.reduce((a, b) => a * b, 1);
  const [, CK, len] = x;
  if (x.length !== 3 || typeof CK !== 'number' || CK % K !== 0) ctx.fail(`input [${x}] must be [N, C*${K}, L] with a static channel axis`);
  if (typeof len === 'number' && len !== L) ctx.fail(`input has ${len} blocks; the image and block shapes give ${L}`);
  const C = CK / K;
  const w = makeTensor('float32', [CK, 1, ...block]);
  for (let ch = 0; ch < CK; ch++) (w.data as Float32Array)[ch * K + (ch % K)] = 1;
  const [grid] = ctx.emit('Reshape', [ctx.node.inputs[0]!, ctx.addConstant(int64Vector([0, CK, ...blocks]), 'col2im_blocks')]);
  ctx.emit('ConvTranspose', [grid!, ctx.addConstant(w, 'col2im_onehot')], {
    strides, dilations, group: C, pads_begin: pads.slice(0, rank), output_shape: image,
  }, ctx.node.outputs);
}

function runTimeShapes(ctx: HandlerContext): void {
  const [xName, imageName, blockName] = ctx.node.inputs as [string, string, string];
  const x = ctx.typeOf(xName);
  const it = ctx.typeOf(imageName), bt = ctx.typeOf(blockName);
  const rank = it.shape[0];
  if (it.shape.length !== 1 || typeof rank !== 'number' || bt.shape.length !== 1 || bt.shape[0] !== rank) ctx.fail(`image_shape [${it.shape}] and block_shape [${bt.shape}] must be 1-D of one static length`);
  if (it.dtype !== 'int64' || bt.dtype !== 'int64') ctx.fail(`image_shape and block_shape must be int64, got ${it.dtype} and ${bt.dtype}`);
  if (x.shape.length !== 3) ctx.fail(`input [${x.shape}] must be [N, C*K, L]`);
  const { strides, dilations, pads } = windowAttrs(ctx, rank);
  const i64 = (v: number) => ctx.addConstant(makeTensor('int64', [], [v]), 'col2im_k');
  const vec = (v: number[]) => ctx.addConstant(int64Vector(v), 'col2im_k');
  const op = (name: string, ...inputs: string[]) => ctx.emit(name, inputs)[0]!;
  const at = (v: string, a: number) => ctx.emit('Gather', [v, i64(a)], { axis: 0 })[0]!;
  const zero = i64(0), one = i64(1);
  const image = [...Array(rank).keys()].map((a) => at(imageName, a));
  // A negative block dim counts as 0: no block fits, and the input's reshape below refuses the run.
  const block = [...Array(rank).keys()].map((a) => op('Max', at(blockName, a), zero));
  const padded = image.map((d, a) => op('Add', d, i64(pads[a]! + pads[a + rank]!)));
  // Blocks per axis: floor((padded - extent) / stride) + 1, and none when the extent does not fit.
  const blocks = block.map((b, a) => {
    const extent = op('Add', op('Mul', op('Sub', b, one), i64(dilations[a]!)), one);
    const room = op('Sub', padded[a]!, extent);
    return ctx.emit('Where', [op('Less', room, zero), zero, op('Add', op('Div', room, i64(strides[a]!)), one)])[0]!;
  });
  const product = (vs: string[]) => vs.reduce((p, v) => op('Mul', p, v), one);
  const K = product(block), L = product(blocks);
  // Flat padded-image position of kernel tap t (rows) at block l (columns): [K, L].
  const t = ctx.emit('Unsqueeze', [ctx.emit('Range', [zero, K, one])[0]!], { axes: [1] })[0]!;
  const l = ctx.emit('Unsqueeze', [ctx.emit('Range', [zero, L, one])[0]!], { axes: [0] })[0]!;
  const mod = (a: string, b: string) => ctx.emit('Mod', [a, b], { fmod: 0 })[0]!;
  let flat: string | undefined;
  for (let a = 0; a < rank; a++) {
    const ta = mod(op('Div', t, product(block.slice(a + 1))), block[a]!);
    const la = mod(op('Div', l, product(blocks.slice(a + 1))), blocks[a]!);
    const pos = op('Add', op('Mul', la, i64(strides[a]!)), op('Mul', ta, i64(dilations[a]!)));
    flat = a === 0 ? pos : op('Add', op('Mul', flat!, padded[a]!), pos);
  }
  // The input as [N, C, K*L]: its channel axis must split into C blocks of K, its last into L.
  const KL = op('Mul', K, L);
  const unsq = (v: string) => ctx.emit('Unsqueeze', [v], { axes: [0] })[0]!;
  const [checked] = ctx.emit('Reshape', [xName, ctx.emit('Concat', [vec([0, -1]), unsq(K), unsq(L)], { axis: 0 })[0]!]);
  const [updates] = ctx.emit('Reshape', [checked!, ctx.emit('Concat', [vec([0, -1]), unsq(KL)], { axis: 0 })[0]!]);
  const [indices] = ctx.emit('Expand', [ctx.emit('Reshape', [flat!, vec([1, 1, -1])])[0]!, ctx.emit('Shape', [updates!])[0]!]);
  // A negative image dim becomes a negative padded dim, which ConstantOfShape refuses.
  const checkedPadded = padded.map((p, a) => ctx.emit('Where', [op('Less', image[a]!, zero), i64(-1), p])[0]!);
  const lead = ctx.emit('Slice', [ctx.emit('Shape', [updates!])[0]!, vec([0]), vec([2]), vec([0])])[0]!;
  const canvasShape = ctx.emit('Concat', [lead, ...checkedPadded.map(unsq)], { axis: 0 })[0]!;
  const [canvas] = ctx.emit('ConstantOfShape', [canvasShape], { value: makeTensor(x.dtype, [1], [0]) });
  const [flatCanvas] = ctx.emit('Reshape', [canvas!, vec([0, 0, -1])]);
  const [summed] = ctx.emit('ScatterElements', [flatCanvas!, indices!, updates!], { axis: 2, reduction: 'add' });
  const [full] = ctx.emit('Reshape', [summed!, canvasShape]);
  const axes = [...Array(rank).keys()].map((a) => a + 2);
  const ends = ctx.emit('Concat', image.map((d, a) => unsq(op('Add', d, i64(pads[a]!)))), { axis: 0 })[0]!;
  ctx.emit('Slice', [full!, vec(pads.slice(0, rank)), ends, vec(axes)], {}, ctx.node.outputs);
}

registerHandler('Col2Im', 18, (ctx: HandlerContext) => {
  const [, imageName, blockName] = ctx.node.inputs;
  if (!imageName || !blockName) ctx.fail('image_shape (input 1) and block_shape (input 2) are required');
  const image = ctx.constantOf(imageName), block = ctx.constantOf(blockName);
  if (image && block) constantShapes(ctx, [...image.data].map(Number), [...block.data].map(Number));
  else runTimeShapes(ctx);
});
