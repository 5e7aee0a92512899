// Weight compression for float32 models (compile({ weights }) / --weights): each big float32
// constant is stored narrow and widened once at load time (wasm-codegen's load-time.ts):
//  - 'float16': the weight rounded to float16 (round half to even), widened by a Cast;
//  - 'int8': symmetric int8 per output channel, q = round(w / s) with s = max|w| / 127 per channel
//    (the channel axis is where the reading op's outputs are: Conv's and a transposed Gemm's axis 0,
//    MatMul's and Gemm's last axis; per tensor elsewhere), widened by a DequantizeLinear.
// Runs on the optimized graph, so the folds that need the float32 values (BatchNorm into the conv
// weights, layout transposes) have already happened.
import { Graph, Node, Tensor, cloneGraph, gemmAttrs, makeTensor } from '@onnx2wasm/ir';

export type WeightsFormat = 'float16' | 'int8';
export const WEIGHTS_FORMATS: readonly WeightsFormat[] = ['float16', 'int8'];

/** Smaller constants (biases, scales) stay float32: they cost little and often feed exact epilogues. */
const MIN_ELEMENTS = 1024;

/** The axis of `value`'s output channels for the first reader that has one, else undefined (per tensor). */
function channelAxis(g: Graph, value: string, rank: number): number | undefined {
  const reader = g.nodes.find((n) => n.inputs[1] === value);
  if (!reader) return undefined;
  if (reader.op === 'Conv' || reader.op === 'NhwcConv') return 0;
  if (reader.op === 'Gemm') return gemmAttrs(reader).transB ? 0 : rank - 1;
  if (reader.op === 'MatMul') return rank - 1;
  return undefined;
}

function toInt8(w: Tensor, axis: number | undefined): { q: Tensor; scale: Tensor } {
  const data = w.data as Float32Array;
  const channels = axis === undefined ? 1 : w.dims[axis]!;
  const inner = axis === undefined ? data.length : w.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const at = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const max = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) max[at(i)] = Math.max(max[at(i)]!, Math.abs(data[i]!));
  const scale = Float32Array.from(max, (m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]! / scale[at(i)]!;
    const r = Math.round(v);
    q[i] = Math.max(-127, Math.min(127, Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r));
  }
  return { q: { dtype: 'int8', dims: [...w.dims], data: q }, scale: makeTensor('float32', axis === undefined ? [] : [channels], scale) };
}

/** The graph with its big float32 weights stored as `format`; the bytes saved are in the note. */
export function compressWeights(input: Graph, format: WeightsFormat): { graph: Graph; savedBytes: number; compressed: number } {
  const g = cloneGraph(input);
  const outputs = new Set(g.outputs);
  const read = new Set(g.nodes.flatMap((n) => n.inputs));
  const widen: Node[] = [];
  let savedBytes = 0;
  for (const [name, t] of [...g.constants]) {
    if (t.dtype !== 'float32' || t.data.length <= MIN_ELEMENTS || outputs.has(name) || !read.has(name)) continue;
    g.constants.delete(name);
    const narrow = `${name}/${format}`;
    if (format === 'float16') {
      g.constants.set(narrow, makeTensor('float16', t.dims, t.data as Float32Array));
      g.types.set(narrow, { dtype: 'float16', shape: [...t.dims] });
      widen.push({ name: `${name}/widen`, op: 'Cast', inputs: [narrow], outputs: [name], attrs: { to: 'float32' } });
      savedBytes += 2 * t.data.length;
    } else {
      const axis = channelAxis(g, name, t.dims.length);
      const { q, scale } = toInt8(t, axis);
      const s = `${name}/scale`;
      g.constants.set(narrow, q);
      g.types.set(narrow, { dtype: 'int8', shape: [...t.dims] });
      g.constants.set(s, scale);
      g.types.set(s, { dtype: 'float32', shape: [...scale.dims] });
      widen.push({ name: `${name}/widen`, op: 'DequantizeLinear', inputs: [narrow, s], outputs: [name], attrs: { axis: axis ?? 0, block_size: 0 } });
      savedBytes += 3 * t.data.length - 4 * scale.data.length;
    }
  }
  g.nodes = [...widen, ...g.nodes];
  return { graph: g, savedBytes, compressed: widen.length };
}
