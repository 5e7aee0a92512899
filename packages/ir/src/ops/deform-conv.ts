// DeformConv(X [N, C, H, W], W [M, C/group, kh, kw], offset [N, og*kh*kw*2, OH, OW], B?, mask?)
// {dilations, group, offset_group, pads, strides}: a 2-D convolution whose every tap reads X at
// its regular position plus a learned (dy, dx) offset, by bilinear interpolation with zeros
// outside the image, scaled by the optional mask. Input channels are split into offset_group
// groups, each with its own offsets and mask. Explicit pads only (like Conv's IR form).
import { Node } from '../graph.js';
import { OpDef, attrInt, attrInts, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, toNumbers } from '../tensor.js';

export interface DeformGeometry { kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; pt: number; pl: number; group: number; og: number }

export function deformGeometry(node: Node, w: number[]): DeformGeometry {
  const [kh, kw] = attrInts(node, 'kernel_shape') as [number, number];
  const [sh, sw] = attrInts(node, 'strides') as [number, number];
  const [dh, dw] = attrInts(node, 'dilations') as [number, number];
  const [pt, pl] = attrInts(node, 'pads') as [number, number];
  return { kh, kw, sh, sw, dh, dw, pt, pl, group: attrInt(node, 'group'), og: attrInt(node, 'offset_group') };
}

/** Bilinear sample of a plane at (y, x) with zeros outside. */
function bilinear(plane: (i: number) => number, H: number, W: number, y: number, x: number): number {
  const y0 = Math.floor(y), x0 = Math.floor(x), ly = y - y0, lx = x - x0;
  const at = (r: number, c: number) => (r >= 0 && r < H && c >= 0 && c < W ? plane(r * W + c) : 0);
  return (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x0 + 1)) + ly * ((1 - lx) * at(y0 + 1, x0) + lx * at(y0 + 1, x0 + 1));
}

export const deformConv: OpDef = {
  name: 'DeformConv',
  group: 'linalg',
  description: '2-D convolution with per-position learned tap offsets (bilinear) and optional mask',
  infer(ctx) {
    const { node } = ctx;
    const dtype = expectDType(ctx, 0, ['float32']);
    const x = input(ctx, 0).shape, w = input(ctx, 1).shape, off = input(ctx, 2).shape;
    if (x.length !== 4 || w.length !== 4 || off.length !== 4) fail(node, `X [${x}], W [${w}] and offset [${off}] must be 4-D (only 2-D DeformConv is supported)`, 'UNSUPPORTED_OP');
    const g = deformGeometry(node, w as number[]);
    if (typeof x[1] === 'number' && (x[1] % g.og !== 0 || x[1] !== (w[1] as number) * g.group)) fail(node, `X has ${x[1]} channels; W [${w}] with group ${g.group} and offset_group ${g.og} do not fit`);
    if (typeof off[1] === 'number' && off[1] !== g.og * g.kh * g.kw * 2) fail(node, `offset has ${off[1]} channels; expected ${g.og * g.kh * g.kw * 2}`);
    return [{ dtype, shape: [x[0]!, w[0]!, off[2]!, off[3]!] }];
  },
  evaluate(node, [x, w, offset, b, mask]) {
    const g = deformGeometry(node, w!.dims);
    const [N, C, H, W] = x!.dims as [number, number, number, number];
    const M = w!.dims[0]!, [OH, OW] = offset!.dims.slice(2) as [number, number];
    const X = toNumbers(x!), Wt = toNumbers(w!), O = toNumbers(offset!), B = b ? toNumbers(b) : undefined, K = mask ? toNumbers(mask) : undefined;
    const Cg = C / g.group, Mg = M / g.group, Cog = C / g.og, taps = g.kh * g.kw;
    const out: number[] = [];
    for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
      let s = B ? B[m]! : 0;
      for (let cg = 0; cg < Cg; cg++) {
        const c = Math.floor(m / Mg) * Cg + cg, og = Math.floor(c / Cog);
        const plane = (p: number) => X[(n * C + c) * H * W + p]!;
        for (let t = 0; t < taps; t++) {
          const ky = Math.floor(t / g.kw), kx = t % g.kw;
          const oc = ((n * g.og + og) * taps + t) * 2;
          const dy = O[(oc * OH + i) * OW + j]!, dx = O[((oc + 1) * OH + i) * OW + j]!;
          const scale = K ? K[(((n * g.og + og) * taps + t) * OH + i) * OW + j]! : 1;
          const v = bilinear(plane, H, W, i * g.sh - g.pt + ky * g.dh + dy, j * g.sw - g.pl + kx * g.dw + dx);
          s += Wt[(m * Cg + cg) * taps + t]! * v * scale;
        }
      }
      out.push(s);
    }
    return [makeTensor('float32', [N, M, OH, OW], out)];
  },
};

registerOp(deformConv);
