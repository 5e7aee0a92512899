// Run-time control flow: an If whose condition is only known at run time compiles both branches and
// runs the taken one. The Silero-VAD-like streaming model (If on a run-time int64 `sr` around an
// LSTM per branch, a nested data-dependent If, state fed back) matches onnxruntime-node over
// several steps at both rates, and the compile summary names the input to pin.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { RuntimeError, loadModel, type Tensor } from '@onnx2wasm/runtime';
import { effectiveGuards } from '@onnx2wasm/wasm-codegen';
import { HIDDEN, INT64, SAMPLES, streamingVad } from './support/streaming-vad.js';
import { buildModel, graphAttr } from './support/onnx-builder.js';
import { REPO_ROOT, seededInput } from './support/models.js';
import { expectSameAsOrt, ortRun } from './support/ort-compare.js';

const f32 = (dims: number[], data: Float32Array): Tensor => ({ dtype: 'float32', dims, data });
const sr = (rate: number): Tensor => ({ dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(rate)) });

describe('run-time If', () => {
  const bytes = streamingVad();

  it('a streaming VAD with a run-time `sr` matches onnxruntime-node at 8000 and 16000 over 5 steps, state fed back', async () => {
    const c = await compile(bytes, { verify: true });
    expect(c.summary.valueVariants).toBeUndefined();
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    expect(model.inputs.map((i) => i.name)).toEqual(['x', 'state', 'sr']);
    for (const rate of [8000, 16000]) {
      let ours = f32([2, 1, HIDDEN], new Float32Array(2 * HIDDEN));
      let theirs = ours;
      for (let step = 0; step < 5; step++) {
        // Alternate the sign of the audio so the nested If takes both of its branches.
        const x = f32([1, SAMPLES], seededInput([1, SAMPLES], 100 * rate + step).map((v) => v + (step % 2 ? 0.4 : -0.4)));
        const out = await expectSameAsOrt(model, bytes, { x, state: theirs, sr: sr(rate) }, 1e-4);
        const ref = await ortRun(bytes, { x, state: theirs, sr: sr(rate) });
        ours = out.stateN!;
        theirs = f32([2, 1, HIDDEN], Float32Array.from(ref.stateN!.data as Float32Array));
        // Our own fed-back state stays next to onnxruntime's.
        (ours.data as Float32Array).forEach((v, i) => expect(Math.abs(v - (theirs.data as Float32Array)[i]!)).toBeLessThan(1e-4));
      }
    }
  });

  it('the summary says which input decides the If nodes and how to pin it; pinned, it matches too', async () => {
    const c = await compile(bytes);
    // Two If nodes run at run time (the nested one is decided by the audio, not by an input).
    expect(c.summary.runTimeBranches).toMatchObject({ ifNodes: 2, inputs: { sr: 1 }, compared: { sr: 16000 } });
    // Both LSTMs (and everything else of a branch the optimizer kept apart) run only in their branch.
    const guarded = effectiveGuards(c.graph);
    const lstms = c.graph.nodes.filter((n) => n.op === 'LSTM');
    expect(lstms).toHaveLength(2);
    for (const n of lstms) expect(guarded.get(n), n.name).toHaveLength(1);
    expect(c.summary.runTimeBranches!.conditionalNodes).toBeGreaterThanOrEqual(4);
    await expect(compile(bytes, { constantInputs: { sr: [1, 2] } })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining("constantInputs['sr'] has 2 values, input 'sr' int64[] takes 1") });
    const pinned = await compile(bytes, { constantInputs: { sr: 16000 } });
    // Only the nested If, decided by the audio, is left.
    expect(pinned.summary.runTimeBranches).toEqual({ ifNodes: 1, conditionalNodes: 2, inputs: {}, compared: {} });
    const model = await loadModel({ wasm: pinned.wasm, weights: pinned.weights });
    expect(model.inputs.map((i) => i.name)).toEqual(['x', 'state']);
    const x = f32([1, SAMPLES], seededInput([1, SAMPLES], 5));
    const state = f32([2, 1, HIDDEN], seededInput([2, 1, HIDDEN], 6));
    const ref = await ortRun(bytes, { x, state, sr: sr(16000) });
    const out = await model.run({ x, state });
    Array.from(out.prob!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - Number(ref.prob!.data[i]))).toBeLessThan(1e-4));
  });

  it('the CLI prints the hint, and --constant pins the input for compile and check', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-control-'));
    try {
      const file = path.join(dir, 'vad.onnx');
      fs.writeFileSync(file, bytes);
      const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
      const free = cli('compile', file, '-o', path.join(dir, 'free'));
      expect(free.status, free.stderr).toBe(0);
      expect(free.stdout).toMatch(/branches +2 If nodes decided at run time \(\d+ nodes run only in their branch\); 'sr' decides 1 If node; pin it with --constant sr=16000 to drop the untaken branches/);
      const pinned = cli('compile', file, '-o', path.join(dir, 'pinned'), '--constant', 'sr=8000');
      expect(pinned.status, pinned.stderr).toBe(0);
      expect(pinned.stdout).toMatch(/inputs +x float32\[1,256\], state float32\[2,1,16\]\n/);
      const check = cli('check', file, '--constant', 'sr=8000');
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain('ok: 2 of 2 outputs match onnxruntime-node');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a branch that cannot run for the compiled shapes: the other branch matches onnxruntime-node, taking it fails with a typed error', async () => {
    // Like Silero's 8 kHz path fed 16 kHz frames: the else branch reshapes 8 samples into rows of 3.
    const rows = (name: string, values: number[]) => ({ name, dims: [values.length], dataType: INT64, raw: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });
    const model = buildModel({
      inputs: [{ name: 'x', dims: [1, 'n'] }, { name: 'sr', dims: [1], elemType: INT64 }],
      outputs: [{ name: 'y', dims: [1, 'n'] }],
      initializers: [rows('rate', [16000]), rows('by3', [-1, 3]), rows('back', [1, -1])],
      nodes: [
        { op: 'Equal', inputs: ['sr', 'rate'], outputs: ['hi'] },
        {
          op: 'If', inputs: ['hi'], outputs: ['y'], name: 'pick', attrs: [
            graphAttr('then_branch', { outputs: [{ name: 't', dims: [1, 'n'] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['t'] }] }),
            graphAttr('else_branch', {
              outputs: [{ name: 'e', dims: [1, 'n'] }],
              nodes: [{ op: 'Reshape', inputs: ['x', 'by3'], outputs: ['e3'] }, { op: 'Reshape', inputs: ['e3', 'back'], outputs: ['e'] }],
            }),
          ],
        },
      ],
    });
    // Compiled for 8 samples (onnxruntime sees the symbolic length, so it loads the model).
    const c = await compile(model, { inputShapes: { x: [1, 8] } });
    expect(c.summary.warnings.join()).toMatch(/If node 'pick': its else branch cannot run for the compiled shapes, so runs that take it fail \(.*Reshape/);
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    const x = f32([1, 8], seededInput([1, 8], 3));
    const rate = (v: number): Tensor => ({ dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(v)) });
    await expectSameAsOrt(m, model, { x, sr: rate(16000) });
    const err = await m.run({ x, sr: rate(8000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as Error).message).toContain('the run took an If branch that cannot run for the shapes the model was compiled for');
    // onnxruntime-node refuses that run as well; the model keeps working afterwards.
    await expect(ortRun(model, { x, sr: rate(8000) })).rejects.toThrow();
    await expectSameAsOrt(m, model, { x, sr: rate(16000) });
  });

  it('branches of different rank with a condition computed from input dims: DYNAMIC_SHAPE says to pin the input shapes; pinned, it matches', async () => {
    // Like Silero VAD's decoder: squeeze the time axis when it has length 1, keep it otherwise.
    const one = { name: 'one', dims: [], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(1n).buffer) };
    const at2 = { name: 'at2', dims: [1], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(2n).buffer) };
    const model = buildModel({
      inputs: [{ name: 'x', dims: [1, 4, 't'] }],
      outputs: [{ name: 'y', dims: [1, 4, 't'] }],
      initializers: [one, at2],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'at2'], outputs: ['len1'] },
        { op: 'Squeeze', inputs: ['len1'], outputs: ['len'] },
        { op: 'Equal', inputs: ['len', 'one'], outputs: ['single'] },
        {
          op: 'If', inputs: ['single'], outputs: ['y'], name: 'squeeze_time', attrs: [
            graphAttr('then_branch', { outputs: [{ name: 'sq', dims: [1, 4] }], nodes: [{ op: 'Squeeze', inputs: ['x', 'at2'], outputs: ['sq'] }] }),
            graphAttr('else_branch', { outputs: [{ name: 'kept', dims: [1, 4, 't'] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['kept'] }] }),
          ],
        },
      ],
    });
    await expect(compile(model)).rejects.toMatchObject({ code: 'DYNAMIC_SHAPE', node: 'squeeze_time', message: expect.stringMatching(/differ in dtype or rank .*computed from the dims of 'x': pin its shape \(inputShapes \/ --input-shape\)/) });
    for (const t of [1, 3]) {
      const c = await compile(model, { inputShapes: { x: [1, 4, t] } });
      const m = await loadModel({ wasm: c.wasm, weights: c.weights });
      await expectSameAsOrt(m, model, { x: f32([1, 4, t], seededInput([1, 4, t], t)) });
    }
  });

  it('a condition comparing dims whose relation is known (Shape(a)[1] == Shape(b)[1], both "t") folds: one branch, no pinning', async () => {
    const at1 = { name: 'at1', dims: [1], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(1n).buffer) };
    const model = buildModel({
      inputs: [{ name: 'x', dims: [2, 't'] }],
      outputs: [{ name: 'y', dims: [2, 't'] }],
      initializers: [at1],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'Shape', inputs: ['x'], outputs: ['sx'] },
        { op: 'Shape', inputs: ['r'], outputs: ['sr'] },
        { op: 'Gather', inputs: ['sx', 'at1'], outputs: ['lx'] },
        { op: 'Gather', inputs: ['sr', 'at1'], outputs: ['lr'] },
        { op: 'Equal', inputs: ['lx', 'lr'], outputs: ['same1'] },
        { op: 'Squeeze', inputs: ['same1'], outputs: ['same'] },
        { op: 'Not', inputs: ['same'], outputs: ['differ'] },
        {
          op: 'If', inputs: ['differ'], outputs: ['y'], name: 'guard', attrs: [
            graphAttr('then_branch', { outputs: [{ name: 'u', dims: [2, 1, 't'] }], nodes: [{ op: 'Unsqueeze', inputs: ['x', 'at1'], outputs: ['u'] }] }),
            graphAttr('else_branch', { outputs: [{ name: 'kept', dims: [2, 't'] }], nodes: [{ op: 'Neg', inputs: ['r'], outputs: ['kept'] }] }),
          ],
        },
      ],
    });
    const c = await compile(model);
    expect(c.graph.nodes.some((n) => n.op === 'Where' || n.op === 'SelectBranch')).toBe(false);
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const t of [1, 5]) await expectSameAsOrt(m, model, { x: f32([2, t], seededInput([2, t], t)) });
  });
});
