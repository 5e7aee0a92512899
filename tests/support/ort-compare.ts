// Runs a model built in a test through onnxruntime-node and compares our outputs with its outputs.
import { expect } from 'vitest';
import ort from 'onnxruntime-node';
import type { Model, Tensor } from '@onnx2wasm/runtime';

export type Feeds = Record<string, Tensor>;

export async function ortRun(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, { dims: number[]; data: ArrayLike<number | bigint> }>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const res = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, t.dims)])));
    return Object.fromEntries(Object.entries(res).map(([k, v]) => [k, { dims: [...v.dims], data: v.data as ArrayLike<number | bigint> }]));
  } finally {
    await session.release();
  }
}

/** Our outputs next to onnxruntime-node's: same dims, |ours - ref| <= tol * max(1, |ref|) per element. */
export async function expectSameAsOrt(model: Model, bytes: Uint8Array, feeds: Feeds, tol = 1e-5): Promise<Record<string, Tensor>> {
  const ours = await model.run(feeds);
  const ref = await ortRun(bytes, feeds);
  expect(Object.keys(ref).length).toBeGreaterThan(0);
  for (const [name, r] of Object.entries(ref)) {
    expect(ours[name]!.dims, name).toEqual(r.dims);
    const a = Array.from(ours[name]!.data as ArrayLike<number | bigint>, Number), b = Array.from(r.data, Number);
    expect(a.length, name).toBe(b.length);
    a.forEach((x, i) => expect(Math.abs(x - b[i]!), `${name}[${i}]: ours ${x}, onnxruntime ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!))));
  }
  return ours;
}
