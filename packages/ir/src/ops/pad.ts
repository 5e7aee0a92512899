// Pad(x, pads, constant_value?, axes?) {mode}: the opset-18 input form (the importer converts the
// attribute forms). pads = [begin of each listed axis…, end of each listed axis…]; negative pads
// crop. Modes: constant (fill with constant_value, default 0), edge (repeat the border), reflect
// (mirror without repeating the border) and wrap (periodic). The output shape depends on the
// VALUE of pads; until it is known the padded dims stay symbolic.
import { Dim, Node } from '../graph.js';
import { OpDef, attrString, fail, input, registerOp } from '../op-registry.js';
import { allocateArray } from '../dtype.js';
import { indices } from '../reference.js';
import { Tensor, sizeOf, stridesOf, toNumbers } from '../tensor.js';
import { expectIntDType, intValues, normalizeAxes, unknownDim } from './shape-util.js';

export type PadMode = 'constant' | 'edge' | 'reflect' | 'wrap';
const MODES: readonly PadMode[] = ['constant', 'edge', 'reflect', 'wrap'];

export function padMode(node: Node): PadMode {
  const m = attrString(node, 'mode');
  if (!MODES.includes(m as PadMode)) fail(node, `mode '${m}' is not one of ${MODES.join(', ')}`, 'INVALID_ATTRIBUTE');
  return m as PadMode;
}

/** Begin and end padding of every dim, from pads over `axes` (all dims when absent). */
export function padAmounts(node: Node, rank: number, pads: number[], axes?: number[]): { begin: number[]; end: number[] } {
  const ax = normalizeAxes(node, axes ?? Array.from({ length: rank }, (_, i) => i), rank);
  if (pads.length !== 2 * ax.length) fail(node, `pads has ${pads.length} entries; expected ${2 * ax.length} (begin and end for ${ax.length} axes)`);
  const begin = new Array<number>(rank).fill(0), end = new Array<number>(rank).fill(0);
  ax.forEach((a, i) => { begin[a] = pads[i]!; end[a] = pads[i + ax.length]!; });
  return { begin, end };
}

/** The input index that output index `o` of a dim reads, or -1 for the constant value. */
export function padSource(mode: PadMode, o: number, begin: number, dim: number): number {
  const i = o - begin;
  if (i >= 0 && i < dim) return i;
  if (mode === 'constant' || dim === 0) return -1;
  if (mode === 'edge') return i < 0 ? 0 : dim - 1;
  if (mode === 'wrap') return ((i % dim) + dim) % dim;
  if (dim === 1) return 0;
  const period = 2 * (dim - 1);
  const r = ((i % period) + period) % period;
  return r < dim ? r : period - r;
}

function checkOutDims(node: Node, mode: PadMode, dims: number[], begin: number[], end: number[]): number[] {
  return dims.map((d, i) => {
    const o = d + begin[i]! + end[i]!;
    if (o < 0) fail(node, `pads [${begin[i]}, ${end[i]}] crop more than the ${d} entries of dim ${i}`);
    if (mode !== 'constant' && d === 0 && o > 0) fail(node, `${mode} padding of dim ${i} needs a non-empty input`);
    return o;
  });
}

export const pad: OpDef = {
  name: 'Pad',
  group: 'movement',
  description: 'pad (or crop) every dim with a constant, the edge, a reflection or a wrap-around',
  infer(ctx) {
    const { node } = ctx;
    const x = input(ctx, 0);
    const mode = padMode(node);
    expectIntDType(ctx, 1, 'pads', ['int64']);
    expectIntDType(ctx, 3, 'axes');
    const v = ctx.inputs[2];
    if (v && v.dtype !== x.dtype) fail(node, `constant_value (input 2) has dtype ${v.dtype}; the input has ${x.dtype}`, 'DTYPE_MISMATCH');
    if (v && v.shape.length > 1) fail(node, `constant_value (input 2) must be a scalar, got [${v.shape}]`);
    const pads = intValues(ctx, 1, 'pads');
    const axes = ctx.inputs[3] ? intValues(ctx, 3, 'axes') : undefined;
    if (!pads || (ctx.inputs[3] && !axes)) return [{ dtype: x.dtype, shape: x.shape.map((_, i) => unknownDim(node, i)) }];
    const { begin, end } = padAmounts(node, x.shape.length, pads, axes);
    const shape = x.shape.map((d, i): Dim => {
      if (begin[i] === 0 && end[i] === 0) return d;
      return typeof d === 'number' ? checkOutDims(node, mode, [d], [begin[i]!], [end[i]!])[0]! : unknownDim(node, i);
    });
    return [{ dtype: x.dtype, shape }];
  },
  evaluate(node, [x, p, v, a]) {
    const mode = padMode(node);
    const { begin, end } = padAmounts(node, x!.dims.length, toNumbers(p!), a ? toNumbers(a) : undefined);
    const outDims = checkOutDims(node, mode, x!.dims, begin, end);
    const strides = stridesOf(x!.dims);
    const data = allocateArray(x!.dtype, sizeOf(outDims)) as Float32Array;
    const src = x!.data as Float32Array;
    const fill = v && v.data.length ? (v.data as Float32Array)[0]! : undefined;
    let k = 0;
    for (const idx of indices(outDims)) {
      let off = 0;
      for (let d = 0; d < idx.length && off >= 0; d++) {
        const s = padSource(mode, idx[d]!, begin[d]!, x!.dims[d]!);
        off = s < 0 ? -1 : off + s * strides[d]!;
      }
      if (off >= 0) data[k] = src[off]!;
      else if (fill !== undefined) data[k] = fill;
      k++;
    }
    return [{ dtype: x!.dtype, dims: outDims, data } as Tensor];
  },
  flops: () => 0,
};

registerOp(pad);
