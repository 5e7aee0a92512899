// Values computed from weights only (a DequantizeLinear of an int8 weight, a Transpose of that)
// run once in init(): the weights region holds the int8 bytes, runs read the widened copy, and
// several runs give the same answer (nothing else writes the load-time region).
import { describe, expect, it } from 'vitest';
import { Graph, functionNode, inferNode, makeTensor } from '@onnx2wasm/ir';
import { generateModule } from './generate-module.js';
import { loadTimeValues } from './load-time.js';
import { META_SECTION, ModelMeta } from './model-meta.js';
import { hostImports } from '@onnx2wasm/runtime';

/** One instance, init() once, then `runs` runs on the same input: each run's output. */
async function runTimes(g: Graph, x: Float32Array, runs: number): Promise<Float32Array[]> {
  const gen = generateModule(g);
  const module = await WebAssembly.compile(gen.wasm as Uint8Array<ArrayBuffer>);
  const meta = JSON.parse(new TextDecoder().decode(WebAssembly.Module.customSections(module, META_SECTION)[0])) as ModelMeta;
  const instance = await WebAssembly.instantiate(module, hostImports(module));
  const mem = instance.exports.memory as WebAssembly.Memory;
  new Uint8Array(mem.buffer, meta.weights.offset, gen.weights.byteLength).set(gen.weights);
  (instance.exports.init as () => void)();
  const outs: Float32Array[] = [];
  for (let r = 0; r < runs; r++) {
    new Float32Array(mem.buffer, meta.inputs[0]!.offset, x.length).set(x);
    (instance.exports.run as () => void)();
    outs.push(new Float32Array(mem.buffer.slice(meta.outputs[0]!.offset, meta.outputs[0]!.offset + meta.outputs[0]!.byteLength)));
  }
  return outs;
}

function graph(): Graph {
  const g: Graph = { name: 'g', inputs: ['x'], outputs: ['y'], nodes: [], types: new Map(), constants: new Map() };
  const q = makeTensor('int8', [64, 32], Array.from({ length: 64 * 32 }, (_, i) => ((i * 37) % 255) - 127));
  g.constants.set('q', q); g.types.set('q', { dtype: 'int8', shape: [64, 32] });
  g.constants.set('s', makeTensor('float32', [], [0.5])); g.types.set('s', { dtype: 'float32', shape: [] });
  g.types.set('x', { dtype: 'float32', shape: [32, 64] });
  const nodes = [
    { name: 'widen', op: 'DequantizeLinear', inputs: ['q', 's'], outputs: ['w'], attrs: { axis: 1, block_size: 0 } },
    { name: 'rows', op: 'Transpose', inputs: ['w'], outputs: ['wt'], attrs: { perm: [1, 0] } },
    // The Add is not the graph output, so in-place reuse would be allowed for a plain value.
    functionNode('add', 'Add', ['x', 'wt'], ['h']),
    functionNode('relu', 'Relu', ['h'], ['y']),
  ];
  for (const n of nodes) { inferNode(g, n); g.nodes.push(n); }
  return g;
}

describe('load-time values', () => {
  it('are the nodes that read only weights, not the ones reading inputs', () => {
    const { nodes, values } = loadTimeValues(graph());
    expect([...nodes].map((n) => n.name)).toEqual(['widen', 'rows']);
    expect([...values]).toEqual(['w', 'wt']);
  });

  it('keep the weights narrow and give the same result on every run', async () => {
    const g = graph();
    expect(generateModule(g).weights.byteLength).toBeLessThan(64 * 32 * 2);
    const x = Float32Array.from({ length: 32 * 64 }, (_, i) => i % 7);
    const q = g.constants.get('q')!.data as Int8Array;
    const want = Array.from({ length: 32 * 64 }, (_, i) => Math.max(0, (i % 7) + 0.5 * q[(i % 64) * 32 + Math.floor(i / 64)]!));
    for (const out of await runTimes(g, x, 3)) expect(Array.from(out)).toEqual(want);
  });
});
