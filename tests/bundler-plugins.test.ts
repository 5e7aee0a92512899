// The bundler plugins end to end: a small web app (tests/fixtures/bundler-app) that does
// `import model from '…/mobilenet_v2.onnx'` is built with Vite + @onnx2wasm/vite and with esbuild +
// @onnx2wasm/esbuild, served from 127.0.0.1 and loaded in Debian's headless Chromium. Each build
// emits the wasm and the weights as hashed files, gives onnxruntime-node's answer, and a second page
// load takes the weights from the Cache API (the server forbids HTTP caching and counts requests).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, REPO_ROOT, maxDiff, runOrt, seededInput } from './support/models.js';
import { serveDir, type StaticServer } from './support/static-server.js';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumMissing } from './support/browsers.js';
import { compile } from 'onnx2wasm';
import { writeFiles } from './support/workerd.js';

const APP = path.join(REPO_ROOT, 'tests/fixtures/bundler-app');
const MODEL = path.join(MODELS_DIR, 'mobilenet_v2.onnx');
const DIMS = [1, 3, 224, 224];
const TOLERANCE = 1e-4;

interface Demo { ready: Promise<{ loadMs: number }>; run(values: number[]): Promise<{ dims: number[]; data: number[] }> }
declare const window: { demo: Demo };

/** Builds the app into `out` with one bundler; the plugins come from their built dist, as users get them. */
const BUILDS: Record<string, (out: string) => Promise<void>> = {
  vite: async (out) => {
    const { build } = await import('vite');
    const { default: onnx2wasm } = await import('@onnx2wasm/vite');
    await build({ root: APP, configFile: false, logLevel: 'error', plugins: [onnx2wasm()], build: { outDir: out, emptyOutDir: true } });
  },
  esbuild: async (out) => {
    const esbuild = await import('esbuild');
    const { default: onnx2wasm } = await import('@onnx2wasm/esbuild');
    await esbuild.build({ entryPoints: [path.join(APP, 'main.js')], bundle: true, format: 'esm', outdir: out, assetNames: '[name]-[hash]', plugins: [onnx2wasm()], logLevel: 'error' });
    fs.copyFileSync(path.join(APP, 'index.html'), path.join(out, 'index.html'));
  },
};

const skip = chromiumMissing();
if (skip) console.warn(`skipping tests/bundler-plugins.test.ts: ${skip}`);

let tmp: string;
let context: BrowserContext;
let input: Float32Array;
let reference: Float32Array;

beforeAll(async () => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-bundlers-'));
  input = seededInput(DIMS, 5);
  reference = (await runOrt(MODEL, { input: { dims: DIMS, data: input } })).output!.data;
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function openAndCompare(page: Page, server: StaticServer): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/index.html`);
  await page.waitForFunction(() => 'demo' in window, undefined, { timeout: 60_000 });
  await page.evaluate(() => window.demo.ready);
  const out = await page.evaluate((values) => window.demo.run(values), Array.from(input));
  expect(errors).toEqual([]);
  expect(out.dims).toEqual([1, 1000]);
  const { maxAbsDiff, maxAbsRef } = maxDiff(out.data, reference);
  expect(maxAbsDiff, `max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
}

describe.skipIf(skip).each(Object.keys(BUILDS))('a web app built with %s importing mobilenet_v2.onnx', (bundler) => {
  let out: string;
  let server: StaticServer;
  let wasmPath: string;
  let simdPath: string;
  let weightsPath: string;

  beforeAll(async () => {
    out = path.join(tmp, bundler);
    await BUILDS[bundler]!(out);
    server = await serveDir(out);
  }, 300_000);
  afterAll(async () => {
    await server?.close();
  });

  it('emits the wasm and the weights as hashed files', () => {
    const files = fs.readdirSync(out, { recursive: true }).map((f) => String(f).split(path.sep).join('/'));
    const wasm = files.filter((f) => f.endsWith('.wasm'));
    const weights = files.filter((f) => f.endsWith('.bin'));
    // The SIMD128 module and its relaxed-SIMD (FMA) build; the page fetches one of them.
    expect(wasm, files.join(', ')).toHaveLength(2);
    expect(weights, files.join(', ')).toHaveLength(1);
    // The bundler's content hash after the name (weights also keep compile()'s sha256 prefix).
    const simd = wasm.find((f) => /(^|\/)mobilenet_v2-[\w-]{8}\.wasm$/.test(f));
    const relaxed = wasm.find((f) => /(^|\/)mobilenet_v2\.relaxed-[\w-]{8}\.wasm$/.test(f));
    expect(simd, wasm.join(', ')).toBeDefined();
    expect(relaxed, wasm.join(', ')).toBeDefined();
    expect(weights[0]).toMatch(/(^|\/)mobilenet_v2\.[0-9a-f]{16}-[\w-]{8}\.bin$/);
    expect(fs.statSync(path.join(out, weights[0]!)).size).toBeGreaterThan(10_000_000);
    // Chromium runs relaxed SIMD, so that is the module the page loads.
    wasmPath = `/${relaxed}`;
    simdPath = `/${simd}`;
    weightsPath = `/${weights[0]}`;
  });

  it("gives onnxruntime-node's answer in Chromium", async () => {
    const page = await context.newPage();
    await openAndCompare(page, server);
    expect(server.requests.get(weightsPath)).toBe(1);
    await page.close();
  });

  it('a second page load takes the weights from the Cache API, not the server', async () => {
    const page = await context.newPage();
    await openAndCompare(page, server);
    expect(server.requests.get(weightsPath)).toBe(1);
    expect(server.requests.get(wasmPath)).toBe(2);
    expect(server.requests.get(simdPath)).toBeUndefined();
    // The cache key carries the weights' hash (the version), as for a --target browser folder.
    const sha256 = await page.evaluate(() => (window.demo as unknown as { weights: { sha256: string } }).weights.sha256);
    const keys = await page.evaluate(`caches.open('onnx2wasm').then((c) => c.keys()).then((ks) => ks.map((k) => k.url))`) as string[];
    expect(keys).toEqual([expect.stringMatching(new RegExp(`/mobilenet_v2\\.weights\\?sha256=${sha256}$`))]);
    await page.close();
  });
});

// Needs no browser: the default (universal) folder must bundle for the browser as it is.
describe('a compiled folder without a plugin', () => {
  it('the default (universal) glue bundles for the browser with esbuild: its Node-only import is left alone', async () => {
    const esbuild = await import('esbuild');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-universal-bundle-'));
    try {
      writeFiles(path.join(dir, 'out'), (await compile(path.join(REPO_ROOT, 'examples/tiny-mlp/model.onnx'))).files);
      fs.writeFileSync(path.join(dir, 'main.js'), "import { load } from './out/model.js';\nwindow.ready = load();\n");
      const r = await esbuild.build({ entryPoints: [path.join(dir, 'main.js')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
      expect(r.errors).toEqual([]);
      expect(r.outputFiles[0]!.text).toMatch(/["']node:fs\/promises["']/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('@onnx2wasm/vite under vite serve', () => {
  it('serves the compiled module and weights from the dev server', async () => {
    const { createServer } = await import('vite');
    const { default: onnx2wasm } = await import('@onnx2wasm/vite');
    const server = await createServer({ root: path.join(REPO_ROOT, 'tests/fixtures/bundler-dev'), configFile: false, logLevel: 'error', plugins: [onnx2wasm()], server: { port: 0, host: '127.0.0.1', fs: { allow: [REPO_ROOT] } } });
    try {
      await server.listen();
      const base = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
      const main = await (await fetch(`${base}/main.js`)).text();
      const modelUrl = /from "([^"]*model\.onnx\?[^"]*onnx2wasm[^"]*)"/.exec(main)?.[1];
      expect(modelUrl, main).toBeDefined();
      const glue = await (await fetch(new URL(modelUrl!, base))).text();
      const urls = [...glue.matchAll(/"(\/@onnx2wasm\/[0-9a-f]{16}\/[^"]+)"/g)].map((m) => m[1]!);
      const c = await compile(path.join(REPO_ROOT, 'examples/tiny-mlp/model.onnx'), { target: 'browser' });
      expect(urls.map((u) => u.split('/').pop()).sort()).toEqual(['model.relaxed.wasm', 'model.wasm', c.manifest.weights.file!].sort());
      for (const u of urls) {
        const res = await fetch(`${base}${u}`);
        expect(res.status).toBe(200);
        expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), Buffer.from(c.files[u.split('/').pop()!]!))).toBe(0);
      }
    } finally {
      await server.close();
    }
  });
});
