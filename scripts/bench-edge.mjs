#!/usr/bin/env node
// npm run bench:edge [-- --models a,b --seconds S --warmup N --repeat N --bounds-checks --compute --no-relaxed-simd --v8-flags="…" --request-path --write]
// Edge speed: each shared model deployed with the project's own Worker output (`onnx2wasm deploy
// --target worker`, one model per deployment) and served by workerd on loopback, one binary
// request at a time, alternating each request with the same compiled module run in this Node
// process as `serve` loads it (the relaxed-SIMD build where this Node runs it, else SIMD128; the
// Worker ships the relaxed-SIMD build, which workerd runs). Prints p50s and the ratio workerd /
// Node; mlp shows the request overhead alone.
//   --repeat N        N rounds per model (fresh processes each); the median of the rounds' ratios
//   --bounds-checks   no workerd: the SIMD128 module in two child processes, `node` and
//                     `node --wasm-enforce-bounds-checks`, alternating (what workerd's engine pays
//                     for explicit bounds checks, measurable without workerd)
//   --compute         also times run() alone inside workerd: a bench Worker running the deployed
//                     module k times per request, (t(6 runs) - t(1 run)) / 5, next to the same
//                     difference of Node's run()s
//   --no-relaxed-simd deploy the SIMD128 module to workerd (the Worker's opt-out)
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
import { loadModel, relaxedSimdSupported } from '@onnx2wasm/runtime';
import { loadNote, median } from './bench/stats.mjs';

const loadAtStart = os.loadavg()[0];
import { replaceSection } from './bench/doc-section.mjs';
import { modelIndex, modelsDir, root } from './bench/models.mjs';
import { configCapnp } from '../packages/server/dist/worker/project-files.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'mlp,mobilenet_v2,squeezenet1_1,resnet18,shufflenet_v2_x1_0,transformer_enc' },
    seconds: { type: 'string', default: '1.5' },
    warmup: { type: 'string', default: '20' },
    'min-runs': { type: 'string', default: '15' },
    'bounds-checks': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
    compute: { type: 'boolean', default: false },
    'no-relaxed-simd': { type: 'boolean', default: false },
    'v8-flags': { type: 'string', default: '' },
    'request-path': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
const CLI = path.join(root, 'packages/compiler/dist/cli/main.js');
const index = modelIndex();
const names = args.models.split(',').filter(Boolean);
const v8Flags = args['v8-flags'].split(/\s+/).filter(Boolean);
const seconds = Number(args.seconds), warmup = Number(args.warmup), minRuns = Number(args['min-runs']), repeat = Math.max(1, Number(args.repeat));
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
  const r = spawnSync(process.execPath, [CLI, 'deploy', repo, '--target', 'worker', '-o', out, '--max-script-size', '1000MB', '--max-memory', '1000MB', ...(args['no-relaxed-simd'] ? ['--no-relaxed-simd'] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`deploy ${name} failed: ${r.stderr}`);
  const dir = path.join(out, 'models', name, '1');
  const files = fs.readdirSync(dir);
  const weights = files.find((f) => f.endsWith('.bin'));
  // The repository's builds of the version: what serve loads in Node (the deployed module is one of them).
  const compiled = path.join(repo, name, '1', 'compiled');
  const relaxed = path.join(compiled, 'model.relaxed.wasm');
  return {
    out, wasm: path.join(dir, files.find((f) => f.endsWith('.wasm'))), weights: weights && path.join(dir, weights),
    simd128: path.join(compiled, 'model.wasm'), relaxedWasm: fs.existsSync(relaxed) ? relaxed : undefined,
  };
}

/** Which build a module file is: a relaxed-SIMD module fails to validate where relaxed SIMD is off. */
const buildOf = (file) => (file.endsWith('.relaxed.wasm') ? 'relaxed SIMD' : 'SIMD128');

/**
 * The deployed module and weights in a bench Worker of their own that runs run() `k` times per
 * request (`/?k=`): t(6) - t(1) over 5 is run() alone in workerd, without the HTTP request.
 */
async function computeInWorkerd(m, dims) {
  const dir = path.join(tmp, 'compute-' + path.basename(path.dirname(path.dirname(m.wasm))));
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(m.wasm, path.join(dir, 'model.wasm'));
  if (m.weights) fs.copyFileSync(m.weights, path.join(dir, 'model.bin'));
  const entry = `import { loadModel, relaxedSimdSupported } from '@onnx2wasm/runtime';
import wasm from './model.wasm';
${m.weights ? "import weights from './model.bin';" : 'const weights = undefined;'}
const dims = ${JSON.stringify(dims)};
const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 0.5);
let model;
export default { async fetch(req) {
  model ??= await loadModel({ wasm, weights });
  const feeds = { [model.inputs[0].name]: { dtype: 'float32', dims, data } };
  await req.arrayBuffer();
  const k = Number(new URL(req.url).searchParams.get('k'));
  for (let i = 0; i < k; i++) await model.run(feeds);
  return new Response('ok');
} };`;
  const { build } = await import('esbuild');
  await build({ stdin: { contents: entry, resolveDir: root, loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', outfile: path.join(dir, 'worker.js'), logLevel: 'silent', plugins: [{ name: 'modules', setup: (b) => b.onResolve({ filter: /\.(wasm|bin)$/ }, (a) => ({ path: a.path, external: true })) }] });
  fs.writeFileSync(path.join(dir, 'config.capnp'), configCapnp('worker.js', ['model.wasm', ...(m.weights ? ['model.bin'] : [])]));
  const w = await startWorkerd(dir);
  const request = (k, body) => async () => {
    const t = performance.now();
    const r = await fetch(`${w.url}/?k=${k}`, body ? { method: 'POST', body } : {});
    if (r.status !== 200) throw new Error(`bench Worker answered ${r.status}: ${await r.text()}`);
    await r.text();
    return performance.now() - t;
  };
  // No run, but a body of the inference request's size: the HTTP round trip alone.
  const http = new Uint8Array(dims.reduce((a, b) => a * b, 4) + 200);
  return { stop: w.stop, one: { label: 'workerd 1 run', run: request(1) }, six: { label: 'workerd 6 runs', run: request(6) }, http: { label: 'workerd no run', run: request(0, http) } };
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
  let m;
  try {
    m = deploy(name);
  } catch (e) {
    console.log(`${name.padEnd(20)} failed: ${e.message.split('\n')[0]}`);
    rows.push({ model: name, error: e.message.split('\n')[0] });
    continue;
  }
  const rounds = [];
  let workerd, node, builds;
  if (!args['bounds-checks']) {
    // Node runs the version as `serve` loads it: loadModel picks the relaxed build where this engine runs it.
    const model = await loadModel({ wasm: fs.readFileSync(m.simd128), relaxedWasm: m.relaxedWasm && fs.readFileSync(m.relaxedWasm), weights: m.weights ? fs.readFileSync(m.weights) : undefined });
    const feeds = { [model.inputs[0].name]: { dtype: 'float32', dims, data } };
    const runs = (k) => async () => { const t = performance.now(); for (let i = 0; i < k; i++) await model.run(feeds); return performance.now() - t; };
    node = { label: 'node', run: runs(1), six: { label: 'node 6 runs', run: runs(6) } };
    builds = { workerd: buildOf(m.wasm), node: m.relaxedWasm && relaxedSimdSupported() ? 'relaxed SIMD' : 'SIMD128' };
    workerd = await startWorkerd(m.out);
    const w = workerdSide(workerd.url, name, model.inputs[0].name, dims, data);
    // The answer over the wire is the answer in Node (the two builds agree within 1e-4): a benchmark of a wrong result measures nothing.
    const ref = Object.values(await model.run(feeds))[0].data;
    const diff = maxRelDiff(await w.request(), ref);
    if (!(diff <= 1e-4)) throw new Error(`${name}: workerd's answer differs from Node's by ${diff} (relative)`);
    for (let r = 0; r < repeat; r++) rounds.push(await alternate([w, node]));
    workerd.stop();
  } else {
    for (let r = 0; r < repeat; r++) {
      const sides = [await childSide('node --wasm-enforce-bounds-checks', ['--wasm-enforce-bounds-checks'], { ...m, wasm: m.simd128 }, dims, data), await childSide('node', [], { ...m, wasm: m.simd128 }, dims, data)];
      rounds.push(await alternate(sides));
      for (const c of children.splice(0)) c.kill();
    }
  }
  const ratios = rounds.map((t) => median(t[0]) / median(t[1]));
  const mid = rounds[ratios.indexOf(median(ratios))] ?? rounds[0];
  const row = { model: name, a: median(mid[0]), b: median(mid[1]), ratio: median(ratios), ratios, n: mid[0].length, builds };
  if (args.compute && !args['bounds-checks']) {
    const c = await computeInWorkerd(m, dims);
    // Both sides the same way: back-to-back runs are warmer than a run after the other side's.
    const [six, one, nodeSix, nodeOne, http] = await alternate([c.six, c.one, node.six, node, c.http]);
    c.stop();
    row.compute = { workerd: (median(six) - median(one)) / 5, node: (median(nodeSix) - median(nodeOne)) / 5, http: median(http) };
  }
  rows.push(row);
  const labels = args['bounds-checks'] ? ['node --wasm-enforce-bounds-checks', 'node'] : [`workerd (${builds.workerd})`, `node (${builds.node})`];
  console.log(`${name.padEnd(20)} ${labels[0]} p50 ${row.a.toFixed(2).padStart(8)} ms  ${labels[1]} p50 ${row.b.toFixed(2).padStart(8)} ms  ratio ${row.ratio.toFixed(2)}${repeat > 1 ? ` (median of ${ratios.map((x) => x.toFixed(2)).join(', ')})` : ''}  (${row.n} each)`);
  if (row.compute) console.log(`${''.padEnd(20)} run() alone: workerd ${row.compute.workerd.toFixed(2)} ms, node ${row.compute.node.toFixed(2)} ms, ratio ${(row.compute.workerd / row.compute.node).toFixed(2)}; the rest of a workerd request: ${(row.a - row.compute.workerd).toFixed(2)} ms, of which an HTTP round trip with a body of this size: ${row.compute.http.toFixed(2)} ms`);
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
  const ok = rows.filter((r) => !r.error);
  const compute = ok.some((r) => r.compute);
  const rounds = repeat > 1 ? ` Each model ran ${repeat} rounds; the ratio is the median of the rounds' ratios (listed), the p50s are those of the median round.` : '';
  const head = checks
    ? '| model | node --wasm-enforce-bounds-checks p50 ms | node p50 ms | ratio |'
    : `| model | workerd p50 ms | Node in-process p50 ms | ratio |${compute ? ' run() in workerd ms | run() in Node ms | ratio | rest of the request ms | HTTP alone ms |' : ''}`;
  const cells = (r) => {
    if (r.error) return `| ${r.model} | failed: ${r.error.replace(/\|/g, '/')} | | |${compute ? ' | | | | |' : ''}`;
    const ratio = `${r.ratio.toFixed(2)}${r.ratios.length > 1 ? ` (${r.ratios.map((x) => x.toFixed(2)).join(', ')})` : ''}`;
    const c = r.compute ? ` ${r.compute.workerd.toFixed(2)} | ${r.compute.node.toFixed(2)} | ${(r.compute.workerd / r.compute.node).toFixed(2)} | ${(r.a - r.compute.workerd).toFixed(2)} | ${r.compute.http.toFixed(2)} |` : compute ? ' | | | | |' : '';
    return `| ${r.model} | ${r.a.toFixed(2)} | ${r.b.toFixed(2)} | ${ratio} |${c}`;
  };
  const builds = ok[0]?.builds;
  const body = `${checks
    ? 'The SIMD128 module of each model in two Node child processes, with and without `--wasm-enforce-bounds-checks` (the explicit bounds checks engines without guard regions, such as workerd, pay), alternating runs after warm-up; medians (p50).'
    : 'Each model deployed with `onnx2wasm deploy --target worker` (one model per deployment) and served by workerd ' + JSON.parse(fs.readFileSync(path.join(root, 'node_modules/workerd/package.json'), 'utf8')).version + ` on loopback, one binary request at a time after warm-up, alternating each request with the same model run in this Node process as \`serve\` loads it; medians (p50). workerd ran the ${builds?.workerd ?? ''} build, Node the ${builds?.node ?? ''} build. The workerd time is the client's whole request; mlp shows that overhead alone.${compute ? ' run() alone in workerd: the same module in a bench Worker that runs it k times per request, (p50 of 6 runs − p50 of 1) / 5, alternating with the same difference of Node\'s run()s; HTTP alone: a request with a body of the input\'s size that runs nothing.' : ''}`
  }${v8Flags.length ? ` workerd v8Flags: \`${v8Flags.join(' ')}\`.` : ''} The ratio is the first column over the second.${rounds} ${os.cpus()[0]?.model ?? 'unknown CPU'}. ${loadNote(loadAtStart)} ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, \`${cmd}\`.

${head}
|---|---:|---:|---:|${!checks && compute ? '---:|---:|---:|---:|---:|' : ''}
${rows.map(cells).join('\n')}${requestPath ? `\n\n${requestPath}.` : ''}`;
  replaceSection(path.join(root, 'docs/benchmarks.md'), checks ? 'Edge: bounds checks' : 'Edge', body);
  console.log('wrote docs/benchmarks.md');
}
process.exit(0);
