// Cloudflare Workers' limits for a deployed repository. Every served version may be loaded in one
// isolate, so their shares add up: linear memory + module bytes + the weights data module (see
// docs/deploy.md for why the weights count twice). The upload is limited in compressed size.
import { gzipSync } from 'node:zlib';
import { RepositoryError } from '../errors.js';

// The same limits compile() checks a single model against.
export { WORKER_MEMORY_BYTES, WORKER_SCRIPT_WARN_BYTES as WORKER_SCRIPT_BYTES } from 'onnx2wasm';

export interface VersionShare { id: string; memoryBytes: number; wasm: Uint8Array; weights?: Uint8Array }

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const isolateBytes = (v: VersionShare) => v.memoryBytes + v.wasm.byteLength + (v.weights?.byteLength ?? 0);

export function checkIsolateMemory(versions: VersionShare[], limit: number): void {
  const total = versions.reduce((n, v) => n + isolateBytes(v), 0);
  if (total <= limit) return;
  const parts = [...versions].sort((a, b) => isolateBytes(b) - isolateBytes(a))
    .map((v) => `${v.id} ${isolateBytes(v)} (linear memory ${v.memoryBytes} + module ${v.wasm.byteLength}${v.weights ? ` + weights ${v.weights.byteLength}` : ''})`);
  throw new RepositoryError('LIMIT_EXCEEDED', `the Worker needs ${total} bytes in one isolate, ${total - limit} bytes over the memory limit of ${limit} (${mib(limit)}): ${parts.join(', ')}; serve fewer versions (versionPolicy) or deploy the largest model alone`);
}

/** Gzipped bytes of the upload; over the limit an error names each model version's share. */
export function checkBundleSize(versions: VersionShare[], script: Uint8Array, limit: number): number {
  const shares = versions.map((v) => ({ id: v.id, bytes: gzipSync(v.wasm).byteLength + (v.weights ? gzipSync(v.weights).byteLength : 0) }));
  const scriptBytes = gzipSync(script).byteLength;
  const total = shares.reduce((n, s) => n + s.bytes, scriptBytes);
  if (total > limit) {
    const parts = shares.sort((a, b) => b.bytes - a.bytes).map((s) => `${s.id} ${s.bytes}`);
    throw new RepositoryError('LIMIT_EXCEEDED', `the Worker bundle is ${total} bytes gzipped, ${total - limit} bytes over the script size limit of ${limit} (${mib(limit)}): ${parts.join(', ')}, worker.js ${scriptBytes}; serve fewer versions (versionPolicy) or raise --max-script-size for a plan that allows more`);
  }
  return total;
}
