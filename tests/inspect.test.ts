// `inspect` reports the optimized graph, costs, passes and the memory plan; weights are stored once.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspect } from 'onnx2wasm';
import { MODELS_DIR } from './support/models.js';

describe('inspect', () => {
  it('reports nodes, memory and passes for the MLP', async () => {
    const r = await inspect(path.join(MODELS_DIR, 'mlp.onnx'));
    expect(r.nodesBefore).toBe(3);
    expect(r.nodes.map((n) => n.op)).toEqual(['Gemm', 'Gemm']); // the Relu is fused into the first Gemm
    expect(r.nodes[0]!.flops).toBe(2 * 784 * 256);
    expect(r.passes.find((p) => p.name === 'fuse-epilogue')?.changed).toBe(true);
    expect(r.memory.arenaBytes).toBeGreaterThanOrEqual(r.memory.lowerBoundBytes);
    expect(r.memory.arenaBytes).toBeLessThanOrEqual(r.memory.naiveBytes);
    // 203,530 float32 parameters, each stored once (16-byte alignment padding aside)
    expect(r.totals.weightsBytes).toBeGreaterThanOrEqual(203_530 * 4);
    expect(r.totals.weightsBytes).toBeLessThan(203_530 * 4 + 64);
  });
});
