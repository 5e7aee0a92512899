// @onnx2wasm/vite: `import model from './model.onnx'` (or `./anything?onnx2wasm`) in a Vite app.
// At build time the model goes through compile() for --target browser; the plugin emits compile()'s
// wasm and weights as hashed assets and returns the browser glue pointing at them. It does nothing
// compile() does not do: no kernels, no caching logic of its own (the glue keeps the weights in the
// Cache API, keyed by their hash, exactly as a --target browser folder does).
import * as path from 'node:path';
import { bundlerAssets, bundlerGlue, bundlerRuntime, compile, type CompileOptions } from 'onnx2wasm';

export interface Onnx2wasmViteOptions {
  /** Passed to compile() for every model; target is always 'browser' and name is the file's base name. */
  compile?: Omit<CompileOptions, 'target' | 'name'>;
}

/** The parts of Vite's plugin interface this plugin uses (so it needs no types from vite itself). */
export interface VitePlugin {
  name: string;
  enforce: 'pre';
  configResolved(config: { command: 'build' | 'serve' }): void;
  configureServer(server: { middlewares: { use(fn: (req: { url?: string }, res: DevResponse, next: () => void) => void): void } }): void;
  resolveId(source: string, importer: string | undefined): string | null;
  load(this: PluginContext, id: string): Promise<string | null>;
}
interface DevResponse { setHeader(k: string, v: string): void; end(body: Uint8Array): void }
interface PluginContext {
  emitFile(file: { type: 'asset'; name: string; source: Uint8Array }): string;
  addWatchFile(file: string): void;
}

const QUERY = '?onnx2wasm';
/** What the glue imports the runtime as; resolved to a virtual module of compile()'s runtime files. */
const RUNTIME = 'onnx2wasm:runtime/';
const RUNTIME_ID = '\0onnx2wasm-runtime/';
/** Where `vite serve` serves compiled files (there is no emitFile in dev). */
const DEV_PREFIX = '/@onnx2wasm/';

/**
 * The model file of an import id, or null when the import is not ours: `x.onnx` or `x?onnx2wasm`,
 * whatever other query Vite adds (`?import`, `?t=` on reload); `?url` and `?raw` stay Vite's.
 */
export function modelFile(id: string): string | null {
  const at = id.indexOf('?');
  const file = at < 0 ? id : id.slice(0, at);
  const query = new URLSearchParams(at < 0 ? '' : id.slice(at + 1));
  if (query.has('url') || query.has('raw') || query.has('inline')) return null;
  return query.has(QUERY.slice(1)) || file.endsWith('.onnx') ? file : null;
}

export default function onnx2wasm(options: Onnx2wasmViteOptions = {}): VitePlugin {
  let build = true;
  let runtime: Map<string, string> | undefined;
  const devFiles = new Map<string, Uint8Array>();
  return {
    name: 'onnx2wasm',
    enforce: 'pre',
    configResolved(config) {
      build = config.command === 'build';
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const bytes = req.url ? devFiles.get(req.url.split('?')[0]!) : undefined;
        if (!bytes) return next();
        res.setHeader('content-type', req.url!.includes('.wasm') ? 'application/wasm' : 'application/octet-stream');
        res.end(bytes);
      });
    },
    resolveId(source, importer) {
      if (source.startsWith(RUNTIME)) return RUNTIME_ID + source.slice(RUNTIME.length);
      // The runtime's own relative imports (./load-model.js) stay inside the virtual folder.
      if (importer?.startsWith(RUNTIME_ID) && source.startsWith('./')) return RUNTIME_ID + source.slice(2);
      return null;
    },
    async load(id) {
      if (id.startsWith(RUNTIME_ID)) {
        const code = runtime?.get(id.slice(RUNTIME_ID.length));
        if (code === undefined) throw new Error(`onnx2wasm: no runtime file ${id.slice(RUNTIME_ID.length)}`);
        return code;
      }
      const file = modelFile(id);
      if (!file) return null;
      this.addWatchFile(file);
      const c = await compile(file, { ...options.compile, target: 'browser', name: path.basename(file).replace(/\.onnx$/, '') || 'model' });
      runtime = bundlerRuntime(c);
      const urls = new Map<string, string>();
      for (const f of bundlerAssets(c)) {
        if (build) {
          urls.set(f, `import.meta.ROLLUP_FILE_URL_${this.emitFile({ type: 'asset', name: f, source: c.files[f]! })}`);
        } else {
          const url = `${DEV_PREFIX}${c.manifest.source.sha256.slice(0, 16)}/${f}`;
          devFiles.set(url, c.files[f]!);
          urls.set(f, JSON.stringify(url));
        }
      }
      return bundlerGlue(c, { runtime: `${RUNTIME}index.js`, url: (f) => urls.get(f)! });
    },
  };
}
