// Custom operator plugins end to end: a new IR op with a SIMD lowering (FastGelu) and an import-time
// expansion (BiasGelu), each compiled, run and compared with its own reference and onnxruntime-node.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompileError, compile, definePlugin, fnOf, functionNode, isFn, opLabel as apiOpLabel, referenceErf } from 'onnx2wasm';
import { buildModel } from './support/onnx-builder.js';
import { loadModel } from '@onnx2wasm/runtime';
import { REPO_ROOT, maxDiff, runOrt, seededInput } from './support/models.js';
// @ts-expect-error plain ESM examples without type declarations
import fastGelu, { fastGeluScalar } from '../examples/plugins/fast-gelu.mjs';
// @ts-expect-error plain ESM examples without type declarations
import biasGelu from '../examples/plugins/bias-gelu-expand.mjs';
// @ts-expect-error plain ESM examples without type declarations
import { customOpModel } from '../examples/plugins/make-model.mjs';
import { opLabel } from '@onnx2wasm/ir';

const geluErf = (x: number) => 0.5 * x * (1 + referenceErf(x / Math.SQRT2));

async function runCompiled(bytes: Uint8Array, plugins: unknown[], x: Float32Array, dims: number[]): Promise<Float32Array> {
  const c = await compile(bytes, { plugins: plugins as never });
  const m = await loadModel({ wasm: c.wasm, weights: c.weights });
  const out = await m.run({ X: { dtype: 'float32', dims, data: x } });
  return out.Y!.data as Float32Array;
}

/** onnxruntime-node's contrib op, or undefined when this build does not load it. */
async function ortOutput(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array | undefined> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'o2w-plugin-')), 'model.onnx');
  fs.writeFileSync(file, bytes);
  try {
    return (await runOrt(file, { X: { dims, data: x } })).Y!.data;
  } catch {
    return undefined;
  }
}

function expectClose(ours: ArrayLike<number>, ref: ArrayLike<number>): void {
  const { maxAbsDiff, maxAbsRef } = maxDiff(ours, ref);
  expect(maxAbsDiff).toBeLessThanOrEqual(1e-4 * maxAbsRef);
}

const CASES: { name: string; dims: number[] }[] = [
  { name: 'odd sizes', dims: [3, 7] },
  { name: 'one row of 17', dims: [1, 17] },
  { name: 'transformer-ish', dims: [2, 5, 64] },
];

describe('FastGelu plugin (new IR op, SIMD lowering)', () => {
  for (const { name, dims } of CASES) {
    for (const withBias of [false, true]) {
      it(`${name} ${withBias ? 'with' : 'without'} bias matches its evaluate and onnxruntime`, async () => {
        const n = dims.reduce((a, b) => a * b, 1);
        const last = dims[dims.length - 1]!;
        const x = seededInput(dims, 3).map((v) => v * 4);
        const bias = withBias ? seededInput([last], 5) : undefined;
        const bytes = customOpModel({ domain: 'com.microsoft', opType: 'FastGelu', dims, bias });
        const ours = await runCompiled(bytes, [fastGelu], x, dims);
        const ref = Float32Array.from({ length: n }, (_, i) => fastGeluScalar(x[i]! + (bias ? bias[i % last]! : 0)));
        expectClose(ours, ref);
        const ort = await ortOutput(bytes, x, dims);
        expect(ort).toBeDefined();
        expectClose(ours, ort!);
      });
    }
  }
});

describe('BiasGelu plugin (expansion into Add + Gelu)', () => {
  for (const { name, dims } of CASES) {
    it(`${name} matches gelu_erf(x + bias) and onnxruntime`, async () => {
      const last = dims[dims.length - 1]!;
      const x = seededInput(dims, 7).map((v) => v * 4);
      const bias = seededInput([last], 9);
      const bytes = customOpModel({ domain: 'com.microsoft', opType: 'BiasGelu', dims, bias });
      const c = await compile(bytes, { plugins: [biasGelu] });
      expect(Object.keys(c.summary.ops)).not.toContain('BiasGelu');
      const ours = await runCompiled(bytes, [biasGelu], x, dims);
      expectClose(ours, Array.from(x, (v, i) => geluErf(v + bias[i % last]!)));
      const ort = await ortOutput(bytes, x, dims);
      expect(ort).toBeDefined();
      expectClose(ours, ort!);
    });
  }
});

describe('plugin registration and errors', () => {
  const model = (opType: string, domain = 'com.example') => customOpModel({ domain, opType, dims: [2, 3] });

  it('without a plugin, a custom-domain op is a typed UNSUPPORTED_OP error', async () => {
    const bytes = customOpModel({ domain: 'com.microsoft', opType: 'SkipNotRegistered', dims: [2, 3] });
    const err = await compile(bytes).catch((e) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err.code).toBe('UNSUPPORTED_OP');
    expect(err.message).toContain('custom domain: a plugin can provide it');
  });

  it('registering the same plugin twice does not throw', async () => {
    await compile(customOpModel({ domain: 'com.microsoft', opType: 'FastGelu', dims: [2, 3] }), { plugins: [fastGelu, fastGelu] });
    await compile(customOpModel({ domain: 'com.microsoft', opType: 'FastGelu', dims: [2, 3] }), { plugins: [fastGelu] });
  });

  it('two plugins claiming the same op is INVALID_OPTION naming both', async () => {
    const other = definePlugin({ name: 'my-fast-gelu', ops: [{ domain: 'com.microsoft', opType: 'FastGelu', sinceVersion: 1, expand: () => {} }] });
    const err = await compile(model('Anything'), { plugins: [fastGelu, other] }).catch((e) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.message).toContain("'fast-gelu'");
    expect(err.message).toContain("'my-fast-gelu'");
  });

  it('an error thrown in expand, infer or lower names the plugin and the node', async () => {
    const thrower = (where: string) => () => { throw new Error(`broken ${where}`); };
    const broken = definePlugin({
      name: 'broken',
      ops: [
        { domain: 'com.example', opType: 'BadExpand', sinceVersion: 1, expand: thrower('expand') },
        { domain: 'com.example', opType: 'BadInfer', sinceVersion: 1, infer: thrower('infer'), evaluate: () => [], lower: () => [] },
        {
          domain: 'com.example', opType: 'BadLower', sinceVersion: 1,
          infer: (ctx) => [ctx.inputs[0]!], evaluate: () => { throw new Error('no fold'); }, lower: thrower('lower'),
        },
      ],
    });
    for (const [op, code] of [['BadExpand', 'INVALID_MODEL'], ['BadInfer', 'INVALID_MODEL'], ['BadLower', 'CODEGEN_FAILED']] as const) {
      const err = await compile(model(op), { plugins: [broken] }).catch((e) => e);
      expect(err, op).toBeInstanceOf(CompileError);
      expect(err.code, op).toBe(code);
      expect(err.message, op).toContain("plugin 'broken'");
      expect(err.message, op).toContain(`node '${op.toLowerCase()}'`);
      expect(err.message, op).toContain('broken ');
    }
  });

  it('a plugin pass runs after the built-in passes', async () => {
    const seen: string[] = [];
    const withPass = definePlugin({
      name: 'pass-only', ops: [],
      passes: [{ name: 'count-nodes', description: 'records the ops it sees', run: (g) => { seen.push(...g.nodes.map((n) => opLabel(n))); return { graph: g, changed: false }; } }],
    });
    const c = await compile(customOpModel({ domain: 'com.microsoft', opType: 'FastGelu', dims: [2, 3] }), { plugins: [fastGelu, withPass] });
    expect(seen).toEqual(['FastGelu']);
    expect(c.summary.passes.at(-1)!.name).toBe('count-nodes');
  });

  it('a plugin pass matches and builds function nodes through the exported helpers', async () => {
    // Relu → Neg(Relu(x)) … rewritten by the pass into Neg(Neg(x)) to prove it found and built them.
    const model = buildModel({ inputs: [{ name: 'x', dims: [4] }], outputs: [{ name: 'y', dims: [4] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }] });
    const seen: string[] = [];
    const negate = definePlugin({
      name: 'relu-to-neg', ops: [],
      passes: [{
        name: 'relu-to-neg', description: 'replaces Relu by Neg (a test of the function-node helpers)',
        run: (g) => {
          seen.push(...g.nodes.map((n) => `${n.op}:${fnOf(n)}:${apiOpLabel(n)}`));
          const nodes = g.nodes.map((n) => (isFn(n, 'Relu') ? functionNode(n.name, 'Neg', n.inputs, n.outputs) : n));
          return { graph: { ...g, nodes }, changed: nodes.some((n, i) => n !== g.nodes[i]) };
        },
      }],
    });
    const c = await compile(model, { plugins: [negate] });
    expect(seen[0]).toBe('Unary:Relu:Relu'); // a later run of the pass sees its own rewrite
    expect(c.summary.ops).toEqual({ Neg: 1 });
    const m = await loadModel({ wasm: c.wasm, weights: c.weights });
    const out = await m.run({ x: { dtype: 'float32', dims: [4], data: Float32Array.of(-2, -0.5, 0.5, 3) } });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([2, 0.5, -0.5, -3]);
  });
});

describe('CLI --plugin', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/compiler/bin/onnx2wasm.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'o2w-plugin-cli-')), 'fast-gelu.onnx');
  fs.writeFileSync(file, customOpModel({ domain: 'com.microsoft', opType: 'FastGelu', dims: [2, 9], bias: seededInput([9], 2) }));

  it('check and inspect load the plugin file; without it the op is unsupported', () => {
    const ok = cli('check', file, '--plugin', 'examples/plugins/fast-gelu.mjs', '--plugin', 'examples/plugins/bias-gelu-expand.mjs');
    expect(ok.stdout + ok.stderr).toContain('ok: 1 of 1 outputs match');
    expect(ok.status).toBe(0);
    const inspected = cli('inspect', file, '--plugin', 'examples/plugins/fast-gelu.mjs');
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).toContain('FastGelu(%X, %bias)');
    const without = cli('check', file);
    expect(without.status).toBe(1);
    expect(without.stderr).toContain('custom domain: a plugin can provide it');
  });

  it('a missing plugin file is one error line', () => {
    const r = cli('compile', file, '-o', path.join(path.dirname(file), 'out'), '--plugin', 'no-such-plugin.mjs');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot load plugin 'no-such-plugin.mjs'/);
  });
});
