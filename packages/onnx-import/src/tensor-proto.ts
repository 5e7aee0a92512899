import * as fs from 'node:fs';
import * as path from 'node:path';
import { DType, Tensor, TypedArray, allocateArray, arrayFromBytes, sizeOf, DTYPE_BYTES, PACKED_BITS, unpackSubByte } from '@onnx2wasm/ir';
import { OnnxImportError } from './errors.js';
import { TensorProto, toNum } from './proto.js';

/** ONNX TensorProto.DataType → our dtype names. */
export const ONNX_DTYPES: Record<number, DType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
  16: 'bfloat16', 17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz',
  21: 'uint4', 22: 'int4', 23: 'float4e2m1', 24: 'float8e8m0', 25: 'uint2', 26: 'int2',
};

export function dtypeFromOnnx(code: number | null | undefined, what: string): DType {
  const d = ONNX_DTYPES[code ?? 0];
  if (!d) throw new OnnxImportError('INVALID_MODEL', `${what} has unsupported element type ${code ?? 'UNDEFINED'} (complex types are not supported)`);
  return d;
}

export interface TensorLoadOptions {
  /** Folder of the model file, for external data; absent when the model came from bytes. */
  baseDir?: string;
}

/** A non-negative integer from an external_data entry; anything else ('-1', '0x10', '1e3', '') is rejected. */
function externalInt(kv: Map<string, string>, key: string, name: string): number | undefined {
  const v = kv.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw new OnnxImportError('INVALID_MODEL', `initializer '${name}': external data ${key} '${v}' is not a non-negative integer`);
  return n;
}

function insideFolder(base: string, file: string): boolean {
  return file === base || file.startsWith(base + path.sep);
}

/** Where the kernel can name an open descriptor's file (Linux), that name; elsewhere undefined. */
function descriptorPath(fd: number): string | undefined {
  try { return fs.readlinkSync(`/proc/self/fd/${fd}`); } catch { return undefined; }
}

/**
 * Checks that the opened descriptor is the file `file` resolves to inside the model's folder: the
 * real path must lie in the folder and its inode and device must be the descriptor's. Another
 * process flipping the path between a file and a symlink to a secret can then only make the
 * import fail, never read the secret: the open may follow the link, but the descriptor's inode is
 * then the secret's, which no path inside the folder has (a hard link into the folder aside, which
 * needs write access to the secret's file system and is the folder owner's choice). On Linux the
 * kernel's own name for the descriptor is checked too, which no later swap can change.
 */
function checkOpenedInside(fd: number, base: string, file: string, name: string, location: string): void {
  const realBase = fs.realpathSync(base);
  const leaks = () => new OnnxImportError('INVALID_MODEL', `initializer '${name}': external data path '${location}' leads out of the model's folder (through a symlink)`);
  const opened = fs.fstatSync(fd);
  const real = fs.realpathSync(file);
  if (!insideFolder(realBase, real)) throw leaks();
  const named = fs.statSync(real);
  if (named.ino !== opened.ino || named.dev !== opened.dev) throw leaks();
  const kernelName = descriptorPath(fd);
  if (kernelName !== undefined && kernelName.startsWith('/') && !insideFolder(realBase, kernelName)) throw leaks();
}

/** Reads `expectBytes` of external data, refusing paths (symlinks included) that leave the model's folder. */
function readExternal(t: TensorProto, name: string, opts: TensorLoadOptions, expectBytes: number): Uint8Array {
  const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = kv.get('location');
  if (!location) throw new OnnxImportError('INVALID_MODEL', `initializer '${name}' is external but names no location`);
  if (!opts.baseDir) throw new OnnxImportError('INVALID_MODEL', `initializer '${name}' uses external data '${location}'; compile the model from its file path so the data can be found next to it`);
  const base = path.resolve(opts.baseDir);
  const file = path.resolve(base, location);
  if (path.isAbsolute(location) || location.includes('\0') || !insideFolder(base, file)) {
    throw new OnnxImportError('INVALID_MODEL', `initializer '${name}': external data path '${location}' leaves the model's folder`);
  }
  const offset = externalInt(kv, 'offset', name) ?? 0;
  const declared = externalInt(kv, 'length', name);
  if (declared !== undefined && declared !== expectBytes) {
    throw new OnnxImportError('INVALID_MODEL', `tensor '${name}': external data length is ${declared} bytes, its dims and dtype need ${expectBytes}`);
  }
  let fd: number;
  try {
    // Opened first, then checked: the checks below are about this descriptor, so a file swapped
    // for a symlink (or a folder for a link) after the open cannot change what is read.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new OnnxImportError('IO_ERROR', `initializer '${name}': external data file '${location}' cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    checkOpenedInside(fd, base, file, name, location);
  } catch (e) {
    fs.closeSync(fd);
    if (e instanceof OnnxImportError) throw e;
    throw new OnnxImportError('IO_ERROR', `initializer '${name}': external data file '${location}' cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new OnnxImportError('INVALID_MODEL', `initializer '${name}': external data location '${location}' is not a file`);
    if (declared === undefined && stat.size - offset !== expectBytes) {
      throw new OnnxImportError('INVALID_MODEL', `tensor '${name}': external data '${location}' has ${stat.size - offset} bytes from offset ${offset}, its dims and dtype need ${expectBytes}`);
    }
    if (offset + expectBytes > stat.size) {
      throw new OnnxImportError('INVALID_MODEL', `initializer '${name}': external data range ${offset}+${expectBytes} is outside '${location}' (${stat.size} bytes)`);
    }
    const buf = new Uint8Array(expectBytes);
    for (let done = 0; done < expectBytes;) {
      const n = fs.readSync(fd, buf, done, Math.min(expectBytes - done, 1 << 30), offset + done);
      if (n === 0) throw new OnnxImportError('IO_ERROR', `initializer '${name}': external data file '${location}' ended early`);
      done += n;
    }
    return buf;
  } finally { fs.closeSync(fd); }
}

/** Decodes a TensorProto (raw_data, typed fields or external data), checking its size against its dims. */
export function tensorFromProto(t: TensorProto, opts: TensorLoadOptions = {}): Tensor {
  const name = t.name ?? '';
  const dtype = dtypeFromOnnx(t.dataType, `tensor '${name}'`);
  const dims = (t.dims ?? []).map(toNum);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}' has invalid dims [${dims}]`);
  const n = sizeOf(dims);
  if (!Number.isSafeInteger(n)) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}' has dims [${dims}], ${n} elements: more than any tensor can hold`);
  if (dtype === 'string') throw new OnnxImportError('UNSUPPORTED_OP', `tensor '${name}' holds strings, which are not supported`);
  // Sub-byte types are packed in ONNX's bytes (raw, external and int32_data alike) and one per
  // byte in our tensors.
  const bits = PACKED_BITS[dtype];
  const expectBytes = bits ? Math.ceil((n * bits) / 8) : n * DTYPE_BYTES[dtype];
  const load = (bytes: Uint8Array): TypedArray => (bits ? unpackSubByte(dtype, bytes, n) : arrayFromBytes(dtype, bytes).slice());
  let data: TypedArray;
  if (t.dataLocation === 1) {
    data = load(readExternal(t, name, opts, expectBytes));
  } else if (t.rawData && t.rawData.length > 0) {
    if (t.rawData.byteLength !== expectBytes) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}': raw_data has ${t.rawData.byteLength} bytes, dims [${dims}] of ${dtype} need ${expectBytes}`);
    data = load(t.rawData);
  } else if (bits) {
    const src = t.int32Data ?? [];
    if (src.length !== expectBytes) throw new OnnxImportError('INVALID_MODEL', `tensor '${name}' has ${src.length} packed int32_data values, dims [${dims}] of ${dtype} need ${expectBytes}`);
    data = unpackSubByte(dtype, Array.from(src, toNum), n);
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
