import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources, so a test run never depends on a stale build.
export default defineConfig({
  resolve: {
    alias: {
      '@onnx2wasm/ir': src('ir'),
      '@onnx2wasm/onnx-import': src('onnx-import'),
      '@onnx2wasm/optimizer': src('optimizer'),
      '@onnx2wasm/wasm-codegen': src('wasm-codegen'),
      '@onnx2wasm/runtime': src('runtime'),
      'onnx2wasm': src('compiler'),
      '@onnx2wasm/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time. Vitest's default on a 2-core machine (CI's) is one worker, which ran the
    // suite one file at a time: 15:24 of wall time against 11:58 with two (most files wait on
    // child processes, browsers or workerd part of the time).
    maxWorkers: 2,
  },
});
