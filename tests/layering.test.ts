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
  // The server sits right of the compiler: the facade, the runtime, and its archive and bundler libraries.
  server: ['onnx2wasm', '@onnx2wasm/runtime', 'tar-stream', 'esbuild'],
  // Bundler plugins go through the public compile() facade only: they emit what it returns.
  'vite-plugin': ['onnx2wasm'],
  'esbuild-plugin': ['onnx2wasm'],
};
// The one reference from a package to one on its right: the CLI's serving commands load the
// optional @onnx2wasm/server package with a dynamic import when they run (so the compiler neither
// builds nor installs with it). It names the package in a variable, which imports() does not see,
// so it is checked here by text: no other compiler file may mention the server package.
const SERVER_CLI_LOADER = 'packages/compiler/src/cli/server-commands.ts';
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
  it(`only ${SERVER_CLI_LOADER} refers to the server package, lazily`, () => {
    const mentions = sources(path.join(REPO_ROOT, 'packages/compiler/src'))
      .filter((f) => fs.readFileSync(f, 'utf8').includes('@onnx2wasm/server'))
      .map((f) => path.relative(REPO_ROOT, f).split(path.sep).join('/'));
    expect(mentions).toEqual([SERVER_CLI_LOADER]);
    const text = fs.readFileSync(path.join(REPO_ROOT, SERVER_CLI_LOADER), 'utf8');
    // Resolved, then imported, only when a serving command runs.
    expect(text).toMatch(/url = import\.meta\.resolve\(SERVER_CLI\)/);
    expect(text).toMatch(/await import\(url\)/);
    expect(text).not.toMatch(/from ['"]@onnx2wasm\/server/);
  });
  it('the protocol handlers use no Node-only APIs (they run in Workers)', () => {
    for (const f of sources(path.join(REPO_ROOT, 'packages/server/src/protocol')).filter((x) => !x.endsWith('.test.ts'))) {
      expect(fs.readFileSync(f, 'utf8'), f).not.toMatch(/from ['"]node:|require\(/);
    }
  });
  it('test support code (src/testing) imports only packages its package.json declares', () => {
    for (const pkg of Object.keys(ALLOWED)) {
      const dir = path.join(REPO_ROOT, 'packages', pkg, 'src', 'testing');
      if (!fs.existsSync(dir)) continue;
      const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages', pkg, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }));
      for (const f of sources(dir)) {
        for (const spec of imports(f).filter((s) => s.startsWith('@onnx2wasm/') || s === 'onnx2wasm')) {
          expect(declared.has(spec), `${path.relative(REPO_ROOT, f)} imports '${spec}', which packages/${pkg}/package.json does not declare`).toBe(true);
        }
      }
    }
  });
  it('runtime source has no Node-only APIs', () => {
    for (const f of sources(path.join(REPO_ROOT, 'packages/runtime/src')).filter((x) => !x.endsWith('.test.ts'))) {
      expect(fs.readFileSync(f, 'utf8'), f).not.toMatch(/from ['"]node:|require\(/);
    }
  });
});
