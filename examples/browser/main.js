// The browser example: loads the model compiled into ./model (npx onnx2wasm compile <model.onnx>
// -o examples/browser/model --target browser), runs it on random input and shows the outputs.
// window.demo exposes the same steps to scripts (the deployment test drives the page through it).
import { WEIGHTS, load } from './model/model.js';

const $ = (id) => document.getElementById(id);
const count = (dims) => dims.reduce((a, d) => a * d, 1);
const size = (n) => (n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`);

function randomValues(n) {
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  return data;
}

function topK(data, k) {
  return Array.from(data, (v, i) => [i, v]).sort((a, b) => b[1] - a[1]).slice(0, k);
}

const started = performance.now();
const ready = load().then((model) => {
  const loadMs = performance.now() - started;
  $('status').textContent = `model loaded in ${loadMs.toFixed(0)} ms (weights ${WEIGHTS.file ?? 'embedded'}, ${size(WEIGHTS.bytes)})`;
  $('model').textContent = [...model.inputs.map((t) => `input  ${t.name} ${t.dtype}[${t.dims}]`), ...model.outputs.map((t) => `output ${t.name} ${t.dtype}[${t.dims}]`)].join('\n');
  $('run').disabled = false;
  return { model, loadMs };
});
ready.catch((e) => {
  $('status').textContent = `cannot load the model: ${e.message}`;
  $('status').className = 'error';
});

/** Runs the model on `values` (random when left out) for its one float32 input; returns the first output. */
async function run(values) {
  const { model } = await ready;
  const info = model.inputs[0];
  if (model.inputs.length !== 1 || info.dtype !== 'float32') throw new Error('this page feeds one float32 input');
  const data = values ? Float32Array.from(values) : randomValues(count(info.dims));
  const t0 = performance.now();
  const out = await model.run({ [info.name]: { dtype: 'float32', dims: info.dims, data } });
  const ms = performance.now() - t0;
  const first = out[model.outputs[0].name];
  $('result').textContent = `ran in ${ms.toFixed(1)} ms\n${model.outputs[0].name} ${first.dtype}[${first.dims}]\n` +
    `largest: ${topK(first.data, 5).map(([i, v]) => `#${i} ${v.toFixed(4)}`).join(', ')}`;
  return { dims: first.dims, data: Array.from(first.data), ms };
}

$('run').addEventListener('click', () => run().catch((e) => ($('result').textContent = e.message)));
window.demo = { ready: ready.then(({ loadMs }) => ({ loadMs })), run };
