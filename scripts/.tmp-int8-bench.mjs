import { int8Rows } from './bench/int8-kernels.mjs';
import { bestCpuMs } from './bench/kernel-timing.mjs';
const alternate = (kernel, peak) => { let k = Infinity, p = Infinity; for (let i = 0; i < 4; i++) { p = Math.min(p, bestCpuMs(peak.run, 1)); k = Math.min(k, bestCpuMs(kernel, 1)); } return { kernelMs: k, peakGflops: peak.flops / p / 1e6 }; };
for (const r of await int8Rows((n) => n, 1, alternate)) console.log(r.name, r.ms.toFixed(2), r.gops.toFixed(1), r.peak.toFixed(1));
