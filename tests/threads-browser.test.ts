// Threaded builds in Debian's Chromium (docs/threads.md): transformer_enc compiled for --target
// browser with threads, loaded by its glue with load({ threads: 2 }). A page served with COOP/COEP
// headers (cross-origin isolated) runs it on 2 threads (a Web Worker and the page); a plain page
// has no SharedArrayBuffer and runs the 1-thread build, with the reason in model.info. Both give
// the 1-thread output of Node within 1e-5 relative.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { MODELS_DIR, maxDiff, seededInput } from './support/models.js';
import { serveDir, type StaticServer } from './support/static-server.js';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumMissing } from './support/browsers.js';

const skip = chromiumMissing();
if (skip) console.warn(`skipping tests/threads-browser.test.ts: ${skip}`);

const DIMS = [1, 128, 256];
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const PAGE = `<!doctype html><script type="module">
import { load } from './model.js';
window.runThreaded = async (values) => {
  const model = await load({ threads: 2 });
  const out = await model.run({ input: { dtype: 'float32', dims: ${JSON.stringify(DIMS)}, data: Float32Array.from(values) } });
  model.dispose();
  const y = Object.values(out)[0];
  return { info: model.info, isolated: self.crossOriginIsolated, dims: y.dims, data: Array.from(y.data) };
};
</script>`;

interface PageResult { info: { threads: number; reason?: string }; isolated: boolean; dims: number[]; data: number[] }
declare const window: { runThreaded(values: number[]): Promise<PageResult> };

let dir: string;
let isolated: StaticServer, plain: StaticServer;
let browser: Browser;
let input: Float32Array;
let expected: Float32Array;

describe.skipIf(!!skip)('threaded builds in Chromium', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-threads-'));
    const c = await compile(path.join(MODELS_DIR, 'transformer_enc.onnx'), { target: 'browser', threads: 2 });
    for (const [f, bytes] of Object.entries(c.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), bytes);
    }
    fs.writeFileSync(path.join(dir, 'index.html'), PAGE);
    input = seededInput(DIMS, 5);
    const one = await loadModel({ wasm: c.wasm, weights: c.weights });
    expected = Object.values(await one.run({ input: { dtype: 'float32', dims: DIMS, data: input } }))[0]!.data as Float32Array;
    [isolated, plain] = await Promise.all([serveDir(dir, ISOLATION), serveDir(dir)]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([isolated?.close(), plain?.close()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const runIn = async (server: StaticServer): Promise<PageResult> => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => 'runThreaded' in window, undefined, { timeout: 30_000 });
    const result = await page.evaluate((values) => window.runThreaded(values), Array.from(input));
    await page.close();
    expect(errors).toEqual([]);
    const { maxAbsDiff, maxAbsRef } = maxDiff(result.data, expected);
    expect(maxAbsRef).toBeGreaterThan(0);
    expect(maxAbsDiff).toBeLessThanOrEqual(1e-5 * maxAbsRef);
    return result;
  };

  it('a cross-origin isolated page runs the threaded build on 2 threads', async () => {
    const r = await runIn(isolated);
    expect(r.isolated).toBe(true);
    expect(r.info).toEqual({ threads: 2 });
    // The threaded module was fetched, and the workers started from an inline script (no file).
    expect(isolated.requests.get('/model.threads.wasm')).toBe(1);
  }, 60_000);

  it('a page without cross-origin isolation runs one thread and says why', async () => {
    const r = await runIn(plain);
    expect(r.isolated).toBe(false);
    expect(r.info.threads).toBe(1);
    expect(r.info.reason).toMatch(/SharedArrayBuffer|cross-origin isolated/);
    expect(plain.requests.get('/model.threads.wasm')).toBeUndefined(); // not downloaded for nothing
  }, 60_000);
});
