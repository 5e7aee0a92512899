// The module a bundler plugin (@onnx2wasm/vite, @onnx2wasm/esbuild) returns for `import model from
// './model.onnx'`: the browser glue of compile(), with its files and its runtime where the bundler
// put them. Here rather than in each plugin, so both give the same module and glue.ts stays the
// one place that knows the glue's text.
import { CompileError } from '@onnx2wasm/ir';
import type { CompileResult } from './compile.js';

export interface BundlerGlueOptions {
  /** Import specifier of the runtime's index.js, resolved by the plugin (the files are compile()'s runtime/*). */
  runtime: string;
  /** A JS expression for the URL of a file of `files` (the wasm, the weights), e.g. an asset import's binding. */
  url(file: string): string;
}

/** The files a browser build loads at run time: the module (and its relaxed-SIMD build, if any; one of the two is fetched) and, unless embedded, the weights. */
export function bundlerAssets(c: CompileResult): string[] {
  if (c.manifest.target !== 'browser') throw new CompileError('INVALID_OPTION', `bundler glue needs target 'browser', got '${c.manifest.target}'`);
  const relaxed = `${c.manifest.name}.relaxed.wasm`;
  return [`${c.manifest.name}.wasm`, ...(relaxed in c.files ? [relaxed] : []), ...(c.manifest.weights.file ? [c.manifest.weights.file] : [])];
}

/**
 * The glue for a bundle: the same code as `model.js` for --target browser (fetch, Cache API keyed by
 * the weights' hash), with its relative URLs replaced by the bundler's, plus a default export so
 * `import model from './model.onnx'; await model.load()` reads naturally.
 */
export function bundlerGlue(c: CompileResult, o: BundlerGlueOptions): string {
  let text = new TextDecoder().decode(c.files[`${c.manifest.name}.js`]);
  const swap = (from: string, to: string) => {
    if (!text.includes(from)) throw new CompileError('CODEGEN_FAILED', `the browser glue has no ${from}; the glue and bundler-glue.ts disagree`);
    text = text.split(from).join(to);
  };
  swap(`from './runtime/index.js';`, `from ${JSON.stringify(o.runtime)};`);
  // Relative to the bundle, through a variable: Vite would rewrite a literal `new URL('/x', import.meta.url)` itself.
  for (const f of bundlerAssets(c)) swap(`new URL(${JSON.stringify(`./${f}`)}, import.meta.url)`, `new URL(${o.url(f)}, BUNDLE_URL)`);
  return `${text}\nconst BUNDLE_URL = import.meta.url;\nexport default { load, inputs, outputs, target, WEIGHTS };\n`;
}

/** compile()'s runtime files by their name inside runtime/ (index.js, load-model.js, …), JavaScript only. */
export function bundlerRuntime(c: CompileResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const [f, bytes] of Object.entries(c.files)) {
    if (f.startsWith('runtime/') && f.endsWith('.js')) out.set(f.slice('runtime/'.length), new TextDecoder().decode(bytes));
  }
  return out;
}
