// Module hooks for ts-loader.mjs: package aliases to packages/*/src, `./x.js` → `./x.ts`, and
// TypeScript → JavaScript by transpileModule.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = fs.readFileSync(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true, verbatimModuleSyntax: false },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
