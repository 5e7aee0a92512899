// The Node side of npm run bench:edge when it must run with other V8 flags than the parent
// (--bounds-checks: `node --wasm-enforce-bounds-checks`): loads the same compiled module and
// weights, then times one run() per 'run' message and answers with the milliseconds.
import * as fs from 'node:fs';
import { loadModel } from '@onnx2wasm/runtime';

let model, feeds;
process.on('message', async (msg) => {
  try {
    if (msg.type === 'load') {
      model = await loadModel({ wasm: fs.readFileSync(msg.wasm), weights: msg.weights ? fs.readFileSync(msg.weights) : undefined });
      const [info] = model.inputs;
      feeds = { [info.name]: { dtype: 'float32', dims: msg.dims, data: new Float32Array(msg.data) } };
      process.send({ type: 'loaded' });
    } else if (msg.type === 'run') {
      const t = performance.now();
      await model.run(feeds);
      process.send({ type: 'ran', ms: performance.now() - t });
    }
  } catch (e) {
    process.send({ type: 'error', message: e.message });
  }
});
