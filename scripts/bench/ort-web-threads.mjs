// onnxruntime-web (wasm backend) with a given number of threads, driven from Node. Its thread
// count is process-wide (ort.env.wasm.numThreads is read when its wasm loads), so a process
// measures one thread count: bench-threads.mjs runs one child per count.
import * as ort from 'onnxruntime-web';

export async function createOrtWebThreads(modelBytes, threads) {
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return {
    run: (name, dims, data) => session.run({ [name]: new ort.Tensor('float32', data, dims) }),
    release: () => session.release(),
  };
}
