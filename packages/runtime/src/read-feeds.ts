// run() reads what the caller passed exactly once. A feed whose `data` or `dims` is a getter (or
// a Proxy) could otherwise return one array to the checks and another to the copy: a shorter one
// left stale arena bytes in the input, a longer one escaped as an untyped RangeError. Each
// tensor's fields are read into a plain snapshot first; the checks and the copy see only that,
// and typed arrays are measured with the built-in getters, which a subclass cannot override.
import { RuntimeInputError } from './errors.js';
import type { Tensor } from './tensor.js';

const TYPED_ARRAY = Object.getPrototypeOf(Int8Array.prototype) as object;
const intrinsic = (key: string) => Object.getOwnPropertyDescriptor(TYPED_ARRAY, key)!.get!;
const BUFFER = intrinsic('buffer');
const BYTE_OFFSET = intrinsic('byteOffset');
const BYTE_LENGTH = intrinsic('byteLength');

/** The feeds' own entries, each tensor's dtype, dims (copied) and data read once. */
export function readFeedsOnce(feeds: object): Record<string, Tensor> {
  const out: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const name of Object.keys(feeds)) {
    const t = (feeds as Record<string, unknown>)[name];
    if (!t || typeof t !== 'object') { out[name] = t as Tensor; continue; }
    const { dtype, dims, data } = t as Tensor;
    out[name] = { dtype, dims: Array.isArray(dims) ? Array.from(dims) : dims, data };
  }
  return out;
}

/**
 * The bytes of a feed's typed array as the engine sees them (not as a subclass or Proxy claims).
 * Throws INVALID_INPUT for anything that is not a real typed array; a detached one has no bytes.
 */
export function feedBytes(name: string, data: unknown): Uint8Array {
  try {
    const buffer = BUFFER.call(data) as ArrayBuffer;
    if (buffer.byteLength === 0) return new Uint8Array(0); // empty, or detached (transferred)
    return new Uint8Array(buffer, BYTE_OFFSET.call(data) as number, BYTE_LENGTH.call(data) as number);
  } catch {
    throw new RuntimeInputError('INVALID_INPUT', name, `input '${name}': data is not a typed array (a Proxy or another object posing as one)`);
  }
}
