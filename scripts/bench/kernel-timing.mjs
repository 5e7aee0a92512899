// Shared by the kernel benchmarks (bench-kernels.mjs, bench-winograd.mjs): load one generated
// module without the runtime, and time it in process CPU time.
import { makeTensor } from '@onnx2wasm/ir';
import { META_SECTION } from '@onnx2wasm/wasm-codegen';
import { hostImports } from '@onnx2wasm/runtime';

/**
 * Best of `iters` samples of process CPU time (not wall time: on a shared machine the wall clock
 * also counts the time this process waits for a core); each sample repeats f for at least 20 ms.
 */
export function bestCpuMs(f, iters) {
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  let min = Infinity;
  for (let k = 0; k < iters; k++) {
    const t = cpu();
    let reps = 0, dt = 0;
    do { f(); reps++; dt = cpu() - t; } while (dt < 20);
    min = Math.min(min, dt / reps);
  }
  return min;
}

/** A float32 tensor of deterministic values in [-0.5, 0.5). */
export function seededTensor(dims, seed) {
  const n = dims.reduce((a, b) => a * b, 1);
  let s = seed;
  return makeTensor('float32', dims, Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5));
}

/** Instantiates a generateModule result with its weights in place and init() done; returns its run(). */
export async function loadRun(gen) {
  const module = await WebAssembly.compile(gen.wasm);
  const instance = await WebAssembly.instantiate(module, hostImports(module));
  const meta = JSON.parse(new TextDecoder().decode(WebAssembly.Module.customSections(module, META_SECTION)[0]));
  if (!meta.weights.embedded) new Uint8Array(instance.exports.memory.buffer, meta.weights.offset, gen.weights.byteLength).set(gen.weights);
  instance.exports.init?.(); // filters the module transforms at load time (Winograd)
  return instance.exports.run;
}
