// compile() adds a relaxed-SIMD build next to the SIMD128 one (relaxedSimd 'both', the default); the
// runtime and the glue pick it only where the engine validates relaxed SIMD. Node 20 needs a flag for that, so
// the relaxed build runs in a child process started with --experimental-wasm-relaxed-simd, and must
// agree with the SIMD128 build within 1e-4 of the largest output (FMA rounds once instead of twice).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, relaxedSimdSupported } from '@onnx2wasm/runtime';
import { REPO_ROOT, seededInput, sharedModels } from './support/models.js';

const CHILD = path.join(REPO_ROOT, 'tests/support/relaxed-child.mjs');

describe('relaxed-SIMD build', () => {
  // Every shared model: the SIMD128 build matches onnxruntime-node (models.test.ts), this ties the relaxed one to it.
  for (const name of sharedModels().map((m) => m.name)) {
    it(`${name}: the relaxed build matches the SIMD128 build`, async () => {
      const m = sharedModels().find((s) => s.name === name)!;
      const c = await compile(m.file, { inputShapes: { input: m.inputShape }, relaxedSimd: 'both' });
      expect(c.relaxedWasm).toBeInstanceOf(Uint8Array);
      expect(c.files['model.relaxed.wasm']).toBe(c.relaxedWasm);
      expect(c.manifest.files['model.relaxed.wasm']?.bytes).toBe(c.relaxedWasm!.byteLength);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'o2w-relaxed-'));
      try {
        const data = seededInput(m.inputShape, 3);
        fs.writeFileSync(path.join(dir, 'model.wasm'), c.wasm);
        fs.writeFileSync(path.join(dir, 'model.relaxed.wasm'), c.relaxedWasm!);
        fs.writeFileSync(path.join(dir, 'model.weights'), c.weights);
        fs.writeFileSync(path.join(dir, 'input.bin'), new Uint8Array(data.buffer));
        fs.writeFileSync(path.join(dir, 'job.json'), JSON.stringify({ dims: m.inputShape }));
        const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', CHILD, dir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
        expect(r.status, r.stderr).toBe(0);
        const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { supported: boolean; maxAbsDiff: number; maxAbsRef: number };
        expect(res.supported).toBe(true);
        expect(res.maxAbsRef).toBeGreaterThan(0);
        expect(res.maxAbsDiff).toBeLessThanOrEqual(1e-4 * res.maxAbsRef);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }

  it('without relaxed SIMD the runtime loads the SIMD128 build', async () => {
    const m = sharedModels().find((s) => s.name === 'mlp')!;
    const c = await compile(m.file, { inputShapes: { input: m.inputShape }, relaxedSimd: 'both' });
    // This process has no flag: on Node 20 the probe fails and the relaxed bytes must not be compiled.
    if (relaxedSimdSupported()) return;
    const model = await loadModel({ wasm: c.wasm, relaxedWasm: new Uint8Array([0, 1, 2]), weights: c.weights });
    const out = await model.run({ input: { dtype: 'float32', dims: m.inputShape, data: seededInput(m.inputShape, 3) } });
    expect(Object.keys(out)).toHaveLength(1);
  });

  it('is the default, with its size in the summary; one module for target worker, embedded weights or relaxedSimd: false', async () => {
    const m = sharedModels().find((x) => x.name === 'mlp')!;
    const opts = { inputShapes: { input: m.inputShape } };
    const c = await compile(m.file, opts);
    expect(c.files['model.relaxed.wasm']).toBe(c.relaxedWasm);
    expect(c.summary.relaxedWasmBytes).toBe(c.relaxedWasm!.byteLength);
    // The glue reads the relaxed build only where relaxedSimdSupported() says the engine runs it.
    const glue = new TextDecoder().decode(c.files['model.js']);
    expect(glue).toContain('relaxedSimdSupported() ? new URL("./model.relaxed.wasm", import.meta.url) : new URL("./model.wasm", import.meta.url)');
    for (const single of [{ relaxedSimd: false }, { target: 'worker' as const }, { embedWeights: true }]) {
      const one = await compile(m.file, { ...opts, ...single });
      expect(Object.keys(one.files).filter((f) => f.endsWith('.wasm')), JSON.stringify(single)).toEqual(['model.wasm']);
      expect(one.relaxedWasm).toBeUndefined();
      expect(one.summary.relaxedWasmBytes).toBeUndefined();
      expect(new TextDecoder().decode(one.files['model.js'])).not.toContain('relaxed');
    }
    await expect(compile(m.file, { ...opts, target: 'worker', relaxedSimd: 'both' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/Worker bundle ships one module/) });
  }, 120_000);
});
