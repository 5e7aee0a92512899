// Compile-time budgets against hostile models (issue #19): each probe that used to exhaust the
// heap, overflow the stack or run for minutes now fails fast with LIMIT_EXCEEDED naming the limit,
// the node and the option that raises it, or compiles; error messages stay short.
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { CompileError, compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { varint } from '../scripts/fuzz/mutate-bytes.js';
import { chainOf as chain, nestedLoops } from '../scripts/fuzz/hostile-models.js';

const { onnx } = onnxProto;
const vi = (name: string, dims: number[], elemType = 1) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const encode = (graph: onnxProto.onnx.IGraphProto) => onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph }).finish();

async function limitError(p: Promise<unknown>): Promise<CompileError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(CompileError);
  expect((e as CompileError).code, (e as Error).message).toBe('LIMIT_EXCEEDED');
  return e as CompileError;
}

describe('LIMIT_EXCEEDED budgets', () => {
  it('Loops nested 3 deep with 1,000 iterations each compile at once as run-time loops, not unrolled copies', async () => {
    // Too long to unroll, so each Loop's body is emitted once inside a wasm loop (issue #15):
    // the module stays small and nothing is copied a million times.
    const t0 = performance.now();
    const c = await compile(nestedLoops(3, 1000));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(c.summary.ops.LoopStart).toBe(3);
    expect(c.wasm.byteLength).toBeLessThan(64 * 1024);
  });

  it('unrolled nested Loops count against maxUnrolledIterations as the product of their trip counts', async () => {
    // Small trip counts are unrolled; three levels of 10 make 1,000 body copies.
    const e = await limitError(compile(nestedLoops(3, 10), { limits: { maxUnrolledIterations: 500 } }));
    expect(e.message).toMatch(/^Loop node 'top\/iter0\/loop2\/iter0\/loop1': unrolling 10 iterations inside loops unrolled 10 × 10 times makes more body copies than allowed \(1000 > 500\); raise the limit with compile\(\{ limits: \{ maxUnrolledIterations: N \} \}\)/);
    expect(e.node).toBe('top/iter0/loop2/iter0/loop1');
  });

  it('Loops nested 200 deep fail on the nesting depth before the protobuf is decoded', async () => {
    const e = await limitError(compile(nestedLoops(200, 2)));
    expect(e.message).toMatch(/nests If\/Loop\/Scan bodies deeper than allowed \(counted before decoding\) \(33 > 32\).*maxSubgraphDepth/);
  });

  it('a small nesting within the limits compiles and matches onnxruntime', async () => {
    const bytes = nestedLoops(3, 3);
    const c = await compile(bytes, { limits: { maxSubgraphDepth: 3 } });
    const x = Float32Array.from([-1, 2, -3, 4]);
    const ours = await (await loadModel({ wasm: c.wasm, weights: c.weights })).run({ x: { dtype: 'float32', dims: [1, 4], data: x } });
    const ref = await (await ort.InferenceSession.create(bytes)).run({ x: new ort.Tensor('float32', x, [1, 4]) });
    expect(Array.from(ours.y!.data as Float32Array)).toEqual(Array.from(ref.y!.data as Float32Array));
    await limitError(compile(bytes, { limits: { maxSubgraphDepth: 2 } }));
  });

  it('32 MB of 16 M empty nodes fail on the node count before decoding, without the memory', async () => {
    const nodes = 16 * 2 ** 20;
    const graph = new Uint8Array(2 * nodes).fill(0).map((_, i) => (i % 2 ? 0 : 0x0a)); // field 1 (node), length 0
    const bytes = new Uint8Array([0x3a, ...varint(graph.byteLength), ...graph]); // ModelProto field 7 (graph)
    const before = process.memoryUsage().heapUsed;
    const e = await limitError(compile(bytes));
    expect(e.message).toMatch(/declares more nodes than allowed .*\(1000001 > 1000000\).*maxNodes/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200e6);
  });

  it('maxNodes counts IR nodes after expansion and names the node where it ran out', async () => {
    const e = await limitError(compile(nestedLoops(1, 40), { limits: { maxNodes: 25 } }));
    expect(e.message).toMatch(/^\w+ node 'top\/iter\d+\/[^']+': the imported graph has more IR nodes than allowed, after expanding ops and unrolling loops \(26 > 25\); raise the limit with compile\(\{ limits: \{ maxNodes: N \} \}\) or --limit maxNodes=N/);
    // The file's own node count is checked before decoding.
    await limitError(compile(chain(50, 'Relu'), { limits: { maxNodes: 20 } }));
    await limitError(compile(new Uint8Array(100), { limits: { maxModelBytes: 99 } }));
  });

  it('an unknown limit is INVALID_OPTION', async () => {
    const e = await compile(chain(2, 'Relu'), { limits: { maxNode: 3 } as never }).catch((x: CompileError) => x);
    expect((e as CompileError).code).toBe('INVALID_OPTION');
  });
});

describe('long chains and long messages', () => {
  it('10,000 chained Relu and 10,000 chained Add compile and match onnxruntime', async () => {
    for (const op of ['Relu', 'Add'] as const) {
      const bytes = chain(10_000, op);
      const t0 = performance.now();
      const c = await compile(bytes);
      console.log(`${op} × 10,000: compiled in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${c.summary.nodes} IR nodes`);
      const x = Float32Array.from([-1, 0.5, -0, 2]);
      const ours = await (await loadModel({ wasm: c.wasm, weights: c.weights })).run({ v0: { dtype: 'float32', dims: [1, 4], data: x } });
      const ref = await (await ort.InferenceSession.create(bytes)).run({ v0: new ort.Tensor('float32', x, [1, 4]) });
      expect(Array.from(ours.y!.data as Float32Array)).toEqual(Array.from(ref.y!.data as Float32Array));
    }
  }, 120_000);

  it('an initializer with a million dims gives a message of at most ~2,000 characters', async () => {
    const dims = new Array<number>(1_000_000).fill(3);
    const bytes = encode({ name: 'g', input: [vi('x', [1])], output: [vi('y', [1])], initializer: [{ name: 'W', dataType: 1, dims, rawData: new Uint8Array(4) }], node: [{ opType: 'Identity', input: ['x'], output: ['y'] }] });
    const e = await compile(bytes).catch((x: CompileError) => x);
    expect((e as CompileError).code).toBe('INVALID_MODEL');
    expect((e as Error).message.length).toBeLessThan(2100);
    expect((e as Error).message).toMatch(/more characters\)$/);
  });
});
