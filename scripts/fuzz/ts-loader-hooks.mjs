// Module hooks for ts-loader.mjs: package aliases to packages/*/src, `./x.js` → `./x.ts`, and
// TypeScript → JavaScript by transpileModule. Outputs are cached by content hash, so a restarted
// fuzz worker starts without loading the TypeScript compiler at all.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const ALIASES = {
  '@onnx2wasm/ir': 'packages/ir/src/index.ts',
  '@onnx2wasm/onnx-import': 'packages/onnx-import/src/index.ts',
  '@onnx2wasm/optimizer': 'packages/optimizer/src/index.ts',
  '@onnx2wasm/wasm-codegen': 'packages/wasm-codegen/src/index.ts',
  '@onnx2wasm/runtime': 'packages/runtime/src/index.ts',
  'onnx2wasm': 'packages/compiler/src/index.ts',
};

export async function resolve(specifier, context, next) {
  if (ALIASES[specifier]) return { url: new URL(ALIASES[specifier], root).href, shortCircuit: true };
  const parent = context.parentURL ?? '';
  if (parent.endsWith('.ts') && (specifier.startsWith('./') || specifier.startsWith('../')) && specifier.endsWith('.js')) {
    const tsUrl = new URL(specifier.slice(0, -3) + '.ts', parent);
    if (fs.existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true };
  }
  return next(specifier, context);
}

const cacheDir = fileURLToPath(new URL('node_modules/.cache/onnx2wasm-ts-loader/', root));
let ts;

async function transpile(file, source) {
  ts ??= (await import('typescript')).default;
  return ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
  }).outputText;
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = fs.readFileSync(file, 'utf8');
  const cached = path.join(cacheDir, createHash('sha256').update(file).update('\0').update(source).digest('hex') + '.js');
  let js;
  try { js = fs.readFileSync(cached, 'utf8'); } catch {
    js = await transpile(file, source);
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, js);
    fs.renameSync(tmp, cached);
  }
  return { format: 'module', source: js, shortCircuit: true };
}
