#!/usr/bin/env node
// The timings table of docs/deploy.md ("Measured"), measured rather than typed by hand:
//   node scripts/deploy-timings.mjs [--models a,b] [--starts N] [--sequential N] [--requests N] [--in-flight N] [--write]
// (after `npm run build`). Per model: compiled with `--target worker` twice (weights embedded in the
// .wasm, weights as a data module) and started in workerd --starts times each, alternately (start →
// listening, start → first answer); then the data-module deployment answers --sequential binary requests one
// at a time and --requests with --in-flight in flight. Then `--target browser` in the browser
// example (examples/browser) in Debian's Chromium: model ready on a first and a second visit (the
// weights then come from the Cache API) and the first and second run(). Every answer is compared
// with onnxruntime-node. --write replaces the block between the deploy-timings markers of
// docs/deploy.md, with the machine and the date; without it the table is only printed.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { chromium } from 'playwright-core';
import { median } from './bench/stats.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';
import { configCapnp } from '../packages/server/dist/worker/project-files.js';

const MODELS = ['mobilenet_v2', 'transformer_enc'];
const DOC = path.join(root, 'docs/deploy.md');
const START = '<!-- deploy-timings: written by node scripts/deploy-timings.mjs --write -->';
const END = '<!-- deploy-timings end -->';
const CLI = path.join(root, 'packages/compiler/dist/cli/main.js');
const CHROMIUM = process.env.ONNX2WASM_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TOLERANCE = 1e-4;

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: MODELS.join(',') },
    starts: { type: 'string', default: '3' },
    sequential: { type: 'string', default: '20' },
    requests: { type: 'string', default: '200' },
    'in-flight': { type: 'string', default: '16' },
    write: { type: 'boolean', default: false },
  },
});
const index = modelIndex();
const models = args.models.split(',').filter(Boolean);
for (const m of models) if (!index[m]) throw new Error(`unknown model ${m}; one of ${Object.keys(index).join(', ')}`);
const [starts, sequential, requests, inFlight] = [args.starts, args.sequential, args.requests, args['in-flight']].map(Number);
if (!fs.existsSync(CLI)) throw new Error('the CLI is not built: run `npm run build` first');
if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
const WORKERD = createRequire(import.meta.url)('workerd').default;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-deploy-timings-'));
const children = new Set();
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); fs.rmSync(tmp, { recursive: true, force: true }); });

const loadAtStart = os.loadavg()[0];
const ms = (x) => (x < 10 ? `${x.toFixed(1)} ms` : x < 1000 ? `${x.toFixed(0)} ms` : `${(x / 1000).toFixed(2)} s`);
function range(xs) {
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  if (xs.length === 1) return ms(lo);
  return hi < 1000 ? `${ms(lo).replace(' ms', '')}–${ms(hi)}` : `${ms(lo)}–${ms(hi)}`;
}
const sleep = (t) => new Promise((r) => setTimeout(r, t));

/** The compiled output must give onnxruntime-node's answer (relative to its largest value). */
function check(ours, ref, what) {
  let diff = 0, big = 0;
  for (let i = 0; i < ref.length; i++) { diff = Math.max(diff, Math.abs(ours[i] - ref[i])); big = Math.max(big, Math.abs(ref[i])); }
  if (ours.length !== ref.length || !(diff <= TOLERANCE * big)) throw new Error(`${what}: not onnxruntime-node's answer (${ours.length} vs ${ref.length} values, max diff ${diff} vs max |ref| ${big})`);
}

function compile(file, out, ...flags) {
  const r = spawnSync(process.execPath, [CLI, 'compile', file, '-o', out, ...flags], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnx2wasm compile ${path.basename(file)} ${flags.join(' ')} failed: ${r.stderr}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A folder workerd can serve: the example Worker and the model compiled for --target worker. */
function workerFolder(model, embed) {
  const dir = path.join(tmp, `${model}-${embed ? 'embedded' : 'data'}`);
  fs.cpSync(path.join(root, 'examples/worker-predict/src'), path.join(dir, 'src'), { recursive: true });
  compile(path.join(modelsDir, index[model].file), path.join(dir, 'model'), '--target', 'worker', ...(embed ? ['--embed-weights'] : []));
  const modules = fs.readdirSync(path.join(dir, 'model'), { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/')).filter((f) => /\.(js|wasm|bin)$/.test(f)).sort().map((f) => `model/${f}`);
  fs.writeFileSync(path.join(dir, 'config.capnp'), configCapnp('src/index.js', modules));
  return dir;
}

/** Starts workerd on `dir` and waits for GET /; the times from spawn to listening. */
async function startWorkerd(dir) {
  const port = await freePort();
  let log = '';
  const t0 = performance.now();
  const proc = spawn(WORKERD, ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${port}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => proc.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      await (await fetch(`${url}/`)).json();
      break;
    } catch (e) {
      if (proc.exitCode !== null || performance.now() - t0 > 60_000) throw new Error(`workerd did not answer: ${e.message}\n${log}`);
      await sleep(10);
    }
  }
  return {
    url, t0, listenMs: performance.now() - t0,
    async stop() { proc.kill('SIGTERM'); const k = setTimeout(() => proc.kill('SIGKILL'), 5000); await exited; clearTimeout(k); children.delete(proc); },
  };
}

async function predict(url, input) {
  const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream' }, body: input });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return new Float32Array(await res.arrayBuffer());
}

/** Cold starts of both deployments, alternated so that both see the same load; then the data module under load. */
async function measureWorkerd(model, input, ref) {
  const variants = [{ key: 'Embedded', dir: workerFolder(model, true) }, { key: 'Data', dir: workerFolder(model, false) }];
  const row = {};
  let warm;
  for (let i = 0; i < starts; i++) {
    for (const v of variants) {
      const w = await startWorkerd(v.dir);
      check(await predict(w.url, input), ref, `${model} in workerd, first answer`);
      (v.first ??= []).push(performance.now() - w.t0);
      (v.listen ??= []).push(w.listenMs);
      if (v.key === 'Data' && i === starts - 1) warm = w;
      else await w.stop();
    }
  }
  for (const v of variants) [row[`listen${v.key}`], row[`first${v.key}`]] = [range(v.listen), range(v.first)];
  // The data-module deployment, now warm: one request at a time, then many in flight.
  const seq = [];
  for (let j = 0; j < sequential; j++) {
    const t = performance.now();
    check(await predict(warm.url, input), ref, `${model} in workerd, request ${j}`);
    seq.push(performance.now() - t);
  }
  const lat = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < requests) {
      const t = performance.now();
      check(await predict(warm.url, input), ref, `${model} in workerd, concurrent request`);
      lat.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  row.sequential = ms(median(seq));
  row.concurrent = `all correct; ${(requests / seconds).toFixed(1)} requests/s, median latency ${ms(median(lat))}`;
  await warm.stop();
  return row;
}

/** A static server that forbids HTTP caching (a file not requested again came from the Cache API) and counts requests. */
function serveDir(dir) {
  const requests = new Map();
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.set(p, (requests.get(p) ?? 0) + 1);
    const file = path.join(dir, p);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`, requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}

async function measureChromium(model, input, ref) {
  const site = path.join(tmp, `${model}-site`), profile = path.join(tmp, `${model}-chromium`);
  fs.mkdirSync(site, { recursive: true });
  for (const f of ['index.html', 'main.js']) fs.copyFileSync(path.join(root, 'examples/browser', f), path.join(site, f));
  compile(path.join(modelsDir, index[model].file), path.join(site, 'model'), '--target', 'browser');
  const weights = `/model/${JSON.parse(fs.readFileSync(path.join(site, 'model/manifest.json'), 'utf8')).weights.file}`;
  const server = await serveDir(site);
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
  try {
    const visit = async () => {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => 'demo' in window, undefined, { timeout: 60_000 });
      const { loadMs } = await page.evaluate(() => window.demo.ready);
      const runs = [];
      for (let i = 0; i < 2; i++) {
        const out = await page.evaluate((values) => window.demo.run(values), Array.from(input));
        check(out.data, ref, `${model} in Chromium, run ${i + 1}`);
        runs.push(out.ms);
      }
      if (errors.length) throw new Error(`${model} in Chromium: ${errors.join('; ')}`);
      await page.close();
      return { loadMs, runs };
    };
    const first = await visit();
    const second = await visit();
    const fetched = server.requests.get(weights);
    return {
      readyFirst: `${ms(first.loadMs)} (weights fetched and stored in the Cache API)`,
      readySecond: `${ms(second.loadMs)} (${fetched === 1 ? 'weights from the Cache API; no request for them' : `weights requested ${fetched} times in two visits`})`,
      runs: `${ms(first.runs[0])} / ${ms(first.runs[1])}`,
    };
  } finally {
    await context.close();
    await server.close();
  }
}

const results = {};
for (const model of models) {
  const { input_shape: dims } = index[model];
  const input = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 0.5);
  const session = await ort.InferenceSession.create(path.join(modelsDir, index[model].file));
  const ref = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) }))[session.outputNames[0]].data;
  results[model] = { ...(await measureWorkerd(model, input, ref)), ...(await measureChromium(model, input, ref)) };
  console.error(`${model}: measured`);
}

const ROWS = [
  ['listenEmbedded', `workerd: start → listening, weights embedded in the \`.wasm\` (${starts} start${starts > 1 ? 's' : ''})`],
  ['listenData', 'workerd: start → listening, weights as a data module'],
  ['firstEmbedded', 'workerd: start → first prediction answered, weights embedded'],
  ['firstData', 'workerd: start → first prediction answered, weights as a data module'],
  ['sequential', `workerd (data module): one request at a time (binary in/out), median of ${sequential}`],
  ['concurrent', `workerd (data module): ${requests} requests, ${inFlight} in flight`],
  ['readyFirst', 'Chromium, `--target browser`: model ready, first visit'],
  ['readySecond', 'Chromium: model ready, second visit'],
  ['runs', 'Chromium: first / second `run()`'],
];
const cpus = os.cpus();
const machine = `${new Date().toISOString().slice(0, 10)}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ` +
  `load average ${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end`;
const table = [
  `Measured ${machine}.`,
  '',
  `| | ${models.join(' | ')} |`,
  `|---|${models.map(() => '---|').join('')}`,
  ...ROWS.map(([key, label]) => `| ${label} | ${models.map((m) => results[m][key]).join(' | ')} |`),
].join('\n');
console.log(table);

if (args.write) {
  const text = fs.readFileSync(DOC, 'utf8');
  const at = text.indexOf(START), end = text.indexOf(END);
  if (at < 0 || end < at) throw new Error(`${DOC} has no ${START} … ${END} block`);
  fs.writeFileSync(DOC, `${text.slice(0, at + START.length)}\n${table}\n${text.slice(end)}`);
  console.log(`wrote ${path.relative(root, DOC)}`);
}
process.exit(0);
