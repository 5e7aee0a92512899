// Resize(X, scales?, sizes?, roi?) {sizes, scales, roi, mode, coordinate_transformation_mode,
// nearest_mode, cubic_coeff_a, exclude_outside, extrapolation_value, antialias, axes,
// keep_aspect_ratio_policy}: the importer resolves ONNX's constant scales / sizes / roi / axes /
// keep_aspect_ratio_policy inputs (and Upsample) into `sizes` (the output dims) and `scales` (the
// float scale of every axis, used by the coordinate mapping), and `roi` (2·rank values, starts then
// ends) for tf_crop_and_resize. When they are known only at run time they stay inputs (for the
// listed `axes`) and the kernel resolves them during the run. The sampling plan of each axis is in
// resize-taps.ts; an output element is the sum over the taps of all axes of the product of their
// weights times the input element they select.
import { Node } from '../graph.js';
import { OpDef, attrFloat, attrInt, attrInts, attrString, expectDType, fail, input, registerOp } from '../op-registry.js';
import { Tensor, makeTensor, sizeOf, stridesOf } from '../tensor.js';
import { unknownDim } from './shape-util.js';
import { toNumbers } from '../tensor.js';
import { AxisTaps, COORDINATE_MODES, CoordinateMode, NEAREST_MODES, NearestMode, ResizeMode, ResizeOptions, axisTaps } from './resize-taps.js';

function floats(node: Node, name: string, dflt?: number[]): number[] {
  const v = node.attrs[name];
  if (v === undefined || v === null) {
    if (dflt) return dflt;
    fail(node, `missing required attribute '${name}'`, 'INVALID_ATTRIBUTE');
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) fail(node, `attribute '${name}' must be a list of numbers`, 'INVALID_ATTRIBUTE');
  return v as number[];
}

export function resizeOptions(node: Node): ResizeOptions {
  const mode = attrString(node, 'mode') as ResizeMode;
  if (!['nearest', 'linear', 'cubic'].includes(mode)) fail(node, `mode '${mode}' is not one of nearest, linear, cubic`, 'INVALID_ATTRIBUTE');
  const coordinateMode = attrString(node, 'coordinate_transformation_mode') as CoordinateMode;
  if (!COORDINATE_MODES.includes(coordinateMode)) fail(node, `coordinate_transformation_mode '${coordinateMode}' is not supported`, 'INVALID_ATTRIBUTE');
  const nearestMode = attrString(node, 'nearest_mode') as NearestMode;
  if (!NEAREST_MODES.includes(nearestMode)) fail(node, `nearest_mode '${nearestMode}' is not supported`, 'INVALID_ATTRIBUTE');
  const antialias = attrInt(node, 'antialias') !== 0;
  if (antialias && mode === 'nearest') fail(node, 'antialias is not defined for mode nearest', 'INVALID_ATTRIBUTE');
  return { mode, coordinateMode, nearestMode, antialias, cubicA: attrFloat(node, 'cubic_coeff_a'), excludeOutside: attrInt(node, 'exclude_outside') !== 0 };
}

/** Resize's attributes: the sampling options, the value outside a tf_crop_and_resize roi, and the run-time form's axes and aspect policy. */
export interface ResizeAttrs extends ResizeOptions {
  extrapolationValue: number;
  /** Only when scales / sizes / roi are inputs resolved during the run: the axes they list and keep_aspect_ratio_policy. */
  runTime: { axes: number[]; keepAspectRatioPolicy: string } | undefined;
  /** Otherwise the output dims, the scale of every axis and the roi (starts, then ends) when given. */
  fixed: { sizes: number[]; scales: number[]; roi: number[] | undefined } | undefined;
}

export function resizeAttrs(node: Node): ResizeAttrs {
  const runTime = runTimeSizes(node) ? { axes: attrInts(node, 'axes'), keepAspectRatioPolicy: attrString(node, 'keep_aspect_ratio_policy') } : undefined;
  const roi = node.attrs.roi === undefined || node.attrs.roi === null ? undefined : floats(node, 'roi');
  const fixed = runTime ? undefined : { sizes: attrInts(node, 'sizes'), scales: floats(node, 'scales'), roi };
  return { ...resizeOptions(node), extrapolationValue: attrFloat(node, 'extrapolation_value'), runTime, fixed };
}

/** The taps of every axis of an input of shape `dims`. */
export function resizePlan(node: Node, dims: number[]): AxisTaps[] {
  const sizes = attrInts(node, 'sizes'), scales = floats(node, 'scales');
  const rank = dims.length;
  const roi = floats(node, 'roi', [...new Array<number>(rank).fill(0), ...new Array<number>(rank).fill(1)]);
  const o = resizeOptions(node);
  return dims.map((d, a) => axisTaps(d, sizes[a]!, scales[a]!, o, [roi[a]!, roi[rank + a]!]));
}

/**
 * The output dims and per-axis scales of a Resize given the values of its `scales` or `sizes`
 * for the listed axes (as the importer resolves constant ones): sizes with a
 * keep_aspect_ratio_policy use one scale for all listed axes and round half up.
 */
export function resolveResize(inDims: number[], axes: number[], scalesIn: number[] | undefined, sizesIn: number[] | undefined, policy: string): { sizes: number[]; scales: number[] } {
  const scales = inDims.map(() => 1), sizes = [...inDims];
  if (sizesIn) {
    const ratios = axes.map((a, i) => sizesIn[i]! / inDims[a]!);
    const common = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((a, i) => {
      scales[a] = policy === 'stretch' ? ratios[i]! : common;
      sizes[a] = policy === 'stretch' ? sizesIn[i]! : Math.floor(common * inDims[a]! + 0.5);
    });
  } else if (scalesIn) {
    axes.forEach((a, i) => { scales[a] = scalesIn[i]!; sizes[a] = Math.floor(scalesIn[i]! * inDims[a]!); });
  }
  return { sizes, scales };
}

/**
 * Resize(X, scales, sizes, roi) with `scales` or `sizes` (and, for tf_crop_and_resize, `roi`) read
 * at run time, in every mode: the listed axes (`axes`) get dims the kernel computes (unknownDim)
 * unless the scales or sizes are known at compile time; `keep_aspect_ratio_policy` as in ONNX;
 * `roi` holds the starts then the ends of the listed axes.
 */
function runTimeSizes(node: Node): boolean { return !!(node.inputs[1] || node.inputs[2] || node.inputs[3]); }

/** The values of a run-time Resize's input `i` where known (undefined when omitted, empty or computed). */
const knownValues = (t: Tensor | undefined): number[] | undefined => (t && t.data.length ? toNumbers(t) : undefined);

/** The sizes and scales attributes (and roi of every axis) of a run-time Resize, given the values of its inputs. */
function resolvedAttrs(node: Node, dims: number[], scalesIn: number[] | undefined, sizesIn: number[] | undefined, roiIn: number[] | undefined) {
  const axes = attrInts(node, 'axes'), rank = dims.length;
  const r = resolveResize(dims, axes, scalesIn, sizesIn, attrString(node, 'keep_aspect_ratio_policy'));
  const roi = [...dims.map(() => 0), ...dims.map(() => 1)];
  if (roiIn) axes.forEach((a, i) => { roi[a] = roiIn[i]!; roi[rank + a] = roiIn[axes.length + i]!; });
  return { ...r, roi };
}

export const resize: OpDef = {
  name: 'Resize',
  group: 'movement',
  description: 'nearest / linear / cubic resampling with per-axis scales (coordinate modes, antialias, roi)',
  infer(ctx) {
    const { node } = ctx;
    expectDType(ctx, 0, ['float32']);
    const x = input(ctx, 0).shape;
    if (runTimeSizes(node)) {
      const axes = attrInts(node, 'axes');
      resizeOptions(node);
      const scalesIn = knownValues(ctx.values[1]), sizesIn = knownValues(ctx.values[2]);
      if ((scalesIn || sizesIn) && x.every((d) => typeof d === 'number')) {
        const { sizes, scales } = resolveResize(x as number[], axes, scalesIn, sizesIn, attrString(node, 'keep_aspect_ratio_policy'));
        if (scales.some((s) => !(s > 0))) fail(node, `scales [${scales}] must be positive`, 'INVALID_ATTRIBUTE');
        return [{ dtype: 'float32', shape: sizes }];
      }
      return [{ dtype: 'float32', shape: x.map((d, a) => (axes.includes(a) ? unknownDim(node, a) : d)) }];
    }
    const sizes = attrInts(node, 'sizes'), scales = floats(node, 'scales');
    if (sizes.length !== x.length || scales.length !== x.length) fail(node, `sizes [${sizes}] and scales [${scales}] must have one value per axis of the input [${x}]`, 'INVALID_ATTRIBUTE');
    if (scales.some((s) => !(s > 0))) fail(node, `scales [${scales}] must be positive`, 'INVALID_ATTRIBUTE');
    resizeOptions(node);
    return [{ dtype: 'float32', shape: [...sizes] }];
  },
  evaluate(node, [x, scalesIn, sizesIn, roiIn]) {
    if (runTimeSizes(node)) {
      const r = resolvedAttrs(node, x!.dims, knownValues(scalesIn), knownValues(sizesIn), knownValues(roiIn));
      return resize.evaluate!({ ...node, inputs: [node.inputs[0]!], attrs: { ...node.attrs, ...r } }, [x!]);
    }
    const dims = x!.dims, rank = dims.length;
    const plan = resizePlan(node, dims);
    const extrapolation = resizeAttrs(node).extrapolationValue;
    const sizes = attrInts(node, 'sizes');
    const y = makeTensor('float32', sizes);
    const X = x!.data as Float32Array, Y = y.data as Float32Array, inStr = stridesOf(dims);
    const out = new Array<number>(rank).fill(0);
    // Sum over the taps of axes a.. of weight · X, for output position `out`.
    const sum = (a: number, offset: number): number => {
      if (a === rank) return X[offset]!;
      const t = plan[a]!;
      let s = 0;
      for (let k = 0; k < t.count; k++) {
        s += t.weight[out[a]! * t.count + k]! * sum(a + 1, offset + t.index[out[a]! * t.count + k]! * inStr[a]!);
      }
      return s;
    };
    for (let i = 0; i < sizeOf(sizes); i++) {
      let r = i;
      for (let a = rank - 1; a >= 0; a--) { out[a] = r % sizes[a]!; r = Math.floor(r / sizes[a]!); }
      Y[i] = plan.every((t, a) => t.inside[out[a]!]) ? sum(0, 0) : extrapolation;
    }
    return [y];
  },
};

registerOp(resize);
