import * as fs from 'node:fs';
import * as path from 'node:path';
import { DType, Tensor, TypedArray, allocateArray, arrayFromBytes, sizeOf, DTYPE_BYTES } from '@onnx2wasm/ir';
import { OnnxImportError } from './errors.js';
import { TensorProto, toNum } from './proto.js';

/** ONNX TensorProto.DataType → our dtype names. */
export const ONNX_DTYPES: Record<number, DType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

export function dtypeFromOnnx(code: number | null | undefined, what: string): DType {
  const d = ONNX_DTYPES[code ?? 0];
  if (!d) throw new OnnxImportError('INVALID_MODEL', `${what} has unsupported element type ${code ?? 'UNDEFINED'} (bfloat16, complex and float8 types are not supported)`);
  return d;
}

export interface TensorLoadOptions {
  /** Folder of the model file, for external data; absent when the model came from bytes. */
  baseDir?: string;
}

function readExternal(t: TensorProto, name: string, opts: TensorLoadOptions): Uint8Array {
  const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = kv.get('location');
  if (!location) throw new OnnxImportError('INVALID_MODEL', `initializer '${name}' is external but names no location`);
  if (!opts.baseDir) throw new OnnxImportError('INVALID_MODEL', `initializer '${name}' uses external data '${location}'; compile the model from its file path so the data can be found next to it`);
  const base = path.resolve(opts.baseDir);
  const file = path.resolve(base, location);
  if (path.isAbsolute(location) || !(file === base || file.startsWith(base + path.sep))) {
    throw new OnnxImportError('INVALID_MODEL', `initializer '${name}': external data path '${location}' leaves the model's folder`);
  }
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch {
    throw new OnnxImportError('IO_ERROR', `initializer '${name}': external data file '${location}' cannot be read`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const offset = kv.has('offset') ? Number(kv.get('offset')) : 0;
    const length = kv.has('length') ? Number(kv.get('length')) : size - offset;
    if (!(offset >= 0 && length >= 0 && offset + length <= size)) {
      throw new OnnxImportError('INVALID_MODEL', `initializer '${name}': external data range ${offset}+${length} is outside '${location}' (${size} bytes)`);
    }
    const buf = new Uint8Array(length);
    fs.readSync(fd, buf, 0, length, offset);
    return buf;
  } finally { fs.closeSync(fd); }
}

/** Decodes a TensorProto (raw_data, typed fields or external data), checking its size against its dims. */
export function tensorFromProto(t: TensorProto, opts: TensorLoadOptions = {}): Tensor {
  const name = t.name ?? '';
  const dtype = dtypeFromOnnx(t.dataType, `tensor '${name}'`);
  const dims = (t.dims ?? []).map(toNum);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}' has invalid dims [${dims}]`);
  const n = sizeOf(dims);
  if (dtype === 'string') throw new OnnxImportError('UNSUPPORTED_OP', `tensor '${name}' holds strings, which are not supported`);
  const expectBytes = n * DTYPE_BYTES[dtype];
  let data: TypedArray;
  if (t.dataLocation === 1) {
    const raw = readExternal(t, name, opts);
    if (raw.byteLength !== expectBytes) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}': external data has ${raw.byteLength} bytes, dims [${dims}] of ${dtype} need ${expectBytes}`);
    data = arrayFromBytes(dtype, raw);
  } else if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.byteLength !== expectBytes) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}': raw_data has ${t.rawData.byteLength} bytes, dims [${dims}] of ${dtype} need ${expectBytes}`);
    data = arrayFromBytes(dtype, t.rawData).slice();
  } else {
    const src: ArrayLike<unknown> =
      dtype === 'float32' ? t.floatData ?? [] :
      dtype === 'float64' ? t.doubleData ?? [] :
      dtype === 'int64' ? t.int64Data ?? [] :
      dtype === 'uint64' || dtype === 'uint32' ? t.uint64Data ?? [] :
      t.int32Data ?? [];
    if (src.length !== n) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}' has ${src.length} values, dims [${dims}] need ${n}`);
    data = allocateArray(dtype, n);
    if (dtype === 'int64' || dtype === 'uint64') {
      for (let i = 0; i < n; i++) (data as BigInt64Array)[i] = BigInt(String(src[i]));
    } else {
      for (let i = 0; i < n; i++) (data as Float32Array)[i] = toNum(src[i]);
    }
  }
  return { dtype, dims, data };
}
