// The 1-D sampling plan of Resize along one axis: for each output position, which input positions
// it reads and with which weights. Resize is separable: an output element is the sum over one tap
// per resized axis of the product of the taps' weights times the input element they point at.
// This follows the ONNX definition:
//   x_original from the coordinate transformation mode (scale is the float scale of the axis,
//   output_width = scale · input length, as in the ONNX reference);
//   nearest: one input position, x_original itself when integral, else rounded by nearest_mode;
//   linear / cubic: n neighbours around x_original, the left ones preferred (so an integral
//   x_original lies at the right of the middle pair), weighted by the kernel at the distance;
//   with antialias (downsampling) the kernel is stretched by 1/scale and the weights normalized;
//   exclude_outside drops neighbours outside the input and renormalizes; the remaining
//   out-of-range neighbours read the edge element.
// tf_crop_and_resize maps into the roi, and a position mapped outside the input is `inside = 0`:
// the output element is extrapolation_value.

export type ResizeMode = 'nearest' | 'linear' | 'cubic';
/** `simple`: floor, or ceil on an axis that downsamples (scale < 1): opset-10 Resize and Upsample, as onnxruntime. */
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'simple';
export type CoordinateMode = 'half_pixel' | 'half_pixel_symmetric' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'tf_crop_and_resize';

export const COORDINATE_MODES: readonly CoordinateMode[] = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_crop_and_resize'];
export const NEAREST_MODES: readonly NearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil', 'simple'];

export interface ResizeOptions {
  mode: ResizeMode;
  coordinateMode: CoordinateMode;
  nearestMode: NearestMode;
  cubicA: number;
  excludeOutside: boolean;
  antialias: boolean;
}

/** Taps of one axis: `count` per output position, position o's at [o·count, (o+1)·count). */
export interface AxisTaps {
  count: number;
  index: Int32Array;
  weight: Float64Array;
  /** Per output position: 1 when it maps inside the input (always 1 unless tf_crop_and_resize). */
  inside: Uint8Array;
}

function originalCoordinate(x: number, inLen: number, outLen: number, scale: number, o: ResizeOptions, roi: [number, number]): number {
  const outWidth = scale * inLen;
  switch (o.coordinateMode) {
    case 'align_corners': return outWidth === 1 ? 0 : (x * (inLen - 1)) / (outWidth - 1);
    case 'asymmetric': return x / scale;
    case 'pytorch_half_pixel': return outWidth === 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    case 'half_pixel': return (x + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const offset = (inLen / 2) * (1 - outLen / outWidth);
      return offset + (x + 0.5) / scale - 0.5;
    }
    case 'tf_crop_and_resize': {
      const span = (roi[1] - roi[0]) * (inLen - 1);
      return (outWidth === 1 ? span / 2 : (x * span) / (outWidth - 1)) + roi[0] * (inLen - 1);
    }
  }
}

function nearestIndex(xo: number, mode: NearestMode, scale: number): number {
  if (Number.isInteger(xo)) return xo;
  if (mode === 'simple') return scale < 1 ? Math.ceil(xo) : Math.floor(xo);
  const f = Math.floor(xo), r = xo - f;
  switch (mode) {
    case 'round_prefer_floor': return r <= 0.5 ? f : f + 1;
    case 'round_prefer_ceil': return r < 0.5 ? f : f + 1;
    case 'floor': return f;
    case 'ceil': return f + 1;
  }
  throw new Error(`nearest_mode ${mode}`);
}

function cubicKernel(d: number, A: number): number {
  const x = Math.abs(d), x2 = x * x, x3 = x2 * x;
  if (x <= 1) return (A + 2) * x3 - (A + 3) * x2 + 1;
  if (x < 2) return A * x3 - 5 * A * x2 + 8 * A * x - 4 * A;
  return 0;
}

/** Weights of the neighbours of one position, before dropping zero weights. */
function neighbours(xo: number, inLen: number, scale: number, o: ResizeOptions): { idx: number[]; w: number[] } {
  if (o.mode === 'nearest') return { idx: [nearestIndex(xo, o.nearestMode, scale)], w: [1] };
  const stretch = o.antialias ? Math.min(scale, 1) : 1;
  const radius = o.mode === 'linear' ? 1 : 2;
  const n = 2 * Math.ceil(radius / stretch);
  // Left neighbour of the middle pair: floor(x), or x - 1 when x is integral (ratio in (0, 1]).
  const base = Math.ceil(xo) - 1;
  const idx: number[] = [], w: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = base + k - (n / 2 - 1);
    const d = (i - xo) * stretch;
    idx.push(i);
    w.push(o.mode === 'linear' ? Math.max(0, 1 - Math.abs(d)) : cubicKernel(d, o.cubicA));
  }
  const normalize = () => { const s = w.reduce((a, b) => a + b, 0); for (let k = 0; k < n; k++) w[k] = w[k]! / s; };
  if (o.antialias) normalize();
  if (o.excludeOutside) {
    idx.forEach((i, k) => { if (i < 0 || i >= inLen) w[k] = 0; });
    normalize();
  }
  return { idx, w };
}

export function axisTaps(inLen: number, outLen: number, scale: number, o: ResizeOptions, roi: [number, number] = [0, 1]): AxisTaps {
  const perPosition: { idx: number[]; w: number[] }[] = [];
  const inside = new Uint8Array(outLen);
  for (let x = 0; x < outLen; x++) {
    const xo = originalCoordinate(x, inLen, outLen, scale, o, roi);
    if (o.coordinateMode === 'tf_crop_and_resize' && (xo < 0 || xo > inLen - 1)) { perPosition.push({ idx: [], w: [] }); continue; }
    inside[x] = 1;
    const { idx, w } = neighbours(xo, inLen, scale, o);
    const keep = w.map((_, k) => k).filter((k) => w[k] !== 0);
    perPosition.push({ idx: keep.map((k) => Math.min(Math.max(idx[k]!, 0), inLen - 1)), w: keep.map((k) => w[k]!) });
  }
  const count = Math.max(1, ...perPosition.map((p) => p.idx.length));
  const index = new Int32Array(outLen * count), weight = new Float64Array(outLen * count);
  perPosition.forEach((p, x) => p.idx.forEach((i, k) => { index[x * count + k] = i; weight[x * count + k] = p.w[k]!; }));
  return { count, index, weight, inside };
}

/** True when the taps copy input position o to output position o. */
export function isIdentityTaps(t: AxisTaps, inLen: number): boolean {
  if (t.count !== 1 || t.inside.length !== inLen) return false;
  for (let x = 0; x < inLen; x++) if (t.index[x] !== x || t.weight[x] !== 1 || !t.inside[x]) return false;
  return true;
}
