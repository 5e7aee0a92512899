// Movement kernels on polynomial dims ('2*s', 's+b') that only a chain of nodes produces.
import { describe, expect, it } from 'vitest';
import { Attrs, Graph, Tensor, getOp, inferNode, makeTensor } from '@onnx2wasm/ir';
import { runDynamicGraph } from '../../testing/dynamic-harness.js';
import { compareTensors } from '../../testing/kernel-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

type Step = [op: string, inputs: string[], attrs: Attrs, outputs?: string[]];

function chain(steps: Step[], constants: Record<string, Tensor>): Graph {
  const g: Graph = { name: 'chain', inputs: ['x', 'y'], outputs: [], nodes: [], types: new Map(), constants: new Map() };
  g.types.set('x', { dtype: 'float32', shape: ['s', 3] });
  g.types.set('y', { dtype: 'float32', shape: ['b', 3] });
  for (const [name, t] of Object.entries(constants)) { g.constants.set(name, t); g.types.set(name, { dtype: t.dtype, shape: t.dims }); }
  steps.forEach(([op, inputs, attrs, outputs], k) => {
    const node = { name: `${op}_${k}`, op, inputs, outputs: outputs ?? [`v${k}`], attrs };
    inferNode(g, node);
    g.nodes.push(node);
  });
  g.outputs = g.nodes.flatMap((n) => n.outputs);
  return g;
}

/** Runs the graph through the reference evaluates, node by node. */
function reference(g: Graph, feeds: Tensor[]): Tensor[] {
  const env = new Map<string, Tensor>([...g.constants, ...g.inputs.map((n, i) => [n, feeds[i]!] as [string, Tensor])]);
  for (const n of g.nodes) getOp(n.op)!.evaluate(n, n.inputs.map((i) => env.get(i))).forEach((t, k) => env.set(n.outputs[k]!, t));
  return g.outputs.map((o) => env.get(o)!);
}

describe('movement kernels on polynomial run-time dims', () => {
  it('concat → transpose → concat → split → slice along 2*s+b', async () => {
    const g = chain([
      ['Concat', ['x', 'x', 'y'], { axis: 0 }],            // [2*s+b, 3]
      ['Transpose', ['v0'], { perm: [1, 0] }],               // [3, 2*s+b]
      ['Concat', ['v1', 'v1'], { axis: 1 }],                 // [3, 4*s+2*b]
      ['Split', ['v2'], { axis: 1 }, ['a', 'c']],            // two [3, 2*s+b]: run-time offsets
      ['Slice', ['c', 'one', 'big', 'one'], {}],             // [3, 2*s+b-1]
    ], { one: makeTensor('int64', [1], [1]), big: makeTensor('int64', [1], [2 ** 40]) });
    const runs = RUN_SIZES.map((sz) => [concrete('float32', ['s', 3], sz), concrete('float32', ['b', 3], sz)]);
    const got = await runDynamicGraph(g, runs);
    runs.forEach((feeds, r) => reference(g, feeds).forEach((want, o) => {
      const c = compareTensors(got[r]![o]!, want, 0, 0);
      expect(c.ok, `run ${r} output ${o}: ${c.message}`).toBe(true);
    }));
  });
});
