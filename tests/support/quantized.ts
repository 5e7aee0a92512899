// The shared quantized and float16 models (../shared/models/quantized) and the oracle rule the
// issue sets for them: onnxruntime's fused int8 kernels (default session) and its literal execution
// (graphOptimizationLevel 'disabled') may disagree; we must be within 1.5x that disagreement, and
// never need better than 1e-3 (float16 models: 2e-2) of max |output|.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ort from 'onnxruntime-node';
import { floatToHalf, halfToFloat } from '@onnx2wasm/ir';
import { MODELS_DIR, seededInput, sharedModels } from './models.js';

export const QUANTIZED_DIR = path.join(MODELS_DIR, 'quantized');

export interface QuantizedModel { name: string; file: string; bytes: number; inputDtype: 'float32' | 'float16'; inputShape: number[] }

/** Every model in the folder, with the input shape of the fp32 model it was made from. */
export function quantizedModels(): QuantizedModel[] {
  const index = JSON.parse(fs.readFileSync(path.join(QUANTIZED_DIR, 'models.json'), 'utf8')) as Record<string, { bytes: number; input_dtype: 'float32' | 'float16' }>;
  const sources = sharedModels().sort((a, b) => b.name.length - a.name.length);
  return Object.entries(index).map(([file, m]) => {
    const name = file.replace(/\.onnx$/, '');
    const source = sources.find((s) => name.startsWith(`${s.name}_`));
    if (!source) throw new Error(`no source model for ${file}`);
    return { name, file: path.join(QUANTIZED_DIR, file), bytes: m.bytes, inputDtype: m.input_dtype, inputShape: source.inputShape };
  });
}

export interface Feed { dtype: 'float32' | 'float16'; dims: number[]; data: Float32Array | Uint16Array }

export function quantizedInput(m: QuantizedModel, seed = 7): Feed {
  const x = seededInput(m.inputShape, seed);
  return { dtype: m.inputDtype, dims: m.inputShape, data: m.inputDtype === 'float16' ? Uint16Array.from(x, floatToHalf) : x };
}

/** A float16 output's bits as float32 values; float32 data as is. */
export function asFloat32(dtype: string, data: ArrayLike<number>): Float32Array {
  return dtype === 'float16' ? Float32Array.from(data as Uint16Array, halfToFloat) : Float32Array.from(data);
}

/** The first output of one onnxruntime-node session (one thread) at the given optimization level. */
export async function runOrtAt(file: string, feed: Feed, level: 'all' | 'disabled'): Promise<{ dims: number[]; data: Float32Array }> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: level });
  const res = await session.run({ [session.inputNames[0]!]: new ort.Tensor(feed.dtype, feed.data, feed.dims) });
  const out = res[session.outputNames[0]!]!;
  await session.release();
  return { dims: [...out.dims], data: asFloat32(out.type, out.data as ArrayLike<number>) };
}

/** max |a - b| / max |b|. */
export function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, r = 0;
  for (let i = 0; i < b.length; i++) {
    const x = Math.abs(a[i]! - b[i]!);
    d = Number.isNaN(x) ? Infinity : Math.max(d, x);
    r = Math.max(r, Math.abs(b[i]!));
  }
  return d / r;
}

/** The tolerance: max(1.5 x onnxruntime's own default-vs-disabled disagreement, floor). */
export function quantizedTolerance(m: QuantizedModel, ortDisagreement: number): number {
  return Math.max(1.5 * ortDisagreement, m.inputDtype === 'float16' ? 2e-2 : 1e-3);
}
