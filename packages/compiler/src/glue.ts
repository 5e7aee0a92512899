// The JS glue and type declarations written next to a compiled model: `import { load } from
// './model.js'` gives the model in the place the folder was compiled for (see targets.ts).
import { ModelMeta } from '@onnx2wasm/wasm-codegen';
import { FETCH_BYTES, FETCH_MODULE, FETCH_WEIGHTS, READ_LOCAL_DYNAMIC, sharedLoad } from './glue-loaders.js';
import type { Target } from './targets.js';

export interface GlueSpec {
  name: string;
  target: Target;
  meta: ModelMeta;
  /** The weights file, its content hash and size; file and hash are null when the weights are embedded. */
  weights: { file: string | null; sha256: string | null; bytes: number };
  /** The relaxed-SIMD build next to the SIMD128 one (loaded instead where the engine runs it), or null. */
  relaxed?: string | null;
  /** The folder has the threaded build (<name>.threads.wasm): load({ threads }) reads it. */
  threads?: boolean;
}

const TS_ARRAY: Record<string, string> = {
  float32: 'Float32Array', float64: 'Float64Array', float16: 'Uint16Array', int8: 'Int8Array', int16: 'Int16Array',
  int32: 'Int32Array', int64: 'BigInt64Array', uint8: 'Uint8Array', uint16: 'Uint16Array', uint32: 'Uint32Array',
  uint64: 'BigUint64Array', bool: 'Uint8Array',
  // low-precision types, one element per slot (docs/deploy.md)
  bfloat16: 'Uint16Array', float8e4m3fn: 'Uint8Array', float8e4m3fnuz: 'Uint8Array', float8e5m2: 'Uint8Array',
  float8e5m2fnuz: 'Uint8Array', float8e8m0: 'Uint8Array', float4e2m1: 'Uint8Array', int4: 'Int8Array', uint4: 'Uint8Array',
  int2: 'Int8Array', uint2: 'Uint8Array',
};

const str = (s: string) => JSON.stringify(s);

/** How each target gets the module (`wasm`) and the weights (`weights`), as the body of open(). */
function openBody(s: GlueSpec): { imports: string[]; helpers: string[]; body: string } {
  // With a relaxed-SIMD build, only the module this engine runs is read or downloaded.
  const url = (f: string) => `new URL(${str(`./${f}`)}, import.meta.url)`;
  const wasmUrl = s.relaxed && s.target !== 'worker' ? `(relaxedSimdSupported() ? ${url(s.relaxed)} : ${url(`${s.name}.wasm`)})` : url(`${s.name}.wasm`);
  const weightsUrl = `new URL(${str(`./${s.weights.file}`)}, import.meta.url)`;
  const embedded = s.weights.file === null;
  const given = (what: 'wasm' | 'weights', loadExpr: string) => `options.${what} ?? ${loadExpr}`;
  // Weights fetchWeights hashed on download are not hashed a second time by loadModel.
  const loadFetched = embedded ? 'loadModel({ ...threads, wasm, weights });' : 'loadModel({ ...threads, wasm, weights, verifyWeights: !checkedWeights.has(weights) });';
  switch (s.target) {
    case 'worker':
      // Workers refuse to compile wasm from bytes at run time: the .wasm is a module of the
      // bundle (wrangler's CompiledWasm rule, workerd's `wasm = embed`), already compiled at upload.
      return {
        imports: [`import wasmModule from ${str(`./${s.name}.wasm`)};`, ...(embedded ? [] : [`import weightsData from ${str(`./${s.weights.file}`)};`])],
        helpers: [],
        // Workers have no shared memory: load({ threads }) runs one thread, and model.info says why.
        body: `  return loadModel({ wasm: ${given('wasm', 'wasmModule')}, weights: ${given('weights', embedded ? 'undefined' : 'weightsData')}, threads: options.threads });`,
      };
    case 'node':
      return {
        imports: [`import { readFile } from 'node:fs/promises';`],
        helpers: [],
        body: `  const [wasm, weights] = await Promise.all([${given('wasm', `readFile(${wasmUrl})`)}, ${given('weights', embedded ? 'undefined' : `readFile(${weightsUrl})`)}]);
  return loadModel({ wasm, weights, ...(await threadsOf(options, readFile)) });`,
      };
    case 'browser':
      return {
        imports: [],
        helpers: [FETCH_BYTES, FETCH_MODULE, ...(embedded ? [] : [FETCH_WEIGHTS])],
        body: `  const [threads, wasm, weights] = await Promise.all([threadsOf(options, fetchModule), ${given('wasm', `fetchModule(${wasmUrl})`)}, ${given('weights', embedded ? 'undefined' : `fetchWeights(${weightsUrl})`)}]);
  return ${loadFetched}`,
      };
    case 'universal': {
      const local = (url: string, remote: string) => `(${url}.protocol === 'file:' ? readLocal(${url}) : ${remote}(${url}))`;
      return {
        imports: [],
        helpers: [READ_LOCAL_DYNAMIC, FETCH_BYTES, FETCH_MODULE, ...(embedded ? [] : [FETCH_WEIGHTS])],
        body: `  const wasmUrl = ${wasmUrl};${embedded ? '' : `\n  const weightsUrl = ${weightsUrl};`}
  const [threads, wasm, weights] = await Promise.all([threadsOf(options, (url) => ${local('url', 'fetchModule')}), ${given('wasm', local('wasmUrl', 'fetchModule'))}, ${given('weights', embedded ? 'undefined' : local('weightsUrl', 'fetchWeights'))}]);
  return ${loadFetched}`,
      };
    }
  }
}

export function glueJs(s: GlueSpec): string {
  const { imports, helpers, body } = openBody(s);
  if (s.target !== 'worker') helpers.push(threadsHelper(s));
  const io = (list: ModelMeta['inputs']) => JSON.stringify(list.map(({ name: n, dtype, dims }) => ({ name: n, dtype, dims })));
  const wasmFiles = s.relaxed && s.target !== 'worker' ? `${s.name}.wasm (or ${s.relaxed} where the engine runs relaxed SIMD)` : `${s.name}.wasm`;
  const files = s.weights.file ? `${wasmFiles} and ${s.weights.file}` : `${wasmFiles} (weights embedded)`;
  return `// Generated by onnx2wasm for target '${s.target}': loads ${files} with the bundled runtime.
${imports.join('\n')}${imports.length ? '\n' : ''}import { loadModel${s.relaxed && s.target !== 'worker' ? ', relaxedSimdSupported' : ''} } from './runtime/index.js';

const NAME = ${str(s.name)};
/** The weights' content hash: a new model version has a new hash. */
export const WEIGHTS = ${JSON.stringify(s.weights)};
export const target = ${str(s.target)};
export const inputs = ${io(s.meta.inputs)};
export const outputs = ${io(s.meta.outputs)};
${helpers.map((h) => `\n${h}\n`).join('')}
${sharedLoad(body)}
`;
}

/**
 * Symbolic dims keep their names as tuple labels (`[batch: number, seq: number, d2: 256]`), so
 * editors show which dim is which; a derived dim such as '4*batch' is named in a comment.
 */
function tensorType(dtype: string, dims: (number | string)[]): string {
  const label = (d: number | string, i: number) => (typeof d === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d) ? d : `d${i}`);
  const symbolic = dims.some((d) => typeof d === 'string');
  const tuple = dims.map((d, i) => (symbolic ? `${label(d, i)}: ` : '') + (typeof d === 'number' ? String(d) : 'number')).join(', ');
  const note = dims.some((d) => typeof d === 'string' && label(d, 0) === 'd0') ? ` /* dims [${dims.join(', ')}] */` : '';
  return `{ dtype: '${dtype}'; dims: [${tuple}]${note}; data: ${TS_ARRAY[dtype] ?? 'ArrayBufferView'} }`;
}

export function glueDts(meta: ModelMeta): string {
  const field = (n: string) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : JSON.stringify(n));
  return `// Generated by onnx2wasm.
export interface Inputs {
${meta.inputs.map((s) => `  ${field(s.name)}: ${tensorType(s.dtype, s.dims)};`).join('\n')}
}
export interface Outputs {
${meta.outputs.map((s) => `  ${field(s.name)}: ${tensorType(s.dtype, s.dims)};`).join('\n')}
}
export interface CompiledModel {
  readonly inputs: { name: string; dtype: string; dims: (number | string)[] }[];
  readonly outputs: { name: string; dtype: string; dims: (number | string)[] }[];
  run(feeds: Inputs): Promise<Outputs>;
  /** Threads it runs on (load({ threads })), and why fewer than asked for. */
  readonly info: { threads: number; reason?: string };
  /** Stops its worker threads (docs/threads.md). */
  dispose(): void;
}
/** Without options: the shared instance, loaded on the first call. With { wasm }, { weights } or { threads }: a new instance from those. */
export declare function load(options?: { wasm?: WebAssembly.Module | BufferSource; weights?: BufferSource; threads?: number; threadsWasm?: WebAssembly.Module | BufferSource }): Promise<CompiledModel>;
export declare const WEIGHTS: { file: string | null; sha256: string | null; bytes: number };
export declare const target: 'universal' | 'node' | 'browser' | 'worker';
export declare const inputs: CompiledModel['inputs'];
export declare const outputs: CompiledModel['outputs'];
`;
}

/**
 * load({ threads: N }): the threaded build is read only when N > 1 and the folder has one; the
 * runtime falls back to one thread (model.info says why) where shared memory is unavailable.
 */
function threadsHelper(s: GlueSpec): string {
  const file = s.threads ? `new URL(${str(`./${s.name}.threads.wasm`)}, import.meta.url)` : 'undefined';
  return `async function threadsOf(options, read) {
  if (!(options.threads > 1)) return {};
  // A page without cross-origin isolation cannot run it: do not download it (loadModel says why).
  const file = globalThis.crossOriginIsolated === false ? undefined : ${file};
  return { threads: options.threads, threadsWasm: options.threadsWasm ?? (file && await read(file)) };
}`;
}
