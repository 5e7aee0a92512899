// Deployment targets: where the compiled folder will run decides how its glue gets the module and
// the weights, and what the weights file is called.
import { CompileError } from '@onnx2wasm/ir';

export const TARGETS = ['universal', 'node', 'browser', 'worker'] as const;
export type Target = (typeof TARGETS)[number];

/** Cloudflare Workers' memory per isolate: the default --max-memory for --target worker. */
export const WORKER_MEMORY_BYTES = 128 * 1024 * 1024;
/**
 * Cloudflare's size limit for a Worker (paid plan, after compression). Past it the compile warns:
 * local workerd still runs the bundle, and the free plan's limit is lower still.
 */
export const WORKER_SCRIPT_WARN_BYTES = 10 * 1024 * 1024;

export function checkTarget(target: unknown): Target {
  if (typeof target === 'string' && (TARGETS as readonly string[]).includes(target)) return target as Target;
  throw new CompileError('INVALID_OPTION', `target must be one of ${TARGETS.join(', ')}, got ${JSON.stringify(target)}`);
}

/**
 * The weights file name. Browsers and Workers get a content-hashed name so a new model version is a
 * new URL (or module name) and every cache in between can keep a file forever; Node reads from
 * disk, where a stable name is simpler to ship, and the universal default keeps it for
 * compatibility (its browser path still keys the Cache API by the hash).
 */
export function weightsFileName(name: string, target: Target, sha256: string): string {
  return target === 'browser' || target === 'worker' ? `${name}.${sha256.slice(0, 16)}.bin` : `${name}.weights.bin`;
}
