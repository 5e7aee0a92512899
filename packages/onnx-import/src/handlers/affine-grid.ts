// AffineGrid(theta [N, r, r+1], size [N, C, spatial…]) {align_corners}: the sampling grid of an
// affine transform, [N, spatial…, r] with x (the last axis) first. Each output point is theta
// applied to the homogeneous normalized coordinates (x, y[, z], 1) of its position, so the op is
// a constant base grid [points, r+1] times theta transposed: one batched MatMul and a Reshape.
// size must be known at compile time (it fixes the output shape).
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector, requireConstInts } from './const-input.js';

/** Normalized coordinate of position i of n in [-1, 1]: the pixel centres, or the ends with align_corners. */
function coordinate(i: number, n: number, alignCorners: boolean): number {
  if (alignCorners) return n === 1 ? 0 : -1 + (2 * i) / (n - 1);
  return (2 * i + 1) / n - 1;
}

registerHandler('AffineGrid', 20, (ctx: HandlerContext) => {
  const { node } = ctx;
  const theta = ctx.typeOf(node.inputs[0]!);
  const size = requireConstInts(ctx, 1, 'size');
  const r = size.length - 2;
  if (r !== 2 && r !== 3) ctx.fail(`size [${size}] must be [N, C, H, W] or [N, C, D, H, W]`);
  if (theta.shape.length !== 3 || theta.shape[1] !== r || theta.shape[2] !== r + 1) ctx.fail(`theta [${theta.shape}] must be [N, ${r}, ${r + 1}]`);
  const align = Number(node.attrs.align_corners ?? 0) !== 0;
  const spatial = size.slice(2);
  const points = spatial.reduce((a, b) => a * b, 1);
  // Row p of the base grid: (x, y[, z], 1) of the p-th position in row-major order (x runs fastest).
  const base = new Array<number>(points * (r + 1));
  for (let p = 0; p < points; p++) {
    let rest = p;
    for (let a = r - 1; a >= 0; a--) {
      const n = spatial[a]!;
      base[p * (r + 1) + (r - 1 - a)] = coordinate(rest % n, n, align);
      rest = Math.floor(rest / n);
    }
    base[p * (r + 1) + r] = 1;
  }
  const grid = ctx.addConstant(makeTensor(theta.dtype, [points, r + 1], base), 'affine_base_grid');
  const [thetaT] = ctx.emit('Transpose', [node.inputs[0]!], { perm: [0, 2, 1] });
  const [flat] = ctx.emit('MatMul', [grid, thetaT!]);
  ctx.emit('Reshape', [flat!, ctx.addConstant(int64Vector([size[0]!, ...spatial, r]), 'affine_grid_shape')], {}, node.outputs);
});
