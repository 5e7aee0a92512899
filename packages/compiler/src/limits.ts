// Compile-time checks against a deployment's limits: a model that cannot fit its target should
// fail here, with numbers, rather than at its first request in production.
import { gzipSync } from 'node:zlib';
import { CompileError } from '@onnx2wasm/ir';
import { WORKER_SCRIPT_WARN_BYTES, type Target } from './targets.js';

export interface DeploySizes {
  wasmGzipBytes: number;
  /** What the target loads as code: for a Worker the whole upload, elsewhere all but a separate weights file. */
  scriptFiles: string[];
  scriptBytes: number;
  scriptGzipBytes: number;
  /**
   * Worker only: what one isolate holds for the model — linear memory, the module's bytes (V8
   * keeps them, data segments included) and the weights data module's ArrayBuffer.
   */
  isolateBytes?: number;
}

export const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** The files that count towards the script size: never the manifest or type declarations. */
function scriptFileNames(files: Record<string, Uint8Array>, target: Target, weightsFile: string | null): string[] {
  return Object.keys(files).filter((f) => f !== 'manifest.json' && f !== 'package.json' && !f.endsWith('.d.ts') && (target === 'worker' || f !== weightsFile));
}

// The runtime's files are the same arrays in every compile: gzip them once.
const gzipSizes = new WeakMap<Uint8Array, number>();
function gzipSize(bytes: Uint8Array): number {
  let n = gzipSizes.get(bytes);
  if (n === undefined) gzipSizes.set(bytes, (n = gzipSync(bytes).byteLength));
  return n;
}

export function measure(files: Record<string, Uint8Array>, wasmFile: string, target: Target, weightsFile: string | null, memoryBytes: number): DeploySizes {
  const gzipped = (f: string) => gzipSize(files[f]!);
  const scriptFiles = scriptFileNames(files, target, weightsFile);
  const sizes: DeploySizes = {
    wasmGzipBytes: gzipped(wasmFile),
    scriptFiles,
    scriptBytes: scriptFiles.reduce((n, f) => n + files[f]!.byteLength, 0),
    scriptGzipBytes: scriptFiles.reduce((n, f) => n + gzipped(f), 0),
  };
  if (target === 'worker') sizes.isolateBytes = memoryBytes + files[wasmFile]!.byteLength + (weightsFile ? files[weightsFile]!.byteLength : 0);
  return sizes;
}

/** Worker isolates share one memory budget; linear memory alone was already checked by codegen. */
export function checkIsolateMemory(s: DeploySizes, memoryBytes: number, wasmBytes: number, limit: number): void {
  if (s.isolateBytes === undefined || s.isolateBytes <= limit) return;
  const weights = s.isolateBytes - memoryBytes - wasmBytes;
  throw new CompileError('MEMORY_LIMIT',
    `the model needs ${s.isolateBytes} bytes in a Worker isolate (linear memory ${memoryBytes} + module ${wasmBytes}${weights ? ` + weights data module ${weights}` : ''}), ` +
    `${s.isolateBytes - limit} bytes over the memory limit of ${limit} (${mib(limit)})`);
}

/** An explicit limit is an error; for Workers without one, Cloudflare's plan limit is a warning. */
export function checkScriptSize(s: DeploySizes, target: Target, limit: number | undefined): string[] {
  const what = `${s.scriptGzipBytes} bytes gzipped (${s.scriptBytes} raw; ${s.scriptFiles.length} files)`;
  if (limit !== undefined) {
    if (s.scriptGzipBytes > limit) {
      throw new CompileError('SIZE_LIMIT', `the ${target === 'worker' ? 'Worker bundle' : 'script (module, glue and runtime)'} is ${what}, ${s.scriptGzipBytes - limit} bytes over the script size limit of ${limit} (${mib(limit)})`);
    }
    return [];
  }
  if (target === 'worker' && s.scriptGzipBytes > WORKER_SCRIPT_WARN_BYTES) {
    return [`the Worker bundle is ${what}, over Cloudflare's ${mib(WORKER_SCRIPT_WARN_BYTES)} Worker size limit (paid plan, compressed; the free plan allows less): local workerd runs it, Cloudflare may refuse the upload`];
  }
  return [];
}
