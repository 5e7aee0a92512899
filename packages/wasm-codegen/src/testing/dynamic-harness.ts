// Test support for run-time dims: compile one IR node whose inputs have symbolic dims ONCE, then
// run it through the runtime for several concrete shapes (one after another on the same loaded
// model) and compare every run with the op's reference evaluate.
import { Attrs, DType, Dim, Graph, Tensor, getOp, inferNode } from '@onnx2wasm/ir';
import { loadModel } from '@onnx2wasm/runtime';
import type { Tensor as RuntimeTensor } from '@onnx2wasm/runtime';
import { CodegenOptions, generateModule } from '../generate-module.js';
import { compareTensors } from './kernel-harness.js';

export interface DynamicInput {
  dtype: DType;
  /** Dims as compiled: numbers and symbols such as 'batch' or expressions such as '4*batch'. */
  shape: Dim[];
  /** A compile-time constant (weights): same tensor in every run. */
  constant?: Tensor;
}

export function buildDynamicGraph(op: string, inputs: (DynamicInput | undefined)[], attrs: Attrs = {}, outputs = 1): Graph {
  const g: Graph = { name: 'kernel', inputs: [], outputs: [], nodes: [], types: new Map(), constants: new Map() };
  const names = inputs.map((inp, i) => {
    if (!inp) return '';
    const name = `x${i}`;
    g.types.set(name, { dtype: inp.dtype, shape: [...inp.shape] });
    if (inp.constant) g.constants.set(name, inp.constant);
    else g.inputs.push(name);
    return name;
  });
  const node = { name: `${op}_0`, op, inputs: names, outputs: Array.from({ length: outputs }, (_, k) => `y${k}`), attrs };
  inferNode(g, node);
  g.nodes.push(node);
  g.outputs = node.outputs;
  return g;
}

/** Runs a compiled graph for each feed set (run-time inputs in graph input order); returns the outputs per run. */
export async function runDynamicGraph(g: Graph, runs: Tensor[][], opts: CodegenOptions = {}): Promise<Tensor[][]> {
  const gen = generateModule(g, opts);
  const model = await loadModel({ wasm: gen.wasm, weights: gen.weights });
  const results: Tensor[][] = [];
  for (const feeds of runs) {
    const out = await model.run(Object.fromEntries(g.inputs.map((name, i) => [name, feeds[i] as unknown as RuntimeTensor])));
    results.push(g.outputs.map((o) => out[o] as unknown as Tensor));
  }
  return results;
}

/**
 * Compiles op(inputs) with symbolic dims and, for each run's run-time inputs, checks the outputs
 * against the reference; throws with the run and the first mismatch.
 */
export async function checkDynamicKernel(
  op: string, inputs: (DynamicInput | undefined)[], attrs: Attrs, runs: Tensor[][],
  opts: CodegenOptions & { outputs?: number; rtol?: number; atol?: number } = {},
): Promise<void> {
  const g = buildDynamicGraph(op, inputs, attrs, opts.outputs ?? 1);
  const got = await runDynamicGraph(g, runs, opts);
  runs.forEach((feeds, r) => {
    let k = 0;
    const all = inputs.map((i) => (i ? i.constant ?? feeds[k++] : undefined));
    const want = getOp(op)!.evaluate(g.nodes[0]!, all);
    want.forEach((w, o) => {
      const c = compareTensors(got[r]![o]!, w, opts.rtol, opts.atol);
      if (!c.ok) throw new Error(`${op} run ${r} (input dims ${feeds.map((f) => `[${f.dims}]`).join(' ')}), output ${o}: ${c.message}`);
    });
  });
}
