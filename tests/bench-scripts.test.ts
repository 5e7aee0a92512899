// Smoke runs of the benchmark scripts (tiny sizes, one run, nothing written): they must keep
// working, but their numbers are never asserted — benchmarks are scripts, not timed tests.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/models.js';

function script(name: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', name), ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('benchmark scripts', () => {
  it('bench-kernels runs at a tiny scale', () => {
    const r = script('bench-kernels.mjs', '--scale', '0.1', '--iters', '1', '--no-write');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/GFLOP\/s/);
  }, 130_000);
  it('bench runs the mlp once', () => {
    const r = script('bench.mjs', '--models', 'mlp', '--runs', '1', '--warmup', '0', '--warmup-ms', '0', '--no-write');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/mlp .* ratio/);
  }, 130_000);
  it('bench-threads runs the mlp once on 1 and 2 threads, ours and onnxruntime-web', () => {
    const r = script('bench-threads.mjs', '--models', 'mlp', '--runs', '1', '--warmup-ms', '0');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\| mlp \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
  }, 130_000);
  it('bench-winograd times one small layer both ways', () => {
    const r = script('bench-winograd.mjs', '--shapes', '8,8,8', '--iters', '1', '--no-write');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/8→8 @ 8×8 .* F\(2×2\) .*×/);
  }, 130_000);
  it('bench-dynamic runs one case once', () => {
    const r = script('bench-dynamic.mjs', '--filter', '[1,128,256]', '--runs', '1', '--warmup', '0', '--no-write');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/transformer_enc_dyn .* dynamic .*×/);
  }, 130_000);
  it('bench-control times the streaming VAD with a run-time and a pinned sr', () => {
    const r = script('bench-control.mjs', '--hidden', '16', '--samples', '256', '--runs', '1', '--warmup', '0', '--no-write');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/sr=16000: run-time sr [\d.]+ ms, pinned [\d.]+ ms, ratio [\d.]+×/);
  }, 130_000);
  it('profile times each node of the mlp', () => {
    const r = script('profile.mjs', '--models', 'mlp', '--iters', '1');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\| Gemm \| 2 \| [\d.]+ \| [\d.]+% \|/);
  }, 130_000);
  it('bench-layout runs shufflenet once per layout', () => {
    const r = script('bench-layout.mjs', '--models', 'shufflenet_v2_x1_0', '--runs', '1', '--warmup', '0');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\| shufflenet_v2_x1_0 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| \d+ \| NHWC \|/);
  }, 130_000);
  it('bench-edge serves the mlp from workerd next to Node, and in Node with explicit bounds checks', () => {
    const r = script('bench-edge.mjs', '--models', 'mlp', '--seconds', '0.05', '--warmup', '1', '--min-runs', '3', '--repeat', '2', '--compute');
    expect(r.code, r.out).toBe(0);
    // workerd runs the deployed FMA build; Node 20 without the flag runs SIMD128.
    expect(r.out).toMatch(/^mlp +workerd \(relaxed SIMD\) p50 +[\d.]+ ms +node \((SIMD128|relaxed SIMD)\) p50 +[\d.]+ ms +ratio [\d.]+ \(median of [\d.]+, [\d.]+\)/m);
    expect(r.out).toMatch(/run\(\) alone: workerd -?[\d.]+ ms, node -?[\d.]+ ms, ratio -?[\d.]+; the rest of a workerd request: -?[\d.]+ ms, of which an HTTP round trip with a body of this size: [\d.]+ ms/);
    const c = script('bench-edge.mjs', '--models', 'mlp', '--seconds', '0.05', '--warmup', '1', '--min-runs', '3', '--bounds-checks');
    expect(c.code, c.out).toBe(0);
    expect(c.out).toMatch(/^mlp +node --wasm-enforce-bounds-checks p50 +[\d.]+ ms +node p50 +[\d.]+ ms +ratio [\d.]+/m);
  }, 130_000);
});
