// Builds the input tensors for `run` and `check`: seeded random data, zeros, or a file.
import { seededRandom } from '@onnx2wasm/ir';
import * as fs from 'node:fs';
import type { Tensor, TensorInfo } from '@onnx2wasm/runtime';
import { CliFailure, UsageError } from './errors.js';
import type { InputSource } from './parse-args.js';

type TypedCtor = { new (n: number): Tensor['data']; new (b: ArrayBuffer, o: number, n: number): Tensor['data']; BYTES_PER_ELEMENT: number };

const ARRAYS: Record<string, TypedCtor> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  int64: BigInt64Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array,
} as unknown as Record<string, TypedCtor>;


/** Typed data from plain numbers; 64-bit integer dtypes take BigInts. */
function fromNumbers(dtype: string, values: number[]): Tensor['data'] {
  const out = new ARRAYS[dtype]!(values.length);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  const slots = out as unknown as { [i: number]: number | bigint };
  values.forEach((v, i) => (slots[i] = big ? BigInt(Math.trunc(v)) : v));
  return out;
}

/** The input's dims for this run: its static dims, or --shape for one with symbolic dims. */
function concreteDims(info: TensorInfo, given: number[] | undefined): number[] {
  if (given) {
    const ok = given.length === info.dims.length && info.dims.every((d, i) => typeof d !== 'number' || d === given[i]);
    if (!ok) throw new UsageError(`--shape ${info.name}=${given}: does not fit the input's dims [${info.dims}]`);
    return given;
  }
  const symbolic = info.dims.filter((d) => typeof d !== 'number');
  if (symbolic.length) throw new UsageError(`input '${info.name}' has symbolic dims [${info.dims}]; give the dims of this run with --shape ${info.name}=...`);
  return info.dims as number[];
}

function randomData(info: TensorInfo, count: number, next: () => number): Tensor['data'] {
  if (info.dtype === 'float16') throw new UsageError(`random data for ${info.dtype} input '${info.name}' is not supported; pass a .bin file`);
  // Floats: roughly normal around 0 (sum of three uniforms), like activations. Integers: small
  // non-negative values, safe as indices or token ids. Bools: 0 or 1.
  if (info.dtype === 'float32' || info.dtype === 'float64') return fromNumbers(info.dtype, Array.from({ length: count }, () => next() + next() + next() - 1.5));
  const max = info.dtype === 'bool' ? 2 : 10;
  return fromNumbers(info.dtype, Array.from({ length: count }, () => Math.floor(next() * max)));
}

/** A file source that cannot be read: a missing file is a bad --input value (exit 2), listing what a source can be. */
function unreadable(info: TensorInfo, file: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
    return new UsageError(`--input ${info.name}=${file}: no such file; a source is random, zeros, a .json file (an array of numbers) or a raw little-endian .bin file`);
  }
  return new CliFailure(`cannot read input '${info.name}' from ${file}: ${code ?? (e as Error).message}`);
}

function jsonData(info: TensorInfo, count: number, file: string): Tensor['data'] {
  let parsed: unknown;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw unreadable(info, file, e);
  }
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CliFailure(`${file}: input '${info.name}' is not valid JSON: ${(e as Error).message}`);
  }
  // Nested arrays are accepted so a tensor can be written the way it prints (row by row).
  const flat = Array.isArray(parsed) ? (parsed.flat(Infinity) as unknown[]) : [];
  if (!Array.isArray(parsed) || flat.some((v) => typeof v !== 'number' && typeof v !== 'boolean')) {
    throw new CliFailure(`${file}: input '${info.name}' must be a JSON array of numbers (nested arrays are fine)`);
  }
  if (flat.length !== count) throw new CliFailure(`${file}: input '${info.name}' [${info.dims}] needs ${count} values, the file has ${flat.length}`);
  return fromNumbers(info.dtype, flat.map(Number));
}

function binData(info: TensorInfo, count: number, file: string): Tensor['data'] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(file)); // a fresh, aligned copy (Node may pool small reads)
  } catch (e) {
    throw unreadable(info, file, e);
  }
  const Ctor = ARRAYS[info.dtype]!;
  const expected = count * Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== expected) throw new CliFailure(`${file}: input '${info.name}' ${info.dtype}[${info.dims}] needs ${expected} bytes (raw little-endian), the file has ${bytes.byteLength}`);
  return new Ctor(bytes.buffer as ArrayBuffer, 0, count);
}

export interface Feeds {
  tensors: Record<string, Tensor>;
  /** How each input was made, for the printout. */
  described: Record<string, string>;
}

/** Inputs without a source get seeded random data; one random stream covers all inputs in model order. */
export function makeFeeds(inputs: TensorInfo[], sources: Record<string, InputSource>, seed: number, shapes: Record<string, number[]> = {}): Feeds {
  const byName = { ...sources };
  if ('' in byName) {
    if (inputs.length !== 1) throw new UsageError(`the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); name the one you mean: --input <name>=...`);
    byName[inputs[0]!.name] = byName['']!;
    delete byName[''];
  }
  for (const name of Object.keys(byName)) {
    if (!inputs.some((i) => i.name === name)) throw new UsageError(`--input ${name}: the model has no input '${name}' (inputs: ${inputs.map((i) => i.name).join(', ')})`);
  }
  for (const name of Object.keys(shapes)) {
    if (!inputs.some((i) => i.name === name)) throw new UsageError(`--shape ${name}: the model has no input '${name}' (inputs: ${inputs.map((i) => i.name).join(', ')})`);
  }
  const next = seededRandom(seed);
  const feeds: Feeds = { tensors: {}, described: {} };
  for (const info of inputs) {
    if (!ARRAYS[info.dtype]) throw new CliFailure(`input '${info.name}' has dtype ${info.dtype}, which the CLI cannot feed`);
    const dims = concreteDims(info, shapes[info.name]);
    const count = dims.reduce((a, b) => a * b, 1);
    const src = byName[info.name] ?? { kind: 'random' };
    const data = src.kind === 'random' ? randomData(info, count, next)
      : src.kind === 'zeros' ? new ARRAYS[info.dtype]!(count)
      : src.kind === 'json' ? jsonData(info, count, src.file)
      : binData(info, count, src.file);
    feeds.tensors[info.name] = { dtype: info.dtype, dims, data };
    feeds.described[info.name] = src.kind === 'random' ? `random (seed ${seed})` : src.kind === 'zeros' ? 'zeros' : src.file;
  }
  return feeds;
}
