// The package layering of STYLE.md, enforced: each package imports only the packages to its left,
// only wasm-codegen imports binaryen, only onnx-import touches the protobuf code, and the runtime
// imports nothing at all (it ships inside users' bundles).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/models.js';

const ALLOWED: Record<string, string[]> = {
  ir: [],
  'onnx-import': ['@onnx2wasm/ir', 'onnx-proto', 'protobufjs'],
  optimizer: ['@onnx2wasm/ir'],
  'wasm-codegen': ['@onnx2wasm/ir', 'binaryen'],
  runtime: [],
  compiler: ['@onnx2wasm/ir', '@onnx2wasm/onnx-import', '@onnx2wasm/optimizer', '@onnx2wasm/wasm-codegen', '@onnx2wasm/runtime', 'commander'],
  // Bundler plugins go through the public compile() facade only: they emit what it returns.
  'vite-plugin': ['onnx2wasm'],
  'esbuild-plugin': ['onnx2wasm'],
};
// Test files may use test-only packages.
const TEST_ONLY = ['vitest', 'onnxruntime-node', '@onnx2wasm/runtime', 'onnx2wasm', '@onnx2wasm/ir', '@onnx2wasm/onnx-import', 'onnx-proto', 'wabt'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return [...found];
}

describe('package layering', () => {
  for (const [pkg, allowed] of Object.entries(ALLOWED)) {
    it(`${pkg} imports only ${allowed.join(', ') || 'nothing of ours'}`, () => {
      const files = sources(path.join(REPO_ROOT, 'packages', pkg, 'src'));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const isTest = f.endsWith('.test.ts') || f.includes(`${path.sep}testing${path.sep}`);
        for (const spec of imports(f)) {
          const ok = allowed.includes(spec) || (isTest && TEST_ONLY.includes(spec));
          expect(ok, `${path.relative(REPO_ROOT, f)} imports '${spec}'`).toBe(true);
        }
      }
    });
  }
  it('runtime source has no Node-only APIs', () => {
    for (const f of sources(path.join(REPO_ROOT, 'packages/runtime/src')).filter((x) => !x.endsWith('.test.ts'))) {
      expect(fs.readFileSync(f, 'utf8'), f).not.toMatch(/from ['"]node:|require\(/);
    }
  });
});
