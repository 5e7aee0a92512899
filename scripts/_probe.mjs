import { compile } from 'onnx2wasm';
const f = process.argv[2];
const t0 = performance.now();
try { const c = await compile(f); console.log('OK', c.summary.nodes, 'nodes'); } catch (e) { console.log('ERR', e.constructor.name, e.code, String(e.message).slice(0, 300)); }
console.log(((performance.now() - t0) / 1000).toFixed(1), 's', (process.resourceUsage().maxRSS / 1024).toFixed(0), 'MB');
