// RoiAlign(X [N, C, H, W], rois [R, 4], batch_indices [R]) {mode, output_height, output_width,
// sampling_ratio, spatial_scale, half_pixel} → [R, C, OH, OW]. Each output bin samples a grid of
// points (sampling_ratio per axis, or ceil(bin size) when 0) by bilinear interpolation and takes
// their mean ('avg') or max ('max'). Matches the ONNX reference in its details: points beyond one
// pixel outside the map count as 0, coordinates clamp to the last row/column, in 'max' mode each
// point contributes the largest of its four weighted corners, and without half_pixel malformed
// rois are widened to 1x1. The importer turns coordinate_transformation_mode into half_pixel.
import { OpDef, attrFloat, attrInt, attrString, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, toNumbers } from '../tensor.js';

export interface RoiAlignAttrs { max: boolean; OH: number; OW: number; ratio: number; scale: number; halfPixel: boolean }

export function roiAlignAttrs(node: Parameters<OpDef['evaluate']>[0]): RoiAlignAttrs {
  const mode = attrString(node, 'mode');
  if (mode !== 'avg' && mode !== 'max') fail(node, `mode '${mode}' is not avg or max`, 'INVALID_ATTRIBUTE');
  const a = {
    max: mode === 'max', OH: attrInt(node, 'output_height'), OW: attrInt(node, 'output_width'),
    ratio: attrInt(node, 'sampling_ratio'), scale: attrFloat(node, 'spatial_scale'), halfPixel: attrInt(node, 'half_pixel') !== 0,
  };
  if (a.OH < 1 || a.OW < 1 || a.ratio < 0) fail(node, 'output_height/width must be positive and sampling_ratio non-negative', 'INVALID_ATTRIBUTE');
  return a;
}

/** The value of one sample point at (y, x) of a plane: a weighted sum (avg) or the largest weighted corner (max). */
function sample(plane: (i: number) => number, H: number, W: number, y: number, x: number, max: boolean): number {
  if (y < -1 || y > H || x < -1 || x > W) return 0;
  y = Math.max(y, 0); x = Math.max(x, 0);
  let yl = Math.trunc(y), xl = Math.trunc(x), yh: number, xh: number;
  if (yl >= H - 1) { yh = yl = H - 1; y = yl; } else yh = yl + 1;
  if (xl >= W - 1) { xh = xl = W - 1; x = xl; } else xh = xl + 1;
  const ly = y - yl, lx = x - xl, hy = 1 - ly, hx = 1 - lx;
  const t = [hy * hx * plane(yl * W + xl), hy * lx * plane(yl * W + xh), ly * hx * plane(yh * W + xl), ly * lx * plane(yh * W + xh)];
  return max ? Math.max(...t) : t[0]! + t[1]! + t[2]! + t[3]!;
}

export const roiAlign: OpDef = {
  name: 'RoiAlign',
  group: 'movement',
  description: 'bilinear region-of-interest pooling (avg or max) to a fixed output size',
  infer(ctx) {
    const dtype = expectDType(ctx, 0, ['float32']);
    expectDType(ctx, 1, ['float32']);
    expectDType(ctx, 2, ['int64']);
    const x = input(ctx, 0).shape, rois = input(ctx, 1).shape;
    if (x.length !== 4) fail(ctx.node, `input X [${x}] must be [N, C, H, W]`);
    if (rois.length !== 2 || (typeof rois[1] === 'number' && rois[1] !== 4)) fail(ctx.node, `rois [${rois}] must be [R, 4]`);
    const a = roiAlignAttrs(ctx.node);
    return [{ dtype, shape: [rois[0]!, x[1]!, a.OH, a.OW] }];
  },
  evaluate(node, [x, rois, batch]) {
    const a = roiAlignAttrs(node);
    const [, C, H, W] = x!.dims as [number, number, number, number];
    const X = toNumbers(x!), B = toNumbers(rois!), idx = toNumbers(batch!);
    const R = idx.length, out: number[] = [];
    const off = a.halfPixel ? 0.5 : 0;
    for (let r = 0; r < R; r++) {
      const [sw, sh, ew, eh] = [0, 1, 2, 3].map((k) => B[r * 4 + k]! * a.scale - off) as [number, number, number, number];
      const rw = a.halfPixel ? ew - sw : Math.max(ew - sw, 1), rh = a.halfPixel ? eh - sh : Math.max(eh - sh, 1);
      const bh = rh / a.OH, bw = rw / a.OW;
      const gh = a.ratio > 0 ? a.ratio : Math.ceil(bh), gw = a.ratio > 0 ? a.ratio : Math.ceil(bw);
      const count = Math.max(gh * gw, 1);
      for (let c = 0; c < C; c++) {
        const base = (idx[r]! * C + c) * H * W;
        const plane = (i: number) => X[base + i]!;
        for (let ph = 0; ph < a.OH; ph++) for (let pw = 0; pw < a.OW; pw++) {
          let acc = 0, first = true;
          for (let iy = 0; iy < gh; iy++) for (let ix = 0; ix < gw; ix++) {
            const v = sample(plane, H, W, sh + ph * bh + ((iy + 0.5) * bh) / gh, sw + pw * bw + ((ix + 0.5) * bw) / gw, a.max);
            acc = a.max ? (first ? v : Math.max(acc, v)) : acc + v;
            first = false;
          }
          out.push(a.max ? acc : acc / count);
        }
      }
    }
    return [makeTensor('float32', [R, C, a.OH, a.OW], out)];
  },
};

registerOp(roiAlign);
