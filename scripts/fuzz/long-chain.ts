// node --import ./scripts/fuzz/ts-loader.mjs scripts/fuzz/long-chain.ts [N=100000] [op=Relu|Add]
// The long-chain budget of issue #19 at full size: compiles N chained elementwise nodes and prints
// the outcome, the time and the peak RSS (the target: compiled or a typed error within 60 s and
// 2 GB). Too slow for a fuzz case's time limit on a loaded machine, so it runs on its own.
import { compile } from 'onnx2wasm';
import { chainOf } from './hostile-models.js';

const n = Number(process.argv[2] ?? 100_000);
const op = (process.argv[3] ?? 'Relu') as 'Relu' | 'Add';
const bytes = chainOf(n, op);
const t0 = performance.now();
let outcome: string;
try {
  const c = await compile(bytes);
  outcome = `compiled: ${c.summary.nodes} IR nodes, ${c.wasm.byteLength} bytes of wasm`;
} catch (e) {
  outcome = `${(e as { code?: string }).code ?? 'UNTYPED'}: ${(e as Error).message.slice(0, 200)}`;
}
const s = (performance.now() - t0) / 1000;
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`${n} × ${op}: ${outcome}; ${s.toFixed(1)} s, peak RSS ${rss.toFixed(0)} MiB`);
process.exit(s <= 60 && rss <= 2048 ? 0 : 1);
