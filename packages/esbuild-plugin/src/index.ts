// @onnx2wasm/esbuild: `import model from './model.onnx'` (or `./anything?onnx2wasm`) in an esbuild
// bundle (format 'esm': the glue finds its files with import.meta.url). The model goes through
// compile() for --target browser; compile()'s wasm and weights become assets through esbuild's
// `file` loader (hashed names, per assetNames), and the browser glue points at them. The plugin does
// nothing compile() does not do.
import * as path from 'node:path';
import { bundlerAssets, bundlerGlue, bundlerRuntime, compile, type CompileOptions } from 'onnx2wasm';

export interface Onnx2wasmEsbuildOptions {
  /** Passed to compile() for every model; target is always 'browser' and name is the file's base name. */
  compile?: Omit<CompileOptions, 'target' | 'name'>;
}

/** The parts of esbuild's plugin interface this plugin uses (so it needs no types from esbuild itself). */
export interface EsbuildPlugin {
  name: string;
  setup(build: PluginBuild): void;
}
interface ResolveArgs { path: string; importer: string; namespace: string; resolveDir: string }
interface LoadArgs { path: string; namespace: string }
interface PluginBuild {
  onResolve(o: { filter: RegExp; namespace?: string }, cb: (a: ResolveArgs) => { path: string; namespace: string } | undefined): void;
  onLoad(o: { filter: RegExp; namespace: string }, cb: (a: LoadArgs) => Promise<LoadResult> | LoadResult): void;
}
interface LoadResult { contents: string | Uint8Array; loader: 'js' | 'file'; resolveDir?: string; watchFiles?: string[] }

const MODEL = /(\.onnx|\?onnx2wasm)$/;
const QUERY = '?onnx2wasm';
/** What the glue imports the runtime as; served from compile()'s runtime files. */
const RUNTIME = 'onnx2wasm:runtime/';
const ASSET = 'onnx2wasm:asset/';

export default function onnx2wasm(options: Onnx2wasmEsbuildOptions = {}): EsbuildPlugin {
  return {
    name: 'onnx2wasm',
    setup(build) {
      const assets = new Map<string, Uint8Array>();
      let runtime: Map<string, string> | undefined;
      build.onResolve({ filter: MODEL }, (a) => (a.namespace === 'file' ? { path: path.resolve(a.resolveDir, a.path.endsWith(QUERY) ? a.path.slice(0, -QUERY.length) : a.path), namespace: 'onnx2wasm' } : undefined));
      build.onResolve({ filter: /^onnx2wasm:runtime\// }, (a) => ({ path: a.path.slice(RUNTIME.length), namespace: 'onnx2wasm-runtime' }));
      // The runtime's own relative imports (./load-model.js) stay inside its namespace.
      build.onResolve({ filter: /^\.\//, namespace: 'onnx2wasm-runtime' }, (a) => ({ path: a.path.slice(2), namespace: 'onnx2wasm-runtime' }));
      build.onResolve({ filter: /^onnx2wasm:asset\// }, (a) => ({ path: a.path.slice(ASSET.length), namespace: 'onnx2wasm-asset' }));

      build.onLoad({ filter: /.*/, namespace: 'onnx2wasm' }, async (a) => {
        const c = await compile(a.path, { ...options.compile, target: 'browser', name: path.basename(a.path).replace(/\.onnx$/, '') || 'model' });
        runtime = bundlerRuntime(c);
        // One asset module per file; the folder in its path (the source hash) keeps two models apart.
        const imports = bundlerAssets(c).map((f, i) => {
          const key = `${c.manifest.source.sha256.slice(0, 16)}/${f}`;
          assets.set(key, c.files[f]!);
          return { f, binding: `__onnx2wasmAsset${i}`, line: `import __onnx2wasmAsset${i} from ${JSON.stringify(ASSET + key)};` };
        });
        const glue = bundlerGlue(c, { runtime: `${RUNTIME}index.js`, url: (f) => imports.find((x) => x.f === f)!.binding });
        return { contents: `${imports.map((x) => x.line).join('\n')}\n${glue}`, loader: 'js', resolveDir: path.dirname(a.path), watchFiles: [a.path] };
      });
      build.onLoad({ filter: /.*/, namespace: 'onnx2wasm-asset' }, (a) => {
        const bytes = assets.get(a.path);
        if (!bytes) throw new Error(`onnx2wasm: no compiled file ${a.path}`);
        return { contents: bytes, loader: 'file' };
      });
      build.onLoad({ filter: /.*/, namespace: 'onnx2wasm-runtime' }, (a) => {
        const code = runtime?.get(a.path);
        if (code === undefined) throw new Error(`onnx2wasm: no runtime file ${a.path}`);
        return { contents: code, loader: 'js' };
      });
    },
  };
}
