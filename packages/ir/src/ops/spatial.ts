// Window geometry shared by Conv and the pooling ops: attribute reading, output sizes and the
// input position of each window tap. The IR form always has explicit pads; the ONNX importer
// resolves auto_pad, so these ops reject it instead of guessing.
import { Dim, Node } from '../graph.js';
import { attrInts, fail } from '../op-registry.js';

export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  /** Begin pads of every spatial axis, then end pads (ONNX order). */
  pads: number[];
  dilations: number[];
  ceilMode: boolean;
}

/**
 * The window attributes every windowed op shares (Conv, NhwcConv, QLinearConv, the pools): strides,
 * explicit pads (begin pads of every axis, then end pads) and dilations. Kernel sizes are not
 * here: Conv and the pools carry kernel_shape, QLinearConv takes them from its weights.
 */
export interface WindowAttrs {
  strides: number[];
  pads: number[];
  dilations: number[];
}

/** The one reader of the window attributes; auto_pad must already be resolved to pads. */
export function windowAttrs(node: Node): WindowAttrs {
  const autoPad = node.attrs.auto_pad;
  if (autoPad !== undefined && autoPad !== null && autoPad !== 'NOTSET') {
    fail(node, `auto_pad '${String(autoPad)}' must be resolved to explicit pads before the IR (the importer does this)`, 'INVALID_ATTRIBUTE');
  }
  return { strides: attrInts(node, 'strides'), pads: attrInts(node, 'pads'), dilations: attrInts(node, 'dilations') };
}

/**
 * Checks the window attributes for `rank` spatial axes (lengths and signs) and joins them with the
 * kernel. All are required: the importer writes them per node, since their ONNX defaults depend
 * on the rank.
 */
export function readGeometry(node: Node, rank: number, kernel: number[], opts: { ceilMode?: boolean } = {}): WindowGeometry {
  const { strides, pads, dilations } = windowAttrs(node);
  const check = (name: string, v: number[], len: number, min: number) => {
    if (v.length !== len) fail(node, `attribute '${name}' has ${v.length} values; expected ${len} for ${rank} spatial axes`, 'INVALID_ATTRIBUTE');
    if (v.some((x) => !Number.isInteger(x) || x < min)) fail(node, `attribute '${name}' = [${v}] must hold integers >= ${min}`, 'INVALID_ATTRIBUTE');
  };
  check('kernel_shape', kernel, rank, 1);
  check('strides', strides, rank, 1);
  check('pads', pads, 2 * rank, 0);
  check('dilations', dilations, rank, 1);
  const ceilMode = opts.ceilMode ?? false;
  return { kernel, strides, pads, dilations, ceilMode };
}

/** Output length of one spatial axis, or a failure naming the node when the window does not fit. */
export function outputLength(node: Node, g: WindowGeometry, axis: number, size: number): number {
  const span = g.dilations[axis]! * (g.kernel[axis]! - 1) + 1;
  const padded = size + g.pads[axis]! + g.pads[axis + g.kernel.length]!;
  if (padded < span) fail(node, `window of extent ${span} does not fit axis ${axis} of size ${size} padded to ${padded}`);
  const s = g.strides[axis]!;
  let out = (g.ceilMode ? Math.ceil((padded - span) / s) : Math.floor((padded - span) / s)) + 1;
  // With ceil_mode, a last window that would start inside the end padding is dropped (as PyTorch and ONNX do).
  if (g.ceilMode && (out - 1) * s >= size + g.pads[axis]!) out--;
  return out;
}

/** Output spatial dims; a symbolic input axis gives a fresh symbolic axis named after the node (word characters only, as the IR text form needs). */
export function outputSpatial(node: Node, g: WindowGeometry, spatial: Dim[]): Dim[] {
  return spatial.map((d, a) => (typeof d === 'number' ? outputLength(node, g, a, d) : `${node.name.replace(/\W/g, '_')}_d${a}`));
}

/** Input coordinate of tap `k` of the window at output position `o` on `axis` (may be in the padding). */
export function tapPosition(g: WindowGeometry, axis: number, o: number, k: number): number {
  return o * g.strides[axis]! - g.pads[axis]! + k * g.dilations[axis]!;
}
