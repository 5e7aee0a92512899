// The int8 rows of bench:kernels: the integer QLinearConv kernels (kernels/int8 of wasm-codegen) on
// the float rows' shapes, next to the peak of an i32x4.dot_i16x8_s loop sampled alternately with
// each kernel. GOP/s counts a multiply-add as 2 operations, like the float rows' GFLOP/s.
import { inferNode, makeTensor } from '@onnx2wasm/ir';
import { WasmModuleBuilder, generateModule } from '@onnx2wasm/wasm-codegen';
import { loadRun } from './kernel-timing.mjs';

/**
 * 12 independent chains of acc = dot_i16x8_s(acc, b) + a: 16 operations per chain per step. Each
 * dot reads its chain's accumulator (bits reused as i16 lanes), so the engine cannot hoist it
 * out of the loop; 12 chains cover the dot's latency.
 */
function buildDotPeak() {
  const mod = new WasmModuleBuilder({ relaxed: false });
  const fn = mod.fn('run', ['i32']);
  const n = fn.param(0), i = fn.local('i32');
  const acc = Array.from({ length: 12 }, () => fn.local('v128'));
  const a = fn.local('v128'), b = fn.local('v128');
  fn.finish([
    a.set(fn.simd('i16x8', 'splat', fn.i(3))), b.set(fn.simd('i16x8', 'splat', fn.i(-5))),
    ...acc.map((x, k) => x.set(fn.visplat(k))),
    fn.for(i, 0, n.get(), 1, acc.map((x) => x.set(fn.viadd(fn.simd('i32x4', 'dot_i16x8_s', x.get(), b.get()), a.get())))),
    fn.vstore(0, acc.slice(1).reduce((s, x) => fn.viadd(s, x.get()), acc[0].get())),
  ]);
  mod.exportFunction('run');
  mod.setMemory(1, []);
  const bytes = mod.emitBinary();
  mod.dispose();
  return bytes;
}

export async function dotPeakLoop(scale) {
  const steps = Math.max(1000, Math.round(2e6 * scale));
  const { instance } = await WebAssembly.instantiate(buildDotPeak());
  const run = instance.exports.run;
  run(steps);
  return { run: () => run(steps), flops: steps * 12 * 16 };
}

/** A one-node QLinearConv graph: uint8 activations, per-channel int8 weights, int32 bias. */
function qconvGraph(C, M, H, k, group) {
  const g = { name: 'kernel', inputs: ['x0'], outputs: ['y0'], nodes: [], types: new Map(), constants: new Map() };
  let s = 7;
  const bytes = (n, lo, hi) => Array.from({ length: n }, () => lo + ((s = (s * 1103515245 + 12345) >>> 0) % (hi - lo + 1)));
  const consts = [
    ['x_scale', makeTensor('float32', [], [0.02])],
    ['x_zero_point', makeTensor('uint8', [], [128])],
    ['w', makeTensor('int8', [M, C / group, k, k], bytes(M * (C / group) * k * k, -64, 63))],
    ['w_scale', makeTensor('float32', [M], new Array(M).fill(0.004))],
    ['w_zero_point', makeTensor('int8', [M], new Array(M).fill(0))],
    ['y_scale', makeTensor('float32', [], [0.05])],
    ['y_zero_point', makeTensor('uint8', [], [128])],
    ['b', makeTensor('int32', [M], bytes(M, -1000, 1000))],
  ];
  g.types.set('x0', { dtype: 'uint8', shape: [1, C, H, H] });
  for (const [name, t] of consts) { g.constants.set(name, t); g.types.set(name, { dtype: t.dtype, shape: t.dims }); }
  const node = { name: 'QLinearConv_0', op: 'QLinearConv', inputs: ['x0', ...consts.map(([n]) => n)], outputs: ['y0'], attrs: { kernel_shape: [k, k], pads: Array(4).fill((k - 1) / 2), strides: [1, 1], dilations: [1, 1], group } };
  inferNode(g, node);
  g.nodes.push(node);
  return g;
}

/**
 * A one-node ScaledMatMulInteger graph (what quantize_dynamic's MatMulInteger → Cast → Mul → Add
 * becomes): uint8 activations with a run-time zero point and scale, int8 weights, float32 bias.
 */
function qmatmulGraph(M, K, N) {
  const g = { name: 'kernel', inputs: ['a', 'scale', 'za'], outputs: ['y0'], nodes: [], types: new Map(), constants: new Map() };
  let s = 11;
  const bytes = (n, lo, hi) => Array.from({ length: n }, () => lo + ((s = (s * 1103515245 + 12345) >>> 0) % (hi - lo + 1)));
  g.types.set('a', { dtype: 'uint8', shape: [M, K] });
  g.types.set('scale', { dtype: 'float32', shape: [] });
  g.types.set('za', { dtype: 'uint8', shape: [] });
  for (const [name, t] of [['w', makeTensor('int8', [K, N], bytes(K * N, -127, 127))], ['bias', makeTensor('float32', [N], bytes(N, -100, 100).map((v) => v / 100))]]) {
    g.constants.set(name, t); g.types.set(name, { dtype: t.dtype, shape: t.dims });
  }
  const node = { name: 'ScaledMatMulInteger_0', op: 'ScaledMatMulInteger', inputs: ['a', 'w', 'scale', 'za', '', 'bias'], outputs: ['y0'], attrs: {} };
  inferNode(g, node);
  g.nodes.push(node);
  return g;
}

/** The int8 cases, on the float rows' shapes (sz scales them like the float rows). */
export function int8Cases(sz) {
  const qconv = (C, M, H, k, group = 1) => ({ graph: () => qconvGraph(C, M, H, k, group), flops: 2 * M * (C / group) * k * k * H * H });
  return [
    { name: `int8 conv 3x3 ${sz(64)}->${sz(64)} @ ${sz(56)}x${sz(56)}`, ...qconv(sz(64), sz(64), sz(56), 3) },
    { name: `int8 conv 1x1 ${sz(128)}->${sz(512)} @ ${sz(28)}x${sz(28)}`, ...qconv(sz(128), sz(512), sz(28), 1) },
    { name: `int8 depthwise 3x3 ${sz(32)}ch @ ${sz(112)}x${sz(112)}`, ...qconv(sz(32), sz(32), sz(112), 3, sz(32)) },
    { name: `int8 matmul ${sz(128)}x${sz(256)} · ${sz(256)}x${sz(1024)} (float out)`, graph: () => qmatmulGraph(sz(128), sz(256), sz(1024)), flops: 2 * sz(128) * sz(256) * sz(1024) },
  ];
}

/** Times each int8 case alternately with the dot-product peak; returns table rows. */
export async function int8Rows(sz, scale, alternate) {
  const peak = await dotPeakLoop(scale);
  const rows = [];
  for (const c of int8Cases(sz)) {
    const run = await loadRun(generateModule(c.graph(), {}));
    run();
    const t = alternate(run, peak);
    rows.push({ name: c.name, ms: t.kernelMs, gops: c.flops / t.kernelMs / 1e6, peak: t.peakGflops });
  }
  return rows;
}
