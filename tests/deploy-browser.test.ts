// The browser example (examples/browser) with mobilenet_v2 compiled for --target browser, in
// Debian's headless Chromium driven by playwright-core, served from 127.0.0.1: the result matches
// onnxruntime-node, a second page load takes the weights from the Cache API (the server counts the
// requests and forbids HTTP caching), and without the Cache API the page still works.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadModel } from '@onnx2wasm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, REPO_ROOT, maxDiff, runOrt, seededInput } from './support/models.js';
import { serveDir, type StaticServer } from './support/static-server.js';
import { CHROMIUM, CHROMIUM_FLAGS as FLAGS, chromiumMissing } from './support/browsers.js';

const skip = chromiumMissing();
if (skip) console.warn(`skipping tests/deploy-browser.test.ts: ${skip}`);

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');
const MODEL = path.join(MODELS_DIR, 'mobilenet_v2.onnx');
const DIMS = [1, 3, 224, 224];
const TOLERANCE = 1e-4;

interface Demo { ready: Promise<{ loadMs: number }>; run(values: number[]): Promise<{ dims: number[]; data: number[]; ms: number }> }
declare const window: { demo: Demo; caches?: unknown };

let site: string;
let userDataDir: string;
let server: StaticServer;
let context: BrowserContext;
let weightsPath: string;
let input: Float32Array;
let reference: Float32Array;

/** Opens the example page and waits for the model; returns the load time the page measured. */
async function openPage(page: Page): Promise<{ loadMs: number; navigationMs: number }> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = performance.now();
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => 'demo' in window, undefined, { timeout: 60_000 });
  const { loadMs } = await page.evaluate(() => window.demo.ready);
  expect(errors).toEqual([]);
  return { loadMs, navigationMs: performance.now() - t0 };
}

async function runAndCompare(page: Page): Promise<number> {
  const out = await page.evaluate((values) => window.demo.run(values), Array.from(input));
  expect(out.dims).toEqual([1, 1000]);
  const { maxAbsDiff, maxAbsRef } = maxDiff(out.data, reference);
  expect(maxAbsDiff, `max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
  return out.ms;
}

beforeAll(async () => {
  if (skip) return;
  if (!fs.existsSync(MAIN)) throw new Error('the CLI is not built: run `npm run build` first (`npm test` does)');
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-browser-'));
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-chromium-'));
  for (const f of ['index.html', 'main.js']) fs.copyFileSync(path.join(REPO_ROOT, 'examples/browser', f), path.join(site, f));
  const r = spawnSync(process.execPath, [MAIN, 'compile', MODEL, '-o', path.join(site, 'model'), '--target', 'browser'], { encoding: 'utf8', timeout: 180_000 });
  expect(r.status, r.stderr).toBe(0);
  const manifest = JSON.parse(fs.readFileSync(path.join(site, 'model/manifest.json'), 'utf8')) as { weights: { file: string } };
  weightsPath = `/model/${manifest.weights.file}`;
  input = seededInput(DIMS, 11);
  reference = (await runOrt(MODEL, { input: { dims: DIMS, data: input } })).output!.data;
  server = await serveDir(site);
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  for (const d of [site, userDataDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(skip)('browser example with mobilenet_v2 (--target browser)', () => {
  let first: { loadMs: number; navigationMs: number };

  it('loads the model from the local server and matches onnxruntime-node', async () => {
    const page = await context.newPage();
    first = await openPage(page);
    const runMs = await runAndCompare(page);
    // The first run also waits for the engine's optimizing compiler; the second shows the steady speed.
    const secondRunMs = await runAndCompare(page);
    expect(server.requests.get(weightsPath)).toBe(1);
    console.log(`browser first load: model ready ${first.loadMs.toFixed(0)} ms after the script started (page ${first.navigationMs.toFixed(0)} ms); first run ${runMs.toFixed(1)} ms, second run ${secondRunMs.toFixed(1)} ms`);
    await page.close();
  });

  it('a second page load takes the weights from the Cache API, not the server', async () => {
    const page = await context.newPage();
    const again = await openPage(page);
    await runAndCompare(page);
    expect(server.requests.get(weightsPath)).toBe(1);
    // Chromium runs relaxed SIMD, so the glue fetches the FMA build and never the SIMD128 one.
    expect(server.requests.get('/model/model.relaxed.wasm')).toBe(2);
    expect(server.requests.get('/model/model.wasm')).toBeUndefined();
    console.log(`browser cached load: model ready ${again.loadMs.toFixed(0)} ms (first load ${first.loadMs.toFixed(0)} ms), page ${again.navigationMs.toFixed(0)} ms`);
    await page.close();
  });

  it('without the Cache API the page still loads, from the network', async () => {
    const page = await context.newPage();
    await page.addInitScript(() => { delete window.caches; });
    await openPage(page);
    await runAndCompare(page);
    expect(server.requests.get(weightsPath)).toBe(2);
    await page.close();
  });

  it('the default (universal) output also loads in the browser', async () => {
    const r = spawnSync(process.execPath, [MAIN, 'compile', path.join(REPO_ROOT, 'examples/tiny-mlp/model.onnx'), '-o', path.join(site, 'universal')], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const page = await context.newPage();
    await page.goto(`${server.url}/index.html`);
    // A string, because vitest rewrites import() inside functions, and this one must run in the page.
    const out = (await page.evaluate(`(async () => {
      const { load } = await import('${server.url}/universal/model.js');
      const model = await load();
      return Array.from((await model.run({ input: { dtype: 'float32', dims: [1, 64], data: new Float32Array(64) } })).scores.data);
    })()`)) as number[];
    const dir = path.join(site, 'universal');
    const inNode = await loadModel({ wasm: fs.readFileSync(path.join(dir, 'model.wasm')), weights: fs.readFileSync(path.join(dir, 'model.weights.bin')) });
    const expected = (await inNode.run({ input: { dtype: 'float32', dims: [1, 64], data: new Float32Array(64) } })).scores!.data as Float32Array;
    // The page ran the relaxed-SIMD (FMA) build, Node 20 the SIMD128 one: fused rounding differs slightly.
    expect(server.requests.get('/universal/model.relaxed.wasm')).toBe(1);
    expect(out).toHaveLength(expected.length);
    const { maxAbsDiff, maxAbsRef } = maxDiff(out, expected);
    expect(maxAbsDiff).toBeLessThanOrEqual(1e-4 * maxAbsRef);
    expect(server.requests.get('/universal/model.weights.bin')).toBe(1);
    await page.close();
  });

  it('weights that do not match the compiled hash are refused with both hashes named', async () => {
    const file = path.join(site, weightsPath);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.reverse()); // same size, other content: a server with files of another compile
    const page = await context.newPage();
    await page.addInitScript(() => { delete window.caches; });
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.className === 'error', undefined, { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/is not the weights of this model \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
    await page.close();
  });
});
