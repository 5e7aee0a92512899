// Shared helpers for end-to-end tests: the shared models, seeded inputs, and the onnxruntime oracle.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { seededRandom } from '@onnx2wasm/ir';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = path.resolve(REPO_ROOT, '../shared');
export const MODELS_DIR = path.join(SHARED, 'models');

export interface SharedModel { name: string; file: string; inputShape: number[] }

export function sharedModels(): SharedModel[] {
  const index = JSON.parse(fs.readFileSync(path.join(MODELS_DIR, 'models.json'), 'utf8')) as Record<string, { file: string; input_shape: number[] }>;
  return Object.entries(index).map(([name, m]) => ({ name, file: path.join(MODELS_DIR, m.file), inputShape: m.input_shape }));
}

/** Deterministic normal-ish input (sum of uniforms), the same for ours and onnxruntime. */
export function seededInput(dims: number[], seed = 1): Float32Array {
  const next = seededRandom(seed);
  const n = dims.reduce((x, y) => x * y, 1);
  return Float32Array.from({ length: n }, () => next() + next() + next() - 1.5);
}

export async function runOrt(file: string, feeds: Record<string, { dims: number[]; data: Float32Array }>): Promise<Record<string, { dims: number[]; data: Float32Array }>> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor('float32', v.data, v.dims);
  const res = await session.run(ortFeeds);
  const out: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const [k, v] of Object.entries(res)) out[k] = { dims: [...v.dims], data: v.data as Float32Array };
  await session.release();
  return out;
}

/** max |ours - ref| and max |ref|, for the relative criterion max|diff| <= tol * max|ref|. */
export function maxDiff(ours: ArrayLike<number>, ref: ArrayLike<number>): { maxAbsDiff: number; maxAbsRef: number } {
  let maxAbsDiff = 0, maxAbsRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i]! - ref[i]!);
    maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
    maxAbsRef = Math.max(maxAbsRef, Math.abs(ref[i]!));
  }
  return { maxAbsDiff, maxAbsRef };
}
