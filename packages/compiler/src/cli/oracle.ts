// onnxruntime-node as the reference for `check`. It is optional (a large native package the compiler
// does not need), so it is imported only when `check` runs, and its absence is one clear error.
import type { Tensor } from '@onnx2wasm/runtime';
import { CliFailure } from './errors.js';

/** The few onnxruntime-node APIs `check` uses. */
interface OrtTensor { dims: readonly number[]; type: string; data: unknown }
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(path: string, options?: object): Promise<OrtSession> };
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
}

async function importOrt(): Promise<Ort> {
  // A variable specifier keeps TypeScript from requiring the package's types at build time.
  const specifier = 'onnxruntime-node';
  let mod: { default?: Ort } & Partial<Ort>;
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliFailure('check needs onnxruntime-node as the reference: npm install onnxruntime-node');
    }
    throw new CliFailure(`onnxruntime-node is installed but cannot be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  return (mod.default ?? mod) as Ort;
}

/** Runs the original model on onnxruntime (single-threaded, for stable numbers). */
export async function runReference(modelPath: string, feeds: Record<string, Tensor>): Promise<Record<string, { dims: number[]; data: ArrayLike<number | bigint> }>> {
  const ort = await importOrt();
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    throw new CliFailure(`onnxruntime-node cannot load ${modelPath}: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
    const res = await session.run(ortFeeds);
    return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, { dims: [...v.dims], data: v.data as ArrayLike<number | bigint> }]));
  } catch (e) {
    throw new CliFailure(`onnxruntime-node failed to run ${modelPath}: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    await session.release();
  }
}
