// Test support for run-time dims: compile one IR node whose inputs have symbolic dims ONCE, then
// run it through the runtime for several concrete shapes (one after another on the same loaded
// model) and compare every run with the op's reference evaluate.
import { Attrs, Graph, Tensor, getOp } from '@onnx2wasm/ir';
import { loadModel } from '@onnx2wasm/runtime';
import type { Tensor as RuntimeTensor } from '@onnx2wasm/runtime';
import { CodegenOptions, generateModule } from '../generate-module.js';
import { NodeInput, buildNodeGraph, compareTensors } from './kernel-harness.js';

/** Runs a compiled graph for each feed set (run-time inputs in graph input order); returns the outputs per run. */
export async function runDynamicGraph(g: Graph, runs: Tensor[][], opts: CodegenOptions = {}): Promise<Tensor[][]> {
  const gen = generateModule(g, opts);
  const model = await loadModel({ wasm: gen.wasm, weights: gen.weights });
  const results: Tensor[][] = [];
  for (const feeds of runs) {
    const out = await model.run(Object.fromEntries(g.inputs.map((name, i) => [name, toRuntime(feeds[i]!)])));
    results.push(g.outputs.map((o) => fromRuntime(out[o]!)));
  }
  return results;
}

/**
 * Compiles op(inputs) with symbolic dims and, for each run's run-time inputs, checks the outputs
 * against the reference; throws with the run and the first mismatch.
 */
export async function checkDynamicKernel(
  op: string, inputs: (NodeInput | undefined)[], attrs: Attrs, runs: Tensor[][],
  opts: CodegenOptions & { outputs?: number; rtol?: number; atol?: number } = {},
): Promise<void> {
  const g = buildNodeGraph(op, inputs, attrs, opts.outputs ?? 1);
  const got = await runDynamicGraph(g, runs, opts);
  runs.forEach((feeds, r) => {
    let k = 0;
    const all = inputs.map((i) => (i ? i.constant ?? feeds[k++] : undefined));
    const want = getOp(g.nodes[0]!.op)!.evaluate(g.nodes[0]!, all);
    want.forEach((w, o) => {
      const c = compareTensors(got[r]![o]!, w, opts.rtol, opts.atol);
      if (!c.ok) throw new Error(`${op} run ${r} (input dims ${feeds.map((f) => `[${f.dims}]`).join(' ')}), output ${o}: ${c.message}`);
    });
  });
}

/** The same tensor as the runtime types it: its dtype list and arrays are the IR's, narrowed. */
function toRuntime(t: Tensor): RuntimeTensor {
  return { dtype: t.dtype as RuntimeTensor['dtype'], dims: t.dims, data: t.data as RuntimeTensor['data'] };
}

function fromRuntime(t: RuntimeTensor): Tensor {
  return { dtype: t.dtype, dims: t.dims, data: t.data as Tensor['data'] };
}
