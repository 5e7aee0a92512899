// Inputs for a compiled model: random valid feeds (with occasional NaN/Inf), and feeds broken in one
// way the runtime must reject with a RuntimeInputError.
import type { DType, Tensor, TensorData, TensorInfo } from '@onnx2wasm/runtime';
import { Rng } from './rng.js';

const ARRAY_OF: Record<DType, new (n: number) => TensorData> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array,
  bfloat16: Uint16Array, float8e4m3fn: Uint8Array, float8e4m3fnuz: Uint8Array, float8e5m2: Uint8Array,
  float8e5m2fnuz: Uint8Array, float4e2m1: Uint8Array, int4: Int8Array, uint4: Uint8Array, int2: Int8Array, uint2: Uint8Array,
  float8e8m0: Uint8Array,
};

/** Values for the types stored one element per slot: [lowest, highest] code or value. */
const NARROW: Partial<Record<DType, [number, number]>> = {
  float8e4m3fn: [0, 255], float8e4m3fnuz: [0, 255], float8e5m2: [0, 255], float8e5m2fnuz: [0, 255], float8e8m0: [0, 255],
  float4e2m1: [0, 15], int4: [-8, 7], uint4: [0, 15], int2: [-2, 1], uint2: [0, 3],
};

export const elementCount = (dims: readonly (number | string)[]) => dims.reduce<number>((a, d) => a * Number(d), 1);

/** A run's dims: symbolic dims (bound at run time) all get 2, the same for every input. */
export const runDims = (dims: readonly (number | string)[]) => dims.map((d) => (typeof d === 'number' ? d : 2));

function randomTensor(info: TensorInfo, rng: Rng, specials: boolean): Tensor {
  const dims = runDims(info.dims);
  const n = elementCount(dims);
  const Ctor = ARRAY_OF[info.dtype];
  if (!Ctor) throw new Error(`no array type for dtype ${info.dtype}`);
  const data = new Ctor(n);
  for (let i = 0; i < n; i++) {
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(rng.int(7));
    else if (info.dtype === 'bool') data[i] = rng.int(2);
    else if (NARROW[info.dtype]) data[i] = rng.range(...NARROW[info.dtype]!);
    else if (info.dtype === 'bfloat16') data[i] = rng.pick([0x3f80, 0xbf80, 0x0000, 0x4000, 0x3f00]);
    else if (info.dtype === 'float32' || info.dtype === 'float64') {
      data[i] = specials && rng.chance(0.05) ? rng.pick([NaN, Infinity, -Infinity]) : rng.next() * 6 - 3;
    } else if (info.dtype === 'float16') data[i] = rng.pick([0x3c00, 0xbc00, 0x0000, 0x4000, 0x3800]);
    else data[i] = rng.int(5);
  }
  return { dtype: info.dtype, dims, data };
}

export function validFeeds(inputs: TensorInfo[], rng: Rng): Record<string, Tensor> {
  const specials = rng.chance(0.2);
  return Object.fromEntries(inputs.map((i) => [i.name, randomTensor(i, rng, specials)]));
}

/** Breaks valid feeds in one way; returns what was broken, for the finding's description. */
export function breakFeeds(feeds: Record<string, Tensor>, rng: Rng): { feeds: unknown; what: string } {
  const names = Object.keys(feeds);
  if (!names.length) return { feeds: { stray: feeds.stray ?? { dtype: 'float32', dims: [1], data: new Float32Array(1) } }, what: 'an input the model does not have' };
  const name = rng.pick(names);
  const t = feeds[name]!;
  const copy: Record<string, unknown> = { ...feeds };
  const set = (v: unknown, what: string) => { copy[name] = v; return { feeds: copy, what: `input '${name}': ${what}` }; };
  switch (rng.int(10)) {
    case 0: delete copy[name]; return { feeds: copy, what: `input '${name}' left out` };
    case 1: copy.not_an_input = t; return { feeds: copy, what: 'an extra input' };
    case 2: return set({ ...t, dtype: t.dtype === 'float32' ? 'int32' : 'float32' }, 'wrong dtype');
    case 3: return set({ ...t, dims: [...t.dims, 1] }, 'extra dim');
    case 4: return set({ ...t, dims: t.dims.length ? t.dims.map((d, i) => (i === 0 ? d + 1 : d)) : [2] }, 'wrong dim');
    case 5: return set({ ...t, data: t.data instanceof Float64Array ? new Float32Array(t.data.length) : new Float64Array(t.data.length) }, 'wrong typed-array type');
    case 6: {
      const Ctor = t.data.constructor as new (n: number) => TensorData;
      return set({ ...t, data: new Ctor(t.data.length + 1) }, 'wrong length');
    }
    case 7: {
      // An empty view on a detached buffer is indistinguishable from an empty tensor.
      if (t.data.length === 0) return set({ ...t, dims: [...t.dims, 2] }, 'extra dim');
      const data = t.data.slice() as TensorData;
      structuredClone(data.buffer, { transfer: [data.buffer] });
      return set({ ...t, data }, 'detached buffer');
    }
    case 8: return set(rng.pick([null, 42, 'x', { dtype: t.dtype, dims: t.dims, data: Array.from(t.data as ArrayLike<number>) }]), 'not a tensor');
    default: return { feeds: rng.pick([null, undefined, 7, []]), what: 'feeds not an object' };
  }
}
