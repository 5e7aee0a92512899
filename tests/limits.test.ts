// Size limits: a model whose planned memory passes wasm32's 4 GiB fails at compile time with
// MEMORY_LIMIT and the overshoot, and sizes a model file merely declares (tensor dims, protobuf
// field lengths) are never allocated.
import { describe, expect, it } from 'vitest';
import { CompileError, compile } from 'onnx2wasm';
import { varint } from '../scripts/fuzz/mutate-bytes.js';
import { MODELS_DIR } from './support/models.js';
import { buildModel } from './support/onnx-builder.js';

const GiB = 2 ** 30;

/** Runs `fn`, returning its CompileError and how much memory the process gained meanwhile. */
async function failsWithin(fn: () => Promise<unknown>): Promise<{ error: CompileError; grewBytes: number; ms: number }> {
  const before = process.memoryUsage();
  const t0 = performance.now();
  let error: unknown;
  try { await fn(); } catch (e) { error = e; }
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  expect(error, 'expected a CompileError').toBeInstanceOf(CompileError);
  const grewBytes = Math.max(after.arrayBuffers - before.arrayBuffers, after.heapUsed - before.heapUsed, 0);
  return { error: error as CompileError, grewBytes, ms };
}

/** A Gemm x[m, 1] @ w[1, n] whose output [m, n] is the only big thing in the model. */
function hugeActivation(m: number, n: number): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', dims: [m, 1] }],
    outputs: [{ name: 'y', dims: [m, n] }],
    initializers: [{ name: 'w', dims: [1, n] }],
    nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], name: 'big' }],
  });
}

describe('MEMORY_LIMIT', () => {
  it('a Gemm producing [100000, 100000] (40 GB of float32) fails at compile time, by how much, without allocating it', async () => {
    const { error, grewBytes, ms } = await failsWithin(() => compile(hugeActivation(100_000, 100_000)));
    expect(error.code).toBe('MEMORY_LIMIT');
    const need = Number(/needs at least (\d+) bytes/.exec(error.message)?.[1]);
    const over = Number(/(\d+) bytes over the limit of 4294967296/.exec(error.message)?.[1]);
    expect(need).toBeGreaterThan(40e9); // the output alone, plus the input, weights and alignment
    expect(over).toBe(need - 4 * GiB);
    expect(error.message).toMatch(/\(activations \d+, scratch \d+, before the weights\)/);
    console.log(`MEMORY_LIMIT: ${error.message} (${ms.toFixed(0)} ms, process grew ${(grewBytes / 1e6).toFixed(1)} MB)`);
    expect(grewBytes).toBeLessThan(256e6);
  });

  it('just over 4 GiB fails; the same graph just under it is planned (and maxMemoryBytes can lower the limit)', async () => {
    // [32768, 32768] float32 is exactly 4 GiB: with the input and weights it no longer fits.
    const { error } = await failsWithin(() => compile(hugeActivation(32_768, 32_768)));
    expect(error.code).toBe('MEMORY_LIMIT');
    const small = hugeActivation(64, 64);
    await expect(compile(small)).resolves.toBeTruthy();
    const limited = await failsWithin(() => compile(small, { maxMemoryBytes: 8192 }));
    expect(limited.error.code).toBe('MEMORY_LIMIT');
    expect(limited.error.message).toMatch(/bytes over the limit of 8192\. This is with the memory-lean kernels .*; to lower it further: /);
  });

  it('the MLP fails under a 100 kB maxMemoryBytes, naming weights and activations', async () => {
    const { error } = await failsWithin(() => compile(`${MODELS_DIR}/mlp.onnx`, { maxMemoryBytes: 100_000 }));
    expect(error.code).toBe('MEMORY_LIMIT');
    expect(error.message).toMatch(/^the model needs \d+ bytes of memory \(weights \d+, activations \d+, scratch \d+\), \d+ bytes over the limit of 100000\. This is with the memory-lean kernels .*; to lower it further: .*splitting the model/);
  });
});

describe('declared sizes are not allocated', () => {
  const tag = (field: number, wire: number) => varint((field << 3) | wire);
  const bytesField = (field: number, payload: number[]) => [...tag(field, 2), ...varint(payload.length), ...payload];
  const utf8 = (s: string) => [...new TextEncoder().encode(s)];

  /** ModelProto { ir_version 8, opset 13, graph { initializer: tensor } } with `tensor` given raw. */
  function modelWithTensor(tensor: number[]): Uint8Array {
    const graph = [...bytesField(2, utf8('g')), ...bytesField(5, tensor)];
    const opset = bytesField(8, [...tag(2, 0), 13]);
    return new Uint8Array([...tag(1, 0), 8, ...bytesField(7, graph), ...opset]);
  }

  it('raw_data declaring 4 GiB with 10 bytes present is INVALID_MODEL', async () => {
    const tensor = [...tag(1, 0), ...varint(2 ** 30), ...tag(2, 0), 1, ...bytesField(8, utf8('W')), ...tag(9, 2), ...varint(2 ** 32 - 16), ...new Array(10).fill(7)];
    const { error, grewBytes } = await failsWithin(() => compile(modelWithTensor(tensor)));
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.message).toMatch(/^not a valid ONNX model \(protobuf decoding failed: index out of range/);
    expect(grewBytes).toBeLessThan(64e6);
  });

  it('a graph field declaring 2^50 bytes is INVALID_MODEL', async () => {
    const bytes = new Uint8Array([...tag(1, 0), 8, ...tag(7, 2), ...varint(2 ** 50), 1, 2, 3]);
    const { error, grewBytes } = await failsWithin(() => compile(bytes));
    expect(error.code).toBe('INVALID_MODEL');
    expect(grewBytes).toBeLessThan(64e6);
  });

  it('dims of 2^40 elements over 8 bytes of raw_data fail on the size check', async () => {
    const tensor = [...tag(1, 0), ...varint(2 ** 20), ...tag(1, 0), ...varint(2 ** 20), ...tag(2, 0), 1, ...bytesField(8, utf8('W')), ...bytesField(9, new Array(8).fill(0))];
    const { error, grewBytes } = await failsWithin(() => compile(modelWithTensor(tensor)));
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.message).toBe("tensor 'W': raw_data has 8 bytes, dims [1048576,1048576] of float32 need 4398046511104");
    expect(grewBytes).toBeLessThan(64e6);
  });

  it('dims of 2^40 elements with no data at all fail on the count check', async () => {
    const tensor = [...tag(1, 0), ...varint(2 ** 40), ...tag(2, 0), 1, ...bytesField(8, utf8('W'))];
    const { error, grewBytes } = await failsWithin(() => compile(modelWithTensor(tensor)));
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.message).toBe("tensor 'W' has 0 values, dims [1099511627776] need 1099511627776");
    expect(grewBytes).toBeLessThan(64e6);
  });

  it('an input declared [2^40, 1] feeding a Gemm is MEMORY_LIMIT, never allocated', async () => {
    const { error, grewBytes } = await failsWithin(() => compile(hugeActivation(2 ** 40, 4)));
    expect(error.code).toBe('MEMORY_LIMIT');
    expect(grewBytes).toBeLessThan(256e6);
  });
});
