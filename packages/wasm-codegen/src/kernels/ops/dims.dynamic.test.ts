import { describe, expect, it } from 'vitest';
import { Dim, Graph, evalDim, inferNode } from '@onnx2wasm/ir';
import { runDynamicGraph } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

/** A graph binding s and b from its input's dims, whose output is Dims {dims}. */
function dimsGraph(dims: Dim[]): Graph {
  const g: Graph = { name: 'dims', inputs: ['x'], outputs: ['y'], nodes: [], types: new Map(), constants: new Map() };
  g.types.set('x', { dtype: 'float32', shape: ['s', 'b'] });
  const node = { name: 'Dims_0', op: 'Dims', inputs: [], outputs: ['y'], attrs: { dims } };
  inferNode(g, node);
  g.nodes.push(node);
  return g;
}

describe('Dims with run-time dims', () => {
  it('writes numbers and dim polynomials as int64 at run time', async () => {
    const dims: Dim[] = ['s', 'b', '4*b', 'b*s', 'b+3', 7, 1];
    const got = await runDynamicGraph(dimsGraph(dims), RUN_SIZES.map((sz) => [concrete('float32', ['s', 'b'], sz)]));
    got.forEach((out, r) => {
      const [s, b] = RUN_SIZES[r]!;
      expect(Array.from(out[0]!.data as BigInt64Array, Number)).toEqual(dims.map((d) => evalDim(d, { s, b })));
    });
  });
});
