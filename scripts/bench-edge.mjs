#!/usr/bin/env node
// npm run bench:edge [-- --models a,b --seconds S --warmup N --bounds-checks --v8-flags="…" --request-path --write]
// Edge speed: each shared model deployed with the project's own Worker output (`onnx2wasm deploy
// --target worker`, one model per deployment) and served by workerd on loopback, one binary
// request at a time, alternating each request with the same compiled module run in this Node
// process. Prints p50s and the ratio workerd / Node; mlp shows the request overhead alone.
//   --bounds-checks   no workerd: the same module in two child processes, `node` and
//                     `node --wasm-enforce-bounds-checks`, alternating (what workerd's engine pays
//                     for explicit bounds checks, measurable without workerd)
//   --v8-flags="…"    workerd's v8Flags (config.capnp), for the experiments in docs/deploy.md
//   --request-path    also times the protocol handler alone on a 600 KB input (echo backend)
//   --write           puts the table in docs/benchmarks.md (section "Edge" or "Edge: bounds checks")
import { spawn, spawnSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { loadModel } from '@onnx2wasm/runtime';
import { loadNote, median } from './bench/stats.mjs';

const loadAtStart = os.loadavg()[0];
import { replaceSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'mlp,mobilenet_v2,squeezenet1_1,resnet18,shufflenet_v2_x1_0,transformer_enc' },
    seconds: { type: 'string', default: '1.5' },
    warmup: { type: 'string', default: '20' },
    'min-runs': { type: 'string', default: '15' },
    'bounds-checks': { type: 'boolean', default: false },
    'v8-flags': { type: 'string', default: '' },
    'request-path': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
const CLI = path.join(root, 'packages/compiler/dist/cli/main.js');
const index = modelIndex();
const names = args.models.split(',').filter(Boolean);
const v8Flags = args['v8-flags'].split(/\s+/).filter(Boolean);
const seconds = Number(args.seconds), warmup = Number(args.warmup), minRuns = Number(args['min-runs']);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-bench-edge-'));
const children = [];
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); fs.rmSync(tmp, { recursive: true, force: true }); });

const inputOf = (dims) => Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 0.5);

/** `onnx2wasm deploy` of a one-model repository; the module and weights files it wrote. */
function deploy(name) {
  const repo = path.join(tmp, name, 'repo'), out = path.join(tmp, name, 'worker');
  fs.mkdirSync(path.join(repo, name, '1'), { recursive: true });
  fs.copyFileSync(path.join(modelsDir, index[name].file), path.join(repo, name, '1', 'model.onnx'));
  // Local workerd enforces neither Cloudflare's 10 MB upload nor its 128 MB isolate, which the
  // larger shared models exceed (resnet18 both): measured here, they could not be deployed there.
  const r = spawnSync(process.execPath, [CLI, 'deploy', repo, '--target', 'worker', '-o', out, '--max-script-size', '1000MB', '--max-memory', '1000MB'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`deploy ${name} failed: ${r.stderr}`);
  const dir = path.join(out, 'models', name, '1');
  const files = fs.readdirSync(dir);
  const weights = files.find((f) => f.endsWith('.bin'));
  return { out, wasm: path.join(dir, files.find((f) => f.endsWith('.wasm'))), weights: weights && path.join(dir, weights) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** workerd serving the deployed folder, with v8Flags added to its config when asked for. */
async function startWorkerd(out) {
  let config = fs.readFileSync(path.join(out, 'config.capnp'), 'utf8');
  if (v8Flags.length) config = config.replace('const config :Workerd.Config = (', `$&\n  v8Flags = ${JSON.stringify(v8Flags)},`);
  fs.writeFileSync(path.join(out, 'bench.capnp'), config);
  const port = await freePort();
  const bin = createRequire(import.meta.url)('workerd').default;
  const proc = spawn(bin, ['serve', 'bench.capnp', '--socket-addr', `http=127.0.0.1:${port}`], { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = performance.now() + 60_000; ;) {
    try {
      if ((await fetch(`${url}/v2/health/live`)).ok) break;
    } catch { /* not listening yet */ }
    if (proc.exitCode !== null || performance.now() > deadline) throw new Error(`workerd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url, stop: () => proc.kill('SIGTERM') };
}

/** One binary inference request (binary data extension in and out); resolves to the output floats. */
function workerdSide(url, name, inputName, dims, data) {
  const header = new TextEncoder().encode(JSON.stringify({
    inputs: [{ name: inputName, shape: dims, datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }],
    parameters: { binary_data_output: true },
  }));
  const body = new Uint8Array(header.byteLength + data.byteLength);
  body.set(header);
  body.set(new Uint8Array(data.buffer), header.byteLength);
  const request = async () => {
    const res = await fetch(`${url}/v2/models/${name}/infer`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) } });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`workerd answered ${res.status}: ${new TextDecoder().decode(bytes)}`);
    const json = Number(res.headers.get('inference-header-content-length'));
    return new Float32Array(bytes.slice(json).buffer);
  };
  return { label: 'workerd', request, run: async () => { const t = performance.now(); await request(); return performance.now() - t; } };
}

/** The same module in a child process with `flags` (timed inside the child). */
async function childSide(label, flags, m, dims, data) {
  const child = fork(path.join(root, 'scripts/bench/edge-node-child.mjs'), { execArgv: flags, serialization: 'advanced' });
  children.push(child);
  const ask = (msg) => new Promise((resolve, reject) => {
    child.once('message', (r) => (r.type === 'error' ? reject(new Error(`${label}: ${r.message}`)) : resolve(r)));
    child.send(msg);
  });
  await ask({ type: 'load', wasm: m.wasm, weights: m.weights, dims, data });
  return { label, run: async () => (await ask({ type: 'run' })).ms };
}

/** Warm-up, then requests alternating between the sides (order rotating) until the slower side has ≥ seconds of them. */
async function alternate(sides) {
  for (let i = 0; i < warmup; i++) for (const s of sides) await s.run();
  const times = sides.map(() => []);
  for (let i = 0; times[0].length < minRuns || Math.max(...times.map((t) => t.reduce((a, b) => a + b, 0))) < seconds * 1000; i++) {
    for (let k = 0; k < sides.length; k++) {
      const j = (i + k) % sides.length;
      times[j].push(await sides[j].run());
    }
  }
  return times;
}

function maxRelDiff(a, b) {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return d / (m || 1);
}

const rows = [];
for (const name of names) {
  if (!index[name]) { console.error(`unknown model '${name}' (shared models: ${Object.keys(index).join(', ')})`); process.exit(2); }
  const dims = index[name].input_shape;
  const data = inputOf(dims);
  let m, sides, workerd;
  try {
    m = deploy(name);
  } catch (e) {
    console.log(`${name.padEnd(20)} failed: ${e.message.split('\n')[0]}`);
    rows.push({ model: name, error: e.message.split('\n')[0] });
    continue;
  }
  if (args['bounds-checks']) {
    sides = [await childSide('node --wasm-enforce-bounds-checks', ['--wasm-enforce-bounds-checks'], m, dims, data), await childSide('node', [], m, dims, data)];
  } else {
    const model = await loadModel({ wasm: fs.readFileSync(m.wasm), weights: m.weights ? fs.readFileSync(m.weights) : undefined });
    const inputName = model.inputs[0].name;
    const feeds = { [inputName]: { dtype: 'float32', dims, data } };
    const node = { label: 'node', run: async () => { const t = performance.now(); await model.run(feeds); return performance.now() - t; } };
    workerd = await startWorkerd(m.out);
    const w = workerdSide(workerd.url, name, inputName, dims, data);
    // The answer over the wire is the answer in Node: a benchmark of a wrong result measures nothing.
    const ref = Object.values(await model.run(feeds))[0].data;
    const diff = maxRelDiff(await w.request(), ref);
    if (!(diff <= 1e-4)) throw new Error(`${name}: workerd's answer differs from Node's by ${diff} (relative)`);
    sides = [w, node];
  }
  const times = await alternate(sides);
  const [a, b] = times.map(median);
  const row = { model: name, a, b, ratio: a / b, n: times[0].length };
  rows.push(row);
  console.log(`${name.padEnd(20)} ${sides[0].label} p50 ${a.toFixed(2).padStart(8)} ms  ${sides[1].label} p50 ${b.toFixed(2).padStart(8)} ms  ratio ${row.ratio.toFixed(2)}  (${row.n} each)`);
  workerd?.stop();
  for (const c of children.splice(0)) c.kill();
}

let requestPath = '';
if (args['request-path']) {
  // The protocol handler alone on a mobilenet-sized input (1×3×224×224 float32 = 602 KB) with a
  // backend that answers the input as its output: what parsing, copying and encoding cost.
  const { createHandler } = await import('@onnx2wasm/server/fetch');
  const dims = [1, 3, 224, 224];
  const spec = { name: 'x', dtype: 'float32', dims };
  const handler = createHandler({ backend: { models: [{ name: 'echo', version: 1, inputs: [spec], outputs: [{ ...spec, name: 'y' }] }], isReady: () => true, queueDepth: () => 0, infer: async (_n, _v, feeds) => ({ y: feeds.x }) } });
  const data = inputOf(dims);
  const header = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'x', shape: dims, datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }], parameters: { binary_data_output: true } }));
  const body = new Uint8Array(header.byteLength + data.byteLength);
  body.set(header);
  body.set(new Uint8Array(data.buffer), header.byteLength);
  const once = async () => {
    const t = performance.now();
    const res = await handler(new Request('http://x/v2/models/echo/infer', { method: 'POST', body, headers: { 'inference-header-content-length': String(header.byteLength) } }));
    await res.arrayBuffer();
    return performance.now() - t;
  };
  for (let i = 0; i < 50; i++) await once();
  const ts = [];
  for (let i = 0; i < 300; i++) ts.push(await once());
  requestPath = `Request path, 602 KB in and out (Node, echo backend): p50 ${median(ts).toFixed(3)} ms over ${ts.length} requests`;
  console.log(requestPath);
}

if (args.write) {
  const checks = args['bounds-checks'];
  const cmd = `npm run bench:edge${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const head = checks
    ? '| model | node --wasm-enforce-bounds-checks p50 ms | node p50 ms | ratio |'
    : `| model | workerd p50 ms | Node in-process p50 ms | ratio |`;
  const body = `${checks
    ? 'The same compiled module in two Node child processes, with and without `--wasm-enforce-bounds-checks` (the explicit bounds checks engines without guard regions, such as workerd, pay), alternating runs after warm-up; medians (p50).'
    : 'Each model deployed with `onnx2wasm deploy --target worker` (one model per deployment) and served by workerd ' + JSON.parse(fs.readFileSync(path.join(root, 'node_modules/workerd/package.json'), 'utf8')).version + ' on loopback, one binary request at a time after warm-up, alternating each request with the same compiled module run in this Node process; medians (p50). The workerd time is the client\'s whole request; mlp shows that overhead alone.'
  }${v8Flags.length ? ` workerd v8Flags: \`${v8Flags.join(' ')}\`.` : ''} The ratio is the first column over the second. ${os.cpus()[0]?.model ?? 'unknown CPU'}. ${loadNote(loadAtStart)} ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, \`${cmd}\`.

${head}
|---|---:|---:|---:|
${rows.map((r) => (r.error ? `| ${r.model} | failed: ${r.error.replace(/\|/g, '/')} | | |` : `| ${r.model} | ${r.a.toFixed(2)} | ${r.b.toFixed(2)} | ${r.ratio.toFixed(2)} |`)).join('\n')}${requestPath ? `\n\n${requestPath}.` : ''}`;
  replaceSection(path.join(root, 'docs/benchmarks.md'), checks ? 'Edge: bounds checks' : 'Edge', body);
  console.log('wrote docs/benchmarks.md');
}
process.exit(0);
