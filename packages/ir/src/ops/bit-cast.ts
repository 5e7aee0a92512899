// BitCast(x, to): the same bytes read as another dtype of the same width (little endian), shape kept.
// Unlike Cast no value is converted, so float NaN payloads and negative integers survive as bits.
import { DTYPE_BYTES, DType, FLOAT_DTYPES, INT_DTYPES, arrayFromBytes } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrString, fail, input, registerOp } from '../op-registry.js';

// Whole-byte types only: sub-byte and float8 types are held one element per byte, sign-extended,
// so their bytes are not the packed ONNX bits.
const BIT_CASTABLE: readonly DType[] = [...FLOAT_DTYPES, ...INT_DTYPES, 'bool'];

export interface BitCastAttrs { to: DType }

export function bitCastAttrs(node: Node): BitCastAttrs {
  return { to: attrString(node, 'to') as DType };
}

function target(node: Node, from: DType): DType {
  const { to } = bitCastAttrs(node);
  if (!BIT_CASTABLE.includes(from)) fail(node, `cannot bit-cast from ${from}; supported: ${BIT_CASTABLE.join(', ')}`, 'DTYPE_MISMATCH');
  if (!BIT_CASTABLE.includes(to)) fail(node, `cannot bit-cast to '${to}'; supported: ${BIT_CASTABLE.join(', ')}`, 'INVALID_ATTRIBUTE');
  if (DTYPE_BYTES[to] !== DTYPE_BYTES[from]) fail(node, `cannot bit-cast ${from} (${DTYPE_BYTES[from]} bytes) to ${to} (${DTYPE_BYTES[to]} bytes); the widths must match`, 'INVALID_ATTRIBUTE');
  return to;
}

export const bitCast: OpDef = {
  name: 'BitCast',
  group: 'elementwise',
  description: 'reinterpret the bytes as another dtype of the same width',
  infer(ctx) {
    const x = input(ctx, 0);
    return [{ dtype: target(ctx.node, x.dtype), shape: [...x.shape] }];
  },
  evaluate(node, [x]) {
    const bytes = new Uint8Array(x!.data.buffer, x!.data.byteOffset, x!.data.byteLength).slice();
    return [{ dtype: target(node, x!.dtype), dims: [...x!.dims], data: arrayFromBytes(target(node, x!.dtype), bytes) }];
  },
  flops: () => 0,
};

registerOp(bitCast);
