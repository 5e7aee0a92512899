// Regression tests for what the fuzzer found, each rebuilt here as a small model: before the fix
// every one of these ended in a TypeError, a RangeError or a raw fs error, or was accepted.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompileError, compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { WorkerPool } from '../scripts/fuzz/pool.js';
import { InitSpec, buildModel } from './support/onnx-builder.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-regress-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const W = Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 4);
const wBytes = new Uint8Array(W.buffer);

/** y = x @ W for x [1,4], W [4,3]; W given by `w` (inline or external). */
function gemmModel(w: InitSpec = { name: 'W', dims: [4, 3], values: W }): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', dims: [1, 4] }],
    outputs: [{ name: 'y', dims: [1, 3] }],
    initializers: [w],
    nodes: [{ op: 'Gemm', inputs: ['x', 'W'], outputs: ['y'] }],
  });
}

let caseNo = 0;
/** Writes the model into a fresh folder `<tmp>/case-N/model/` with side files; returns the model path. */
function writeCase(model: Uint8Array, files: Record<string, Uint8Array | { symlink: string } | 'dir'> = {}): string {
  const dir = path.join(tmp, `case-${caseNo++}`, 'model');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, f] of Object.entries(files)) {
    const p = path.resolve(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (f === 'dir') fs.mkdirSync(p, { recursive: true });
    else if (f instanceof Uint8Array) fs.writeFileSync(p, f);
    else fs.symlinkSync(f.symlink, p);
  }
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, model);
  return file;
}

async function compileError(model: string | Uint8Array): Promise<CompileError> {
  try {
    await compile(model);
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(CompileError);
    return e as CompileError;
  }
  throw new Error('the model compiled, but it should have failed');
}

async function runGemm(model: string | Uint8Array): Promise<Float32Array> {
  const c = await compile(model);
  const m = await loadModel({ wasm: c.wasm, weights: c.weights });
  const out = await m.run({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) } });
  return out.y!.data as Float32Array;
}

const external = (entries: Record<string, string>): InitSpec => ({ name: 'W', dims: [4, 3], externalData: entries });

describe('external data stays inside the model folder and is bounds-checked', () => {
  it('a symlink inside the folder that points outside it is refused', async () => {
    const file = writeCase(gemmModel(external({ location: 'link.bin' })), { '../outside.bin': wBytes, 'link.bin': { symlink: '../outside.bin' } });
    const e = await compileError(file);
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toMatch(/initializer 'W': external data path 'link\.bin' leads out of the model's folder \(through a symlink\)/);
  });

  it('a symlinked folder that points outside is refused', async () => {
    const file = writeCase(gemmModel(external({ location: 'up/outside.bin' })), { '../outside.bin': wBytes, up: { symlink: '..' } });
    expect((await compileError(file)).message).toMatch(/leads out of the model's folder/);
  });

  it.each(['../outside.bin', 'sub/../../outside.bin', '/etc/hostname'])('location %s is refused before any file is opened', async (location) => {
    const file = writeCase(gemmModel(external({ location })), { '../outside.bin': wBytes, sub: 'dir' });
    const e = await compileError(file);
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain(`external data path '${location}' leaves the model's folder`);
  });

  it.each(['.', 'sub'])('location %s (a directory) is INVALID_MODEL, not EISDIR', async (location) => {
    const file = writeCase(gemmModel(external({ location })), { sub: 'dir' });
    const e = await compileError(file);
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain('is not a file');
  });

  it.each(['-1', '0x10', '1e3', '', ' 3'])('offset %j is not accepted as a number', async (offset) => {
    const file = writeCase(gemmModel(external({ location: 'data.bin', offset })), { 'data.bin': wBytes });
    const e = await compileError(file);
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain(`external data offset '${offset}' is not a non-negative integer`);
  });

  it('a declared length that disagrees with the dims fails before reading', async () => {
    const file = writeCase(gemmModel(external({ location: 'data.bin', length: '47' })), { 'data.bin': wBytes });
    expect((await compileError(file)).message).toContain('external data length is 47 bytes, its dims and dtype need 48');
  });

  it('a missing file is IO_ERROR naming the file', async () => {
    const e = await compileError(writeCase(gemmModel(external({ location: 'nope.bin' }))));
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toContain("external data file 'nope.bin' cannot be read (ENOENT)");
  });

  it('dims of 2^40 elements with external data fail on the size check, without allocating', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const file = writeCase(gemmModel({ name: 'W', dims: [2 ** 20, 2 ** 20], externalData: { location: 'data.bin' } }), { 'data.bin': wBytes });
    const e = await compileError(file);
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain("external data 'data.bin' has 48 bytes from offset 0, its dims and dtype need 4398046511104");
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('valid external data in a subfolder at an offset gives the same answer as inline weights', async () => {
    const data = new Uint8Array(16 + wBytes.length);
    data.set(wBytes, 16);
    const file = writeCase(gemmModel(external({ location: 'weights/data.bin', offset: '16', length: '48' })), { 'weights/data.bin': data });
    const inline = await runGemm(gemmModel());
    expect(Array.from(await runGemm(file))).toEqual(Array.from(inline));
    expect(Array.from(inline)).toEqual([2.5, 5, 7.5]);
  });
});

describe('graph structure', () => {
  const relu = (outputs: string[], graphOutputs = ['y']) => buildModel({
    inputs: [{ name: 'x', dims: [1, 4] }],
    outputs: graphOutputs.map((name) => ({ name, dims: [1, 4] })),
    nodes: [{ op: 'Relu', inputs: ['x'], outputs, name: 'r' }],
  });

  it('a node declaring an output its op does not produce is INVALID_MODEL, not a TypeError in codegen', async () => {
    const e = await compileError(relu(['y', 'y2']));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toBe("Relu node 'r' declares output 1 ('y2'), which Relu does not produce");
  });

  it("a trailing '' output (an optional output not wanted) is ignored", async () => {
    const c = await compile(relu(['y', '']));
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    const out = await m.run({ x: { dtype: 'float32', dims: [1, 4], data: new Float32Array([-1, 2, -3, 4]) } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 2, 0, 4]);
  });

  it('an elementwise node with an input too many is INVALID_MODEL at inference, not "Invalid array length" in codegen', async () => {
    const extra = (op: string, inputs: string[]) => buildModel({
      inputs: [{ name: 'a', dims: [4] }, { name: 'b', dims: [2, 4, 1] }], outputs: [{ name: 'c', dims: [4] }],
      nodes: [{ op, inputs, outputs: ['c'], name: 'n' }],
    });
    const unary = await compileError(extra('Relu', ['a', 'b']));
    expect(unary.code).toBe('INVALID_MODEL');
    expect(unary.message).toBe("Relu node 'n': has 2 inputs; Relu takes one");
    expect((await compileError(extra('Add', ['a', 'b', 'a']))).message).toBe("Add node 'n': has 3 inputs; Add takes at most 2");
    expect((await compileError(extra('IsNaN', ['a', '', '', 'b']))).message).toBe("IsNaN node 'n': has 4 inputs; IsNaN takes one");
    expect((await compileError(extra('Equal', ['a', 'a', 'b']))).message).toBe("Equal node 'n': has 3 inputs; Equal takes at most 2");
  });

  it('a multi-output node with an unused output compiles (dead-code elimination kept its type)', async () => {
    const model = buildModel({
      inputs: [{ name: 'x', dims: [1, 5] }], outputs: [{ name: 'v', dims: [1, 2] }],
      initializers: [{ name: 'k', dims: [1], dataType: 7, raw: new Uint8Array(new BigInt64Array([2n]).buffer) }],
      nodes: [{ op: 'TopK', inputs: ['x', 'k'], outputs: ['v', 'i'], name: 'topk' }],
    });
    for (const verify of [false, true]) {
      const c = await compile(model, { verify });
      const m = await loadModel({ wasm: c.wasm, weights: c.weights });
      const out = await m.run({ x: { dtype: 'float32', dims: [1, 5], data: new Float32Array([3, 9, -1, 7, 0]) } });
      expect(Array.from(out.v!.data as Float32Array)).toEqual([9, 7]);
    }
  });

  it('a graph input without a name is INVALID_MODEL, not a module whose input slot has no address', async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }, { name: '', dims: [3] }], outputs: [{ name: 'y', dims: [1, 4] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toBe('graph input 1 has no name');
  });

  it("Clip with min or max of another dtype than x is DTYPE_MISMATCH, not a module that does not validate", async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [3] }, { name: 'min', dims: [], elemType: 7 }], outputs: [{ name: 'y', dims: [3] }],
      nodes: [{ op: 'Clip', inputs: ['x', 'min'], outputs: ['y'], name: 'clip' }],
    }));
    expect(e.code).toBe('DTYPE_MISMATCH');
    expect(e.message).toBe("Clip node 'clip': input 1 (min) has dtype int64; it must be x's dtype float32");
  });

  it('Pad with pads of 2^32 is MEMORY_LIMIT before lowering, not "Invalid typed array length" from the kernel', async () => {
    const pads = new BigInt64Array([0n, 0n, 0n, 2n ** 32n + 4n]);
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y', dims: [2, 4294967303] }],
      initializers: [{ name: 'pads', dims: [4], dataType: 7, raw: new Uint8Array(pads.buffer) }],
      nodes: [{ op: 'Pad', inputs: ['x', 'pads'], outputs: ['y'], name: 'pad' }],
    }));
    expect(e.code).toBe('MEMORY_LIMIT');
    expect(e.message).toMatch(/^the model needs at least \d+ bytes of memory \(activations \d+, scratch \d+, before the weights\)/);
  });

  it("an attribute of the wrong kind that a kernel reads keeps its code (INVALID_ATTRIBUTE, not CODEGEN_FAILED)", async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y', dims: [1, 3] }],
      initializers: [{ name: 'W', dims: [4, 3], values: W }],
      nodes: [{ op: 'Gemm', inputs: ['x', 'W'], outputs: ['y'], name: 'fc', attrs: [{ name: 'alpha', type: 3, s: new TextEncoder().encode('2') }] }],
    }));
    expect(e.code).toBe('INVALID_ATTRIBUTE');
    expect(e.message).toBe("Gemm node 'fc': attribute 'alpha' must be a number");
  });

  it('Einsum without operands is a typed error, not a TypeError in inference', async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [3, 4] }], outputs: [{ name: 'y', dims: [4, 3] }],
      nodes: [{ op: 'Einsum', inputs: [], outputs: ['y'], name: 'e', attrs: [{ name: 'equation', type: 3, s: new TextEncoder().encode('ij->ji') }] }],
      opset: 12,
    }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe("Einsum node 'e': input 0 is required");
  });

  it('an input dim past 2^53 (even with a 0 beside it) is INVALID_MODEL, not a module the runtime refuses', async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }, { name: 'like', dims: [0, 2 ** 62] }], outputs: [{ name: 'y', dims: [1, 4] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toBe("input 'like' has invalid dim 4611686018427388000 (past 2^53)");
  });

  it.each([
    ['a float split', { dims: [2], values: new Float32Array([0.5, 1.5]) }, "split (input 's') must be an integer tensor, got float32"],
    ['a chunk length of 0', { dims: [], dataType: 7, raw: new Uint8Array(new BigInt64Array([0n]).buffer) }, "split (input 's') is 0; a chunk length must be at least 1"],
    ['sizes that do not add up', { dims: [2], dataType: 7, raw: new Uint8Array(new BigInt64Array([1n, 5n]).buffer) }, 'split sizes [1,5] do not add up to the axis length 4'],
  ])('SplitToSequence with %s is INVALID_MODEL, not a RangeError', async (_what, split, message) => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [4, 2] }], outputs: [{ name: 'y', dims: [4, 2] }],
      initializers: [{ name: 's', ...split } as InitSpec],
      nodes: [{ op: 'SplitToSequence', inputs: ['x', 's'], outputs: ['seq'], name: 'sp' }, { op: 'ConcatFromSequence', inputs: ['seq'], outputs: ['y'], attrs: [{ name: 'axis', type: 2, i: 0 }] }],
      opset: 13,
    }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toBe(`SplitToSequence node 'sp': ${message}`);
  });

  it('a node listing the same output twice is INVALID_MODEL', async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y', dims: [2] }],
      nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y', 'y'], name: 'a' }],
    }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain("Add node 'a' lists the same output twice");
  });

  it('a graph output listed twice is INVALID_MODEL (the module would have two slots of one name)', async () => {
    const e = await compileError(relu(['y'], ['y', 'y']));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toBe("graph output 'y' is listed twice");
  });

  it('a string-typed graph input is UNSUPPORTED_OP, not a module the runtime cannot load', async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }, { name: 's', dims: [2], elemType: 8 }],
      outputs: [{ name: 'y', dims: [1, 4] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    }));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain("input 's' is a string tensor");
  });

  it('an input no node reads, with a symbolic dim, binds its dim at run time and is otherwise ignored', async () => {
    const c = await compile(buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }, { name: 'unused', dims: [3, 'n'] }],
      outputs: [{ name: 'y', dims: [1, 4] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    }));
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    expect(m.inputs[1]!.dims).toEqual([3, 'n']);
    const out = await m.run({ x: { dtype: 'float32', dims: [1, 4], data: Float32Array.from([-1, 2, -3, 4]) }, unused: { dtype: 'float32', dims: [3, 5], data: new Float32Array(15) } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 2, 0, 4]);
  });

  it('an input dim given only as an expression of a symbol (inputShapes [1, "2*n"]) is DYNAMIC_SHAPE', async () => {
    const model = buildModel({ inputs: [{ name: 'x', dims: [1, 'm'] }], outputs: [{ name: 'y', dims: [1, 'm'] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
    const e = await compile(model, { inputShapes: { x: [1, '2*n'] } }).then(() => { throw new Error('compiled'); }, (err: CompileError) => err);
    expect(e.code).toBe('DYNAMIC_SHAPE');
    expect(e.message).toContain("graph input 'x' has shape float32[1,2*n]");
  });

  it('initializer dims whose product overflows (Infinity × 0 = NaN elements) are INVALID_MODEL', async () => {
    const e = await compileError(gemmModel({ name: 'W', dims: [...new Array<number>(20).fill(2 ** 52), 0], raw: new Uint8Array(0) }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toContain('more than any tensor can hold');
  });
});

/** Runs compile/load/run of a model file through the fuzzer's worker: a hang or a crash is reported, not suffered. */
async function inChildProcess(file: string) {
  const pool = new WorkerPool({ size: 1, timeoutMs: 30_000, maxHeapMb: 512 });
  try {
    return await pool.use((_slot, exec) => exec({ modelFile: file, compile: { embedWeights: false, optimize: true, verify: false }, feedSeed: 0, feedMode: 'valid', corruptModule: false }));
  } finally {
    pool.close();
  }
}

describe('values and attributes that size things', () => {
  it('Expand whose shape input is declared with 2^31 elements is a typed error, not a heap out of memory', async () => {
    const r = await inChildProcess(writeCase(buildModel({
      inputs: [{ name: 'data', dims: [3] }, { name: 'shape', dims: [2 ** 31], elemType: 7 }], outputs: [{ name: 'y', dims: [3, 4] }],
      nodes: [{ op: 'Expand', inputs: ['data', 'shape'], outputs: ['y'], name: 'ex' }],
    })));
    expect(r.outcome).toBe('compile-error:SHAPE_MISMATCH');
    expect(r.message).toBe("Expand node 'ex': the output would have rank 2147483648; at most 64 axes are supported");
  }, 60_000);

  it('a NaN in an integer-list attribute is INVALID_ATTRIBUTE, not NaN dims in the module', async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'X', dims: [1, 1, 3] }, { name: 'W', dims: [1, 2, 3] }], outputs: [{ name: 'Y', dims: [1, 2, 5] }],
      nodes: [{ op: 'ConvTranspose', inputs: ['X', 'W'], outputs: ['Y'], name: 'ct', attrs: [{ name: 'pads', type: 6, floats: [NaN, NaN] }] }],
      opset: 22,
    }));
    expect(e.code).toBe('INVALID_ATTRIBUTE');
    expect(e.message).toMatch(/^ConvTranspose node 'ct': attribute '\w+' must be a list of integers, got \[NaN/);
  });

  it('Clip-6 on int64 with a fractional min attribute compiles (the bound truncates), not a RangeError from BigInt', async () => {
    const c = await compile(buildModel({
      inputs: [{ name: 'x', dims: [3], elemType: 7 }], outputs: [{ name: 'y', dims: [3], elemType: 7 }],
      nodes: [{ op: 'Clip', inputs: ['x'], outputs: ['y'], attrs: [{ name: 'min', type: 1, f: -0.5 }, { name: 'max', type: 1, f: 2.5 }] }],
      opset: 6,
    }));
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    const out = await m.run({ x: { dtype: 'int64', dims: [3], data: new BigInt64Array([-7n, 1n, 9n]) } });
    expect(Array.from(out.y!.data as BigInt64Array)).toEqual([0n, 1n, 2n]);
  });

  it('Shrink on uint8 (its float lambd as an integer constant) compiles and runs', async () => {
    const c = await compile(buildModel({
      inputs: [{ name: 'x', dims: [4], elemType: 2 }], outputs: [{ name: 'y', dims: [4], elemType: 2 }],
      nodes: [{ op: 'Shrink', inputs: ['x'], outputs: ['y'] }],
    }));
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    const out = await m.run({ x: { dtype: 'uint8', dims: [4], data: new Uint8Array([0, 1, 2, 200]) } });
    expect(Array.from(out.y!.data)).toEqual([0, 1, 2, 200]);
  });
});

describe('nodes with no inputs at all', () => {
  const noInputs = (op: string, opset: number, attrs: Parameters<typeof buildModel>[0]['nodes'][number]['attrs'] = []) => buildModel({
    inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y', dims: [2, 3] }],
    nodes: [{ op, inputs: [], outputs: ['y'], name: 'n', attrs }], opset,
  });

  it('GRU with no inputs fails instead of hanging (run in a child process with a time limit)', async () => {
    const r = await inChildProcess(writeCase(noInputs('GRU', 14, [{ name: 'hidden_size', type: 2, i: 4 }])));
    expect(r.outcome).toBe('compile-error:SHAPE_MISMATCH');
    expect(r.message).toBe("GRU node 'n': input 0 is required");
  }, 60_000);

  it.each([
    ['NonZero', 13, "NonZero node 'n': input 0 is required"],
    ['Unique', 11, "Unique node 'n': input 0 is required"],
  ])('%s with no inputs is a typed error, not a TypeError in evaluate', async (op, opset, message) => {
    const e = await compileError(noInputs(op, opset));
    expect(e.message).toBe(message);
  });

  it('CenterCropPad without its shape input is INVALID_MODEL naming the input', async () => {
    const e = await compileError(buildModel({
      inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y', dims: [2, 3] }],
      nodes: [{ op: 'CenterCropPad', inputs: ['x'], outputs: ['y'], name: 'c' }], opset: 18,
    }));
    expect(e.code).toBe('INVALID_MODEL');
    expect(e.message).toBe("CenterCropPad node 'c': shape (input 1) is required");
  });
});
