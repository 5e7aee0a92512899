// The CLI for scripts and for a first-time user: `--json` on compile, run and check (one JSON
// document on stdout), `run --output`, and the friction points of issue #18, each with the new
// behaviour: flag names in messages, exit 2 for malformed command-line values, hints that say what
// to do, the dims a run used, no stale weights after --embed-weights, no npm config warning.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, maxDiff, runOrt } from './support/models.js';
import { buildModel } from './support/onnx-builder.js';

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples/tiny-mlp/model.onnx');

interface Result { code: number | null; stdout: string; stderr: string }

function cli(...args: string[]): Result {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: tmp, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectError(r: Result, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

let tmp: string;
let out: string;
let zerosRef: Float32Array;

beforeAll(async () => {
  if (!fs.existsSync(MAIN)) throw new Error('the CLI is not built: run `npm run build` first (`npm test` does)');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-cli-scripting-'));
  out = path.join(tmp, 'out');
  expect(cli('compile', EXAMPLE, '-o', out).code).toBe(0);
  zerosRef = (await runOrt(EXAMPLE, { input: { dims: [1, 64], data: new Float32Array(64) } })).scores!.data;
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function expectZerosAnswer(values: number[]): void {
  const { maxAbsDiff, maxAbsRef } = maxDiff(values, zerosRef);
  expect(values).toHaveLength(zerosRef.length);
  expect(maxAbsDiff).toBeLessThanOrEqual(1e-5 * maxAbsRef);
}

describe('--json: one JSON document on stdout', () => {
  it('compile --json lists the files, sizes, inputs and outputs', () => {
    const r = cli('compile', EXAMPLE, '-o', path.join(tmp, 'json'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['model', 'out', 'target', 'files', 'removed', 'inputs', 'outputs', 'weights', 'nodes', 'ops', 'kernels', 'kernelsReason', 'wasmBytes', 'wasmGzipBytes', 'relaxedWasmBytes',
      'weightsBytes', 'arenaBytes', 'lowerBoundBytes', 'memoryBytes', 'scriptBytes', 'scriptGzipBytes', 'isolateBytes', 'compileMs', 'warnings']);
    expect(doc).toMatchObject({ target: 'universal', files: ['model.wasm', 'model.relaxed.wasm', 'model.weights.bin', 'model.js', 'model.d.ts', 'manifest.json'], inputs: [{ name: 'input', dtype: 'float32', dims: [1, 64] }] });
    expect(doc.wasmBytes).toBe(fs.statSync(path.join(tmp, 'json/model.wasm')).size);
    expect(doc.relaxedWasmBytes).toBe(fs.statSync(path.join(tmp, 'json/model.relaxed.wasm')).size);
  });

  it("run --json gives every output value, which matches onnxruntime-node", () => {
    const r = cli('run', out, '--input', 'input=zeros', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { inputs: unknown[]; outputs: Record<string, { dtype: string; dims: number[]; data: number[] }>; runMs: number };
    expect(doc.inputs).toEqual([{ name: 'input', dtype: 'float32', dims: [1, 64], source: 'zeros' }]);
    expect(doc.outputs.scores!.dims).toEqual([1, 10]);
    expectZerosAnswer(doc.outputs.scores!.data);
    expect(doc.runMs).toBeGreaterThan(0);
  });

  it('check --json reports each output and the verdict', () => {
    const r = cli('check', EXAMPLE, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; outputs: { name: string; verdict: string; maxRelErr: number }[] };
    expect(doc.ok).toBe(true);
    expect(doc.outputs).toHaveLength(1);
    expect(doc.outputs[0]).toMatchObject({ name: 'scores', verdict: 'ok' });
    expect(doc.outputs[0]!.maxRelErr).toBeLessThanOrEqual(1e-4);
  });
});

describe('run --output', () => {
  it('writes file.json with every output and file.bin with one output\'s raw bytes', () => {
    const json = path.join(tmp, 'o.json');
    const bin = path.join(tmp, 'o.bin');
    const r = cli('run', out, '--input', 'input=zeros', '--output', json, '--output', `scores=${bin}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${json}`);
    const doc = JSON.parse(fs.readFileSync(json, 'utf8')) as Record<string, { dtype: string; dims: number[]; data: number[] }>;
    expect(Object.keys(doc)).toEqual(['scores']);
    expectZerosAnswer(doc.scores!.data);
    const raw = fs.readFileSync(bin);
    expect(Array.from(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4))).toEqual(doc.scores!.data);
  });

  it.each([
    [['--output', 'o.txt'], /--output.*expected \[<name>=\]<file\.json\|file\.bin>/],
    [['--output', 'nope=o.bin'], /--output nope=o\.bin: the model has no output 'nope' \(outputs: scores\)/],
  ])('a bad --output %j is a usage error, exit 2', (args, message) => {
    expectError(cli('run', out, ...args), 2, message);
  });
});

describe('friction points of a first run', () => {
  it('run on a .onnx file says to compile it first, with a command that works', () => {
    const r = cli('run', EXAMPLE);
    expectError(r, 1, /is a model, not a compiled folder/);
    const suggested = /e\.g\. (onnx2wasm compile \S+ -o (\S+)) && onnx2wasm run \2/.exec(r.stderr);
    expect(suggested, r.stderr).not.toBeNull();
    expect(suggested![2]).not.toMatch(/\.onnx$/);
  });

  it('--input with a source that is neither a keyword nor a file lists the valid sources, exit 2', () => {
    expectError(cli('run', out, '--input', 'input=ones'), 2, /--input input=ones: no such file; a source is random, zeros, a \.json file .* or a raw little-endian \.bin file/);
  });

  it('an --input-shape of the wrong rank names the flag, not the API option, exit 2', () => {
    const r = cli('compile', EXAMPLE, '-o', path.join(tmp, 'rank'), '--input-shape', 'input=1,64,3');
    expectError(r, 2, /--input-shape input=\.\.\. has rank 3 but the model's input has rank 2/);
    expect(r.stderr).not.toContain('inputShapes');
  });

  it('compile of a missing file says it does not exist, without a raw ENOENT', () => {
    const r = cli('compile', 'nope.onnx', '-o', path.join(tmp, 'nope'));
    expectError(r, 1, /^error: model file 'nope\.onnx' does not exist$/m);
    expect(r.stderr).not.toContain('ENOENT');
  });

  it('run --shape prints the dims it ran, not the symbolic ones', () => {
    const model = path.join(tmp, 'relu-dyn.onnx');
    fs.writeFileSync(model, buildModel({ inputs: [{ name: 'x', dims: ['N', 4] }], outputs: [{ name: 'y', dims: ['N', 4] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] }));
    expect(cli('compile', model, '-o', path.join(tmp, 'dyn')).code).toBe(0);
    const r = cli('run', path.join(tmp, 'dyn'), '--shape', 'x=3,4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+x\s+float32\[3,4\]\s+random/m);
    expect(r.stdout).not.toContain('float32[N,4]');
  });

  it('recompiling with --embed-weights removes the weights file (and the relaxed build) of the previous compile', () => {
    const dir = path.join(tmp, 'embed');
    expect(cli('compile', EXAMPLE, '-o', dir).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'mine.txt'), 'a file of the user');
    expect(fs.existsSync(path.join(dir, 'model.weights.bin'))).toBe(true);
    const r = cli('compile', EXAMPLE, '-o', dir, '--embed-weights');
    expect(r.code, r.stderr).toBe(0);
    // --embed-weights makes one module, so the previous compile's relaxed-SIMD build goes too.
    expect(r.stdout).toContain('removed model.relaxed.wasm, model.weights.bin');
    expect(fs.readdirSync(dir).sort()).toEqual(['manifest.json', 'mine.txt', 'model.d.ts', 'model.js', 'model.wasm', 'package.json', 'runtime']);
    expect(cli('run', dir).code).toBe(0);
  });

  it('onnxruntime-node downloads nothing on install: the .npmrc key (project policy) and the environment switch in CI', () => {
    // The project keeps `onnxruntime-node-install=skip` in .npmrc by policy, although npm 11 warns
    // "Unknown project config" about it; .ci/run also sets onnxruntime-node's own switch.
    expect(fs.readFileSync(path.join(REPO_ROOT, '.npmrc'), 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
    expect(fs.readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^export ONNXRUNTIME_NODE_INSTALL=skip$/m);
  });
});
