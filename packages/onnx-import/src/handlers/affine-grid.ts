// AffineGrid(theta [N, r, r+1], size [N, C, spatial…]) {align_corners}: the sampling grid of an
// affine transform, [N, spatial…, r] with x (the last axis) first. Each output point is theta
// applied to the homogeneous normalized coordinates (x, y[, z], 1) of its position, so the op is
// a base grid [points, r+1] times theta transposed: one batched MatMul and a Reshape.
// A constant size builds the base grid at import time. A size fed at run time builds it in the
// graph from ops whose output dims the run computes (Range per axis, Expand to the spatial shape,
// Reshape to the output), so the values decide the output dims; a size that is not positive stops
// the run at the Expand, a size[0] other than theta's N at the final Reshape, both naming this node.
import { DType, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector, requireConstInts } from './const-input.js';

/**
 * Normalized coordinate of position i of n in [-1, 1]: the pixel centres, or the ends with
 * align_corners (linspace(-1, 1, n), which is -1 for n = 1, as in onnxruntime and the ONNX function).
 */
function coordinate(i: number, n: number, alignCorners: boolean): number {
  if (alignCorners) return n === 1 ? -1 : -1 + (2 * i) / (n - 1);
  return (2 * i + 1) / n - 1;
}

function checkTheta(ctx: HandlerContext, r: number): DType {
  const theta = ctx.typeOf(ctx.node.inputs[0]!);
  if (r !== 2 && r !== 3) ctx.fail(`size must have 4 ([N, C, H, W]) or 5 ([N, C, D, H, W]) values, got ${r + 2}`);
  if (theta.shape.length !== 3 || theta.shape[1] !== r || theta.shape[2] !== r + 1) ctx.fail(`theta [${theta.shape}] must be [N, ${r}, ${r + 1}]`);
  return theta.dtype;
}

/** theta [N, r, r+1] applied to the base grid rows [points, r+1]: [N, points, r]. */
function applyTheta(ctx: HandlerContext, grid: string): string {
  const [thetaT] = ctx.emit('Transpose', [ctx.node.inputs[0]!], { perm: [0, 2, 1] });
  return ctx.emit('MatMul', [grid, thetaT!])[0]!;
}

function constantSize(ctx: HandlerContext, size: number[], align: boolean): void {
  const r = size.length - 2;
  const dtype = checkTheta(ctx, r);
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
  const grid = ctx.addConstant(makeTensor(dtype, [points, r + 1], base), 'affine_base_grid');
  ctx.emit('Reshape', [applyTheta(ctx, grid), ctx.addConstant(int64Vector([size[0]!, ...spatial, r]), 'affine_grid_shape')], {}, ctx.node.outputs);
}

function runTimeSize(ctx: HandlerContext, align: boolean): void {
  const sizeName = ctx.node.inputs[1]!;
  const sizeType = ctx.typeOf(sizeName);
  const len = sizeType.shape[0];
  if (sizeType.shape.length !== 1 || typeof len !== 'number') ctx.fail(`size must be a 1-D tensor of static length, got [${sizeType.shape}]`);
  if (sizeType.dtype !== 'int64') ctx.fail(`size must be int64, got ${sizeType.dtype}`);
  const r = len - 2;
  const dtype = checkTheta(ctx, r);
  const k = (v: number[]) => ctx.addConstant(int64Vector(v), 'affine_k');
  const scalar = (v: number, t: DType) => ctx.addConstant(makeTensor(t, [], [v]), 'affine_k');
  const spatial = ctx.emit('Slice', [sizeName, k([2]), k([r + 2]), k([0])])[0]!;
  // onnxruntime refuses sizes that are not positive: as -1 they make the Expand refuse the run.
  const refused = ctx.emit('Where', [ctx.emit('LessOrEqual', [spatial, scalar(0, 'int64')])[0]!, scalar(-1, 'int64'), spatial])[0]!;
  const full = (v: string) => ctx.emit('Expand', [v, refused])[0]!;
  // Component a of every point: the coordinate of its position along spatial axis a, broadcast over the others.
  const components: string[] = [];
  for (let a = r - 1; a >= 0; a--) {
    const [n] = ctx.emit('Gather', [sizeName, ctx.addConstant(makeTensor('int64', [], [2 + a]), 'affine_axis')], { axis: 0 });
    const [i] = ctx.emit('Range', [scalar(0, 'int64'), n!, scalar(1, 'int64')]);
    const [fi] = ctx.emit('Cast', [i!], { to: dtype });
    const [fn] = ctx.emit('Cast', [n!], { to: dtype });
    let c: string;
    if (align) {
      // -1 + 2i / (n - 1), and -1 for n = 1 (where the division has no value).
      const [den] = ctx.emit('Sub', [fn!, scalar(1, dtype)]);
      const [q] = ctx.emit('Div', [ctx.emit('Mul', [fi!, scalar(2, dtype)])[0]!, den!]);
      const [v] = ctx.emit('Sub', [q!, scalar(1, dtype)]);
      c = ctx.emit('Where', [ctx.emit('Equal', [fn!, scalar(1, dtype)])[0]!, scalar(-1, dtype), v!])[0]!;
    } else {
      // (2i + 1) / n - 1
      const [num] = ctx.emit('Add', [ctx.emit('Mul', [fi!, scalar(2, dtype)])[0]!, scalar(1, dtype)]);
      c = ctx.emit('Sub', [ctx.emit('Div', [num!, fn!])[0]!, scalar(1, dtype)])[0]!;
    }
    const others = [...Array(r).keys()].filter((b) => b !== a);
    const [placed] = others.length ? ctx.emit('Unsqueeze', [c], { axes: others }) : [c];
    components.push(ctx.emit('Unsqueeze', [full(placed!)], { axes: [r] })[0]!);
  }
  components.push(ctx.emit('Unsqueeze', [full(ctx.addConstant(makeTensor(dtype, new Array<number>(r).fill(1), [1]), 'affine_one'))], { axes: [r] })[0]!);
  const [grid] = ctx.emit('Concat', components, { axis: r });
  const [rows] = ctx.emit('Reshape', [grid!, k([-1, r + 1])]);
  const [shape] = ctx.emit('Concat', [ctx.emit('Slice', [sizeName, k([0]), k([1]), k([0])])[0]!, spatial, k([r])], { axis: 0 });
  ctx.emit('Reshape', [applyTheta(ctx, rows!), shape!], {}, ctx.node.outputs);
}

registerHandler('AffineGrid', 20, (ctx: HandlerContext) => {
  const align = Number(ctx.node.attrs.align_corners ?? 0) !== 0;
  const sizeName = ctx.node.inputs[1];
  if (!sizeName) ctx.fail('size (input 1) is required');
  if (ctx.constantOf(sizeName)) constantSize(ctx, requireConstInts(ctx, 1, 'size'), align);
  else runTimeSize(ctx, align);
});
