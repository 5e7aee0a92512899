// Test support: compile one IR node to a module, run it, and compare with the op's reference evaluate.
// Instantiates the module directly (no runtime package) so codegen tests stay inside their layer.
import { functionNode, seededRandom } from '@onnx2wasm/ir';
import { Attrs, DType, Dim, Graph, Tensor, arrayFromBytes, getOp, halfToFloat, inferNode, makeTensor, sizeOf } from '@onnx2wasm/ir';
import { generateModule, CodegenOptions } from '../generate-module.js';
import { META_SECTION, ModelMeta } from '../model-meta.js';
import { completeWindowAttrs, isWindowOp } from './window-attrs.js';
import { hostImports } from '@onnx2wasm/runtime';

export interface KernelInput {
  tensor: Tensor;
  /** Make it a compile-time constant (weights, shapes) instead of a run-time input. */
  constant?: boolean;
}

/** Deterministic pseudo-random numbers (the shared seeded generator). */
export const rng = seededRandom;

export function randomTensor(dtype: DType, dims: number[], random: () => number, lo = -1, hi = 1): Tensor {
  const n = sizeOf(dims);
  const vals = Array.from({ length: n }, () => {
    const v = lo + (hi - lo) * random();
    return dtype === 'float32' || dtype === 'float64' ? v : Math.round(v);
  });
  return makeTensor(dtype, dims, vals);
}

/** An input of a one-node test graph by type: dims may be symbols ('batch') or expressions ('4*batch'). */
export interface NodeInput {
  dtype: DType;
  shape: Dim[];
  /** A compile-time constant (weights, shapes) instead of a run-time input. */
  constant?: Tensor;
}

/**
 * A graph of one `op` node over inputs x0, x1, … and outputs y0, y1, …, its types inferred. A
 * window op's geometry attributes that `attrs` leaves out are written (completeWindowAttrs).
 */
export function buildNodeGraph(op: string, inputs: (NodeInput | undefined)[], attrs: Attrs = {}, outputs = 1): Graph {
  const g: Graph = { name: 'kernel', inputs: [], outputs: [], nodes: [], types: new Map(), constants: new Map() };
  const names = inputs.map((inp, i) => {
    if (!inp) return '';
    const name = `x${i}`;
    g.types.set(name, { dtype: inp.dtype, shape: [...inp.shape] });
    if (inp.constant) g.constants.set(name, inp.constant);
    else g.inputs.push(name);
    return name;
  });
  if (isWindowOp(op) && inputs[0]) attrs = completeWindowAttrs(op, attrs, inputs[0].shape, inputs[op === 'QLinearConv' ? 3 : 1]?.shape, outputs);
  // `op` may be an elementwise function id ('Add', 'Relu'): the Unary/Binary node computing it.
  const node = functionNode(`${op}_0`, op, names, Array.from({ length: outputs }, (_, k) => `y${k}`), attrs);
  inferNode(g, node);
  g.nodes.push(node);
  g.outputs = node.outputs;
  return g;
}

export function buildSingleNodeGraph(op: string, inputs: (KernelInput | undefined)[], attrs: Attrs = {}, outputs = 1): Graph {
  return buildNodeGraph(op, inputs.map((i) => i && { dtype: i.tensor.dtype, shape: i.tensor.dims, constant: i.constant ? i.tensor : undefined }), attrs, outputs);
}

/** Runs a compiled graph with the given run-time inputs (in graph input order). */
export async function runGraph(g: Graph, feeds: Tensor[], opts: CodegenOptions = {}): Promise<Tensor[]> {
  const gen = generateModule(g, opts);
  const module = await WebAssembly.compile(gen.wasm as Uint8Array<ArrayBuffer>);
  const meta = JSON.parse(new TextDecoder().decode(WebAssembly.Module.customSections(module, META_SECTION)[0])) as ModelMeta;
  const instance = await WebAssembly.instantiate(module, hostImports(module));
  const mem = instance.exports.memory as WebAssembly.Memory;
  if (!meta.weights.embedded) new Uint8Array(mem.buffer, meta.weights.offset, gen.weights.byteLength).set(gen.weights);
  (instance.exports.init as (() => void) | undefined)?.();
  meta.inputs.forEach((s, i) => {
    const d = feeds[i]!.data;
    new Uint8Array(mem.buffer, s.offset, s.byteLength).set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  });
  (instance.exports.run as () => void)();
  return meta.outputs.map((s) => ({
    dtype: s.dtype as DType,
    dims: s.dims as number[],
    data: arrayFromBytes(s.dtype as DType, new Uint8Array(mem.buffer.slice(s.offset, s.offset + s.byteLength))),
  }));
}

/** Compiles op(inputs) and returns [compiled outputs, reference outputs]. */
export async function runKernel(op: string, inputs: (KernelInput | undefined)[], attrs: Attrs = {}, opts: CodegenOptions & { outputs?: number } = {}): Promise<{ actual: Tensor[]; expected: Tensor[] }> {
  const g = buildSingleNodeGraph(op, inputs, attrs, opts.outputs ?? 1);
  const actual = await runGraph(g, inputs.filter((i): i is KernelInput => !!i && !i.constant).map((i) => i.tensor), opts);
  const expected = getOp(g.nodes[0]!.op)!.evaluate(g.nodes[0]!, inputs.map((i) => i?.tensor));
  return { actual, expected };
}

/** Largest |a - e| and whether every element is within atol + rtol * |e| (NaN matches NaN; integers exact). */
export function compareTensors(actual: Tensor, expected: Tensor, rtol = 1e-5, atol = 1e-6): { ok: boolean; maxAbs: number; message: string } {
  if (actual.dims.join() !== expected.dims.join()) return { ok: false, maxAbs: Infinity, message: `dims [${actual.dims}] vs expected [${expected.dims}]` };
  if (actual.dtype !== expected.dtype) return { ok: false, maxAbs: Infinity, message: `dtype ${actual.dtype} vs expected ${expected.dtype}` };
  const exact = !(actual.dtype === 'float32' || actual.dtype === 'float64' || actual.dtype === 'float16');
  const num = (t: Tensor, i: number) => (t.dtype === 'float16' ? halfToFloat(t.data[i] as number) : Number(t.data[i]));
  let maxAbs = 0, worst = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = num(actual, i);
    const e = num(expected, i);
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    const d = a === e ? 0 : Math.abs(a - e);
    const bad = exact ? d !== 0 : !(d <= atol + rtol * Math.abs(e));
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    if (bad && worst < 0) worst = i;
  }
  return { ok: worst < 0, maxAbs, message: worst < 0 ? 'ok' : `element ${worst}: got ${actual.data[worst]}, expected ${expected.data[worst]} (max |diff| ${maxAbs})` };
}
