// Memory-lean kernels: a 3x3 conv runs as Winograd, whose filters are transformed at load into extra
// memory. Under a memory limit the fast kernels miss and the lean ones (weights as shipped) meet,
// compile() with the default kernels 'auto' picks the lean ones and says why; both builds match
// onnxruntime-node. Below what even the lean kernels need, MEMORY_LIMIT says what to do.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModel } from '@onnx2wasm/runtime';
import { CompileError, compile, type CompileResult } from 'onnx2wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxDiff, runOrt, seededInput } from './support/models.js';
import { buildModel, intAttr } from './support/onnx-builder.js';

const C = 64;
const DIMS = [1, C, 32, 32];
let tmp: string;
let file: string;
let fast: CompileResult;
let lean: CompileResult;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-lean-'));
  file = path.join(tmp, 'conv3x3.onnx');
  fs.writeFileSync(file, buildModel({
    inputs: [{ name: 'x', dims: DIMS }],
    outputs: [{ name: 'y', dims: DIMS }],
    initializers: [{ name: 'w', dims: [C, C, 3, 3], values: seededInput([C * C * 9], 3).map((v) => v / 24) }, { name: 'b', dims: [C], values: seededInput([C], 4) }],
    nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }, intAttr('group', 1)] }],
  }));
  [fast, lean] = await Promise.all([compile(file, { kernels: 'fast' }), compile(file, { kernels: 'lean' })]);
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function expectMatchesOrt(c: CompileResult): Promise<void> {
  const x = seededInput(DIMS, 9);
  const model = await loadModel({ wasm: c.wasm, weights: c.weights as Uint8Array<ArrayBuffer> });
  const ours = (await model.run({ x: { dtype: 'float32', dims: DIMS, data: x } })).y!.data as Float32Array;
  const ref = (await runOrt(file, { x: { dims: DIMS, data: x } })).y!.data;
  const { maxAbsDiff, maxAbsRef } = maxDiff(ours, ref);
  expect(maxAbsDiff, `max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(1e-4 * maxAbsRef);
}

describe('memory-lean kernels', () => {
  it('the lean build needs less memory than the fast one (no Winograd filters transformed at load), and both match onnxruntime-node', async () => {
    expect(fast.summary.kernels).toEqual({ mode: 'fast' });
    expect(lean.summary.kernels).toEqual({ mode: 'lean' });
    expect(lean.summary.memoryBytes).toBeLessThan(fast.summary.memoryBytes);
    await expectMatchesOrt(fast);
    await expectMatchesOrt(lean);
  });

  it("kernels 'auto' picks the lean kernels when only they fit the memory limit, and says why", async () => {
    const c = await compile(file, { maxMemoryBytes: lean.summary.memoryBytes });
    expect(c.summary.kernels.mode).toBe('lean');
    expect(c.summary.kernels.reason).toMatch(/^the fast kernels do not fit: the model needs (at least )?\d+ bytes of memory .*weights transformed at load \d+/);
    expect(c.summary.memoryBytes).toBe(lean.summary.memoryBytes);
    await expectMatchesOrt(c);
    // Without a limit, or with room for the fast kernels, nothing changes.
    expect((await compile(file, { maxMemoryBytes: fast.summary.memoryBytes })).summary.kernels).toEqual({ mode: 'fast' });
  });

  it('below what the lean kernels need, MEMORY_LIMIT says how to lower the memory', async () => {
    const limit = lean.summary.memoryBytes - 65536;
    const e = await compile(file, { maxMemoryBytes: limit }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CompileError);
    expect((e as CompileError).code).toBe('MEMORY_LIMIT');
    expect((e as CompileError).message).toMatch(new RegExp(`over the limit of ${limit}\\. This is with the memory-lean kernels .*; to lower it further: smaller inputs .*--input-shape.*splitting the model.*--max-memory`));
    // With the fast kernels forced, the hint offers the lean ones first.
    const forced = await compile(file, { kernels: 'fast', maxMemoryBytes: limit }).catch((x: unknown) => x);
    expect((forced as CompileError).message).toMatch(/To lower it: memory-lean kernels \(--kernels lean, or kernels: 'lean'\)/);
  });
});
