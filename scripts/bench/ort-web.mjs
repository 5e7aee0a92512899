// onnxruntime-web (wasm backend, one thread) driven from Node, for side-by-side timing.
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.wasm.simd = true;
ort.env.logLevel = 'error';

export async function createOrtWeb(modelBytes) {
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return {
    async run(name, dims, data) {
      const out = await session.run({ [name]: new ort.Tensor('float32', data, dims) });
      return out;
    },
    release: () => session.release(),
  };
}
