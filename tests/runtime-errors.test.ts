// Run-time hardening, on the MLP from ../shared/models: every bad input is a typed error naming the
// input, the model keeps giving the right answers afterwards, NaN/Inf behave as in onnxruntime,
// instances and interleaved runs do not interfere, and 10,000 runs leak neither wasm nor JS memory.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { compile } from 'onnx2wasm';
import { Model, RuntimeError, RuntimeInputError, Tensor, loadModel } from '@onnx2wasm/runtime';
import { replaceMetaSection } from '../scripts/fuzz/corrupt-module.js';
import { MODELS_DIR, REPO_ROOT, maxDiff, seededInput } from './support/models.js';
import { buildModel } from './support/onnx-builder.js';

const MLP = `${MODELS_DIR}/mlp.onnx`;
const DIMS = [1, 784];

let wasm: Uint8Array, weights: Uint8Array, meta: Record<string, unknown>;
let mlp: Model;
let ortMlp: ort.InferenceSession;

const feed = (data: Float32Array): Record<string, Tensor> => ({ input: { dtype: 'float32', dims: DIMS, data } });
const X = seededInput(DIMS, 3);

async function ours(m: Model, data: Float32Array): Promise<Float32Array> {
  return (await m.run(feed(data))).output!.data as Float32Array;
}

async function reference(session: ort.InferenceSession, feeds: Record<string, Float32Array>, dims: number[]): Promise<Record<string, Float32Array>> {
  const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v, dims)]));
  const res = await session.run(ortFeeds);
  return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, v.data as Float32Array]));
}

/** Loads a module while capturing its instance, to watch the wasm memory the runtime keeps private. */
async function loadWatched(): Promise<{ model: Model; memory: WebAssembly.Memory }> {
  const original = WebAssembly.instantiate;
  let instance: WebAssembly.Instance | undefined;
  WebAssembly.instantiate = (async (...args: Parameters<typeof original>) => {
    const r = await (original as (...a: unknown[]) => Promise<unknown>)(...args);
    instance = r instanceof WebAssembly.Instance ? r : (r as WebAssembly.WebAssemblyInstantiatedSource).instance;
    return r;
  }) as typeof original;
  try {
    const model = await loadModel({ wasm, weights });
    return { model, memory: instance!.exports.memory as WebAssembly.Memory };
  } finally {
    WebAssembly.instantiate = original;
  }
}

beforeAll(async () => {
  const c = await compile(MLP);
  ({ wasm, weights } = c);
  meta = c.meta as unknown as Record<string, unknown>;
  mlp = await loadModel({ wasm, weights });
  ortMlp = await ort.InferenceSession.create(MLP, { intraOpNumThreads: 1 });
});

describe('bad inputs are typed errors naming the input, and the model still works after each', () => {
  const detached = () => {
    const data = new Float32Array(784);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    return data;
  };
  const cases: [string, () => unknown, string, RegExp][] = [
    ['wrong dtype', () => ({ input: { dtype: 'int32', dims: DIMS, data: new Int32Array(784) } }), 'DTYPE_MISMATCH', /input 'input': expected dtype float32, got int32/],
    ['wrong dims (one dim off)', () => ({ input: { dtype: 'float32', dims: [1, 783], data: new Float32Array(783) } }), 'SHAPE_MISMATCH', /input 'input': expected dims \[1,784\], got \[1,783\]/],
    ['wrong rank, same element count', () => ({ input: { dtype: 'float32', dims: [784], data: new Float32Array(784) } }), 'SHAPE_MISMATCH', /expected dims \[1,784\], got \[784\]/],
    ['dims not an array', () => ({ input: { dtype: 'float32', dims: '1,784', data: new Float32Array(784) } }), 'SHAPE_MISMATCH', /input 'input'/],
    ['missing input', () => ({}), 'MISSING_INPUT', /input 'input' is missing \(expected float32\[1,784\]\)/],
    ['input given as null', () => ({ input: null }), 'MISSING_INPUT', /input 'input' is missing/],
    ['extra input', () => ({ ...feed(X), extra: feed(X).input }), 'UNKNOWN_INPUT', /'extra' is not an input of this model \(inputs: input\)/],
    ['wrong typed-array type', () => ({ input: { dtype: 'float32', dims: DIMS, data: new Float64Array(784) } }), 'INVALID_INPUT', /input 'input': data must be a Float32Array for dtype float32, got Float64Array/],
    ['plain array', () => ({ input: { dtype: 'float32', dims: DIMS, data: Array.from(X) } }), 'INVALID_INPUT', /data must be a Float32Array for dtype float32, got Array/],
    ['wrong length', () => ({ input: { dtype: 'float32', dims: DIMS, data: new Float32Array(783) } }), 'INVALID_INPUT', /input 'input': data has 783 elements, dims \[1,784\] need 784/],
    ['detached buffer', () => ({ input: { dtype: 'float32', dims: DIMS, data: detached() } }), 'INVALID_INPUT', /input 'input': its buffer is detached/],
  ];

  let expected: Float32Array;
  beforeAll(async () => {
    expected = await ours(mlp, X);
    const ref = (await reference(ortMlp, { input: X }, DIMS)).output!;
    const { maxAbsDiff, maxAbsRef } = maxDiff(expected, ref);
    expect(maxAbsDiff).toBeLessThanOrEqual(1e-4 * maxAbsRef);
  });

  it.each(cases)('%s', async (_what, makeFeeds, code, message) => {
    const err = await mlp.run(makeFeeds() as Record<string, Tensor>).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeInputError);
    const e = err as RuntimeInputError;
    expect(e.code).toBe(code);
    expect(e.input).toBe(code === 'UNKNOWN_INPUT' ? 'extra' : 'input');
    expect(e.message).toMatch(message);
    expect(Array.from(await ours(mlp, X))).toEqual(Array.from(expected));
  });

  it.each([null, undefined, 7, 'input'])('feeds %j is INVALID_INPUT', async (feeds) => {
    const err = await mlp.run(feeds as never).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe('INVALID_INPUT');
    expect(Array.from(await ours(mlp, X))).toEqual(Array.from(expected));
  });

  it('the output tensors are the caller’s: changing them does not change the next run', async () => {
    const first = await mlp.run(feed(X));
    first.output!.dims.push(99);
    (first.output!.data as Float32Array).fill(0);
    const again = await mlp.run(feed(X));
    expect(again.output!.dims).toEqual([1, 10]);
    expect(Array.from(again.output!.data as Float32Array)).toEqual(Array.from(expected));
    expect(mlp.outputs[0]!.dims).toEqual([1, 10]);
  });
});

describe('a trap is EXECUTION_FAILED and leaves the model usable', () => {
  it('Gather with an index out of range traps with a hint; the next run is right', async () => {
    const data = Float32Array.from({ length: 6 }, (_, i) => i + 0.5);
    const bytes = buildModel({
      inputs: [{ name: 'idx', dims: [2], elemType: 7 }], outputs: [{ name: 'y', dims: [2, 2] }],
      initializers: [{ name: 'data', dims: [3, 2], values: data }],
      nodes: [{ op: 'Gather', inputs: ['data', 'idx'], outputs: ['y'], name: 'gather' }],
    });
    const c = await compile(bytes);
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    const run = (...idx: bigint[]) => m.run({ idx: { dtype: 'int64', dims: [2], data: new BigInt64Array(idx) } });
    for (const bad of [[0n, 7n], [-4n, 0n], [2n ** 40n, 0n]]) {
      const err = await run(...bad).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(RuntimeError);
      expect((err as RuntimeError).code).toBe('EXECUTION_FAILED');
      expect((err as RuntimeError).reason).toBe('FAILED_CHECK'); // from the module's check_failed flag, not the message
      expect((err as RuntimeError).message).toBe('the model trapped while running: unreachable (an index input is out of range for the tensor it indexes, the run took an If branch that cannot run for the shapes the model was compiled for, or it asked for random Dropout (training_mode with a non-zero ratio))');
      expect(Array.from((await run(2n, -3n)).y!.data as Float32Array)).toEqual([4.5, 5.5, 0.5, 1.5]);
    }
  });
});

describe('NaN and Inf propagate as in onnxruntime-node', () => {
  /** Same NaN positions, same infinities, finite values within 1e-4 of the largest finite |ref|. */
  function expectSameSpecials(got: Float32Array, ref: Float32Array, what: string) {
    expect(got.length).toBe(ref.length);
    const scale = Math.max(1e-30, ...Array.from(ref).filter(Number.isFinite).map(Math.abs));
    for (let i = 0; i < ref.length; i++) {
      const g = got[i]!, r = ref[i]!;
      const ok = Number.isNaN(r) ? Number.isNaN(g) : !Number.isFinite(r) ? g === r : Math.abs(g - r) <= 1e-4 * scale;
      expect(ok, `${what}[${i}]: ours ${g}, onnxruntime ${r}`).toBe(true);
    }
  }

  it.each([
    ['a NaN input element', (x: Float32Array) => { x[3] = NaN; }],
    ['a +Inf input element', (x: Float32Array) => { x[5] = Infinity; }],
    ['a -Inf input element', (x: Float32Array) => { x[700] = -Infinity; }],
    ['inputs that overflow float32 in the first layer', (x: Float32Array) => { x.fill(3e38); }],
    ['huge but finite inputs', (x: Float32Array) => { x.fill(1e36); }],
  ])('MLP with %s', async (_what, poke) => {
    const x = X.slice();
    poke(x);
    expectSameSpecials(await ours(mlp, x), (await reference(ortMlp, { input: x }, DIMS)).output!, 'output');
  });

  it('Relu, Sigmoid and Gemm on NaN, ±Inf, ±0 and huge values, element by element', async () => {
    const W = Float32Array.from({ length: 32 }, (_, i) => [1, 0, -1, 0.5][i % 4]!);
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 8] }],
      outputs: [{ name: 'r', dims: [1, 8] }, { name: 's', dims: [1, 8] }, { name: 'g', dims: [1, 4] }],
      initializers: [{ name: 'W', dims: [8, 4], values: W }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['r'] }, { op: 'Sigmoid', inputs: ['x'], outputs: ['s'] }, { op: 'Gemm', inputs: ['x', 'W'], outputs: ['g'] }],
    });
    const c = await compile(bytes);
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    const session = await ort.InferenceSession.create(bytes);
    for (const x of [
      new Float32Array([NaN, Infinity, -Infinity, 1, -2, 0, -0, 3e38]),
      new Float32Array([1, Infinity, 2, 3, 4, 5, 6, 7]),
      new Float32Array([3e38, 3e38, 3e38, 3e38, 1, 1, 1, 1]),
    ]) {
      const got = await m.run({ x: { dtype: 'float32', dims: [1, 8], data: x } });
      const ref = await reference(session, { x }, [1, 8]);
      for (const k of ['r', 's', 'g']) expectSameSpecials(got[k]!.data as Float32Array, ref[k]!, `${k} for [${Array.from(x)}]`);
    }
  });
});

describe('instances and interleaved runs', () => {
  it('two loaded MLPs and a second model, with interleaved concurrent runs, all give the sequential answers', async () => {
    const a = await loadModel({ wasm, weights });
    const b = await loadModel({ wasm, weights });
    const relu = buildModel({ inputs: [{ name: 'x', dims: [4] }], outputs: [{ name: 'y', dims: [4] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
    const rc = await compile(relu);
    const r = await loadModel({ wasm: rc.wasm, weights: rc.weights });
    const inputs = Array.from({ length: 12 }, (_, i) => seededInput(DIMS, 100 + i));
    const expected: number[][] = [];
    for (const x of inputs) expected.push(Array.from(await ours(mlp, x)));

    const calls: Promise<void>[] = [];
    for (let round = 0; round < 5; round++) {
      inputs.forEach((x, i) => {
        const m = (i + round) % 2 ? a : b;
        calls.push(ours(m, x).then((y) => { expect(Array.from(y)).toEqual(expected[i]); }));
        const v = new Float32Array([i - 6, round, -round, i]);
        calls.push(r.run({ x: { dtype: 'float32', dims: [4], data: v } }).then((o) => {
          // Relu may return -0 for -0 (equal values; toEqual tells the zeros apart, so normalize them)
          expect(Array.from(o.y!.data as Float32Array, (t) => t + 0)).toEqual(Array.from(v, (t) => Math.max(t, 0)));
        }));
        if (i % 5 === 0) calls.push(a.run({}).then(() => { throw new Error('accepted'); }, (e) => { expect((e as RuntimeError).code).toBe('MISSING_INPUT'); }));
      });
    }
    await Promise.all(calls);
    expect(calls.length).toBe(5 * (12 * 2 + 3));
  });
});

describe('damaged modules are INVALID_MODULE or WEIGHTS_MISMATCH at load', () => {
  const withMeta = (edit: (m: Record<string, any>) => void) => {
    const copy = JSON.parse(JSON.stringify(meta));
    edit(copy);
    return replaceMetaSection(wasm, new TextEncoder().encode(JSON.stringify(copy)));
  };
  it.each([
    ['an input slot past the end of memory', (m: Record<string, any>) => { m.inputs[0].offset = 2 ** 32; }, /input 'input' ends at byte \d+, past the \d+ bytes of memory/],
    ['a negative offset', (m: Record<string, any>) => { m.outputs[0].offset = -16; }, /output 'output': offset -16/],
    ['byteLength not matching dims', (m: Record<string, any>) => { m.inputs[0].byteLength = 3; }, /byteLength 3 does not fit dims \[1,784\]/],
    ['an unknown dtype', (m: Record<string, any>) => { m.inputs[0].dtype = 'complex64'; }, /unknown dtype "complex64"/],
    ['no inputs list', (m: Record<string, any>) => { delete m.inputs; }, /input is not a list/],
    ['symbolic dims', (m: Record<string, any>) => { m.inputs[0].dims = [1, 'n']; }, /dims \[1,"n"\]/],
    ['weights region past memory', (m: Record<string, any>) => { m.weights.offset = 2 ** 33; }, /the weights region ends at byte/],
    ['another format', (m: Record<string, any>) => { m.format = 2; }, /format 2, this runtime reads format 1/],
  ])('%s', async (_what, edit, message) => {
    const err = await loadModel({ wasm: withMeta(edit), weights }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).code).toBe('INVALID_MODULE');
    expect((err as RuntimeError).message).toMatch(message);
  });

  it('weights of the wrong size are WEIGHTS_MISMATCH', async () => {
    const err = await loadModel({ wasm, weights: weights.subarray(1) }).then(() => undefined, (e: unknown) => e);
    expect((err as RuntimeError).code).toBe('WEIGHTS_MISMATCH');
    expect((err as RuntimeError).message).toContain(`the weights have ${weights.length - 1} bytes but this module expects ${weights.length}`);
  });

  it('a module whose 3.4 GiB memory cannot be allocated is OUT_OF_MEMORY (loaded under ulimit -v)', async () => {
    const big = buildModel({
      inputs: [{ name: 'x', dims: [30000, 1] }], outputs: [{ name: 'y', dims: [30000, 30000] }],
      initializers: [{ name: 'w', dims: [1, 30000] }], nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    const c = await compile(big, { embedWeights: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-oom-'));
    try {
      const file = path.join(dir, 'big.wasm');
      fs.writeFileSync(file, c.wasm);
      const script = `import { loadModel } from '@onnx2wasm/runtime'; import * as fs from 'node:fs';
        try { await loadModel({ wasm: fs.readFileSync(${JSON.stringify(file)}) }); console.log('loaded'); }
        catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }`;
      const loader = path.join(REPO_ROOT, 'scripts/fuzz/ts-loader.mjs');
      const r = spawnSync('bash', ['-c', `ulimit -v 3000000; exec "${process.execPath}" --import "${loader}" --input-type=module -e "$0"`, script], { encoding: 'utf8', timeout: 60_000 });
      const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(result.name).toBe('RuntimeError');
      expect(result.code).toBe('OUT_OF_MEMORY');
      expect(result.message).toMatch(/^the model's memory \(3433\.5 MiB\) cannot be allocated here: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bytes that are not wasm are INVALID_MODULE', async () => {
    const err = await loadModel({ wasm: new Uint8Array([0, 97, 115, 109, 9, 9]) }).then(() => undefined, (e: unknown) => e);
    expect((err as RuntimeError).code).toBe('INVALID_MODULE');
  });
});

describe('soak', () => {
  it('10,000 runs: wasm memory size constant, JS heap steady', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const { model, memory } = await loadWatched();
    const x = X.slice();
    const first = await ours(model, x);
    for (let i = 0; i < 200; i++) await ours(model, x); // warm up: JIT, inline caches
    gc();
    const memBefore = memory.buffer.byteLength;
    const heapBefore = process.memoryUsage().heapUsed;
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    let last = first;
    for (let i = 0; i < 10_000; i++) {
      x[i % 784] = (i % 13) / 7 - 1; // vary the input a little, like a real loop
      last = await ours(model, x);
      if (i % 1000 === 0) expect(memory.buffer.byteLength).toBe(memBefore);
    }
    const ms = performance.now() - t0;
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const buffersGrowth = process.memoryUsage().arrayBuffers - buffersBefore;
    console.log(`soak: 10000 runs in ${ms.toFixed(0)} ms (${(ms / 10).toFixed(1)} µs/run); wasm memory ${memBefore} -> ${memory.buffer.byteLength} bytes; JS heap ${(heapGrowth / 1e6).toFixed(2)} MB, array buffers ${(buffersGrowth / 1e6).toFixed(2)} MB growth after gc`);
    expect(memory.buffer.byteLength).toBe(memBefore);
    expect(heapGrowth).toBeLessThan(20e6);
    expect(buffersGrowth).toBeLessThan(20e6);
    expect(last.length).toBe(10);
    expect(Array.from(await ours(model, X))).toEqual(Array.from(first));
  });
});
