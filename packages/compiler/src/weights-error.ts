// What --weights float16|int8 costs in accuracy, measured at compile time: the compressed build and
// the uncompressed one run on the same seeded inputs, and the summary reports the largest output
// difference relative to that output's largest magnitude.
import { seededRandom } from '@onnx2wasm/ir';
import { loadModel } from '@onnx2wasm/runtime';
import type { ModelMeta } from '@onnx2wasm/wasm-codegen';

export interface WeightsCompressionSummary {
  format: 'float16' | 'int8';
  /** Weights file bytes of the uncompressed build and of this one. */
  uncompressedBytes: number;
  bytes: number;
  savedBytes: number;
  /** max over outputs of max |compressed - uncompressed| / max |uncompressed|; undefined when not measurable. */
  maxRelativeError?: number;
  /** Why the error was not measured (symbolic dims, non-float inputs). */
  notMeasured?: string;
}

type Built = { wasm: Uint8Array; weights: Uint8Array; meta: ModelMeta };

/** Seeded feeds for static float32 inputs (roughly normal, like activations); a reason when there are others. */
function seededFeeds(meta: ModelMeta): Record<string, { dtype: 'float32'; dims: number[]; data: Float32Array }> | string {
  const next = seededRandom(1);
  const feeds: Record<string, { dtype: 'float32'; dims: number[]; data: Float32Array }> = {};
  for (const i of meta.inputs) {
    if (i.dtype !== 'float32') return `input '${i.name}' is ${i.dtype}`;
    if (!i.dims.every((d) => typeof d === 'number')) return `input '${i.name}' has symbolic dims`;
    const n = (i.dims as number[]).reduce((a, b) => a * b, 1);
    feeds[i.name] = { dtype: 'float32', dims: i.dims as number[], data: Float32Array.from({ length: n }, () => next() + next() + next() - 1.5) };
  }
  return feeds;
}

export async function measureWeightsError(format: 'float16' | 'int8', compressed: Built, reference: Built): Promise<WeightsCompressionSummary> {
  const base = { format, uncompressedBytes: reference.weights.byteLength, bytes: compressed.weights.byteLength, savedBytes: reference.weights.byteLength - compressed.weights.byteLength };
  const feeds = seededFeeds(compressed.meta);
  if (typeof feeds === 'string') return { ...base, notMeasured: feeds };
  const run = async (b: Built) => (await loadModel({ wasm: b.wasm as Uint8Array<ArrayBuffer>, weights: b.weights as Uint8Array<ArrayBuffer> })).run(feeds);
  const [ours, ref] = [await run(compressed), await run(reference)];
  let worst = 0;
  for (const [name, r] of Object.entries(ref)) {
    const o = ours[name]!;
    if (!(r.data instanceof Float32Array)) continue;
    let diff = 0, scale = 0;
    for (let i = 0; i < r.data.length; i++) {
      diff = Math.max(diff, Math.abs(Number(o.data[i]) - r.data[i]!));
      scale = Math.max(scale, Math.abs(r.data[i]!));
    }
    worst = Math.max(worst, scale > 0 ? diff / scale : diff);
  }
  return { ...base, maxRelativeError: worst };
}
