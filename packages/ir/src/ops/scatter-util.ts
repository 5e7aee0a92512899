// Shared by the index-driven ops (GatherElements, GatherND, ScatterElements, ScatterND):
// run-time index checks and the scatter reductions, on raw tensor elements of any dtype.
import { DType, floatToHalf, halfToFloat, isBigInt } from '../dtype.js';
import { Node } from '../graph.js';
import { attrString, fail } from '../op-registry.js';

/** An index into a dim of size `dim`, negative values counting from the end; out of range fails. */
export function checkedIndex(node: Node, i: number, dim: number, what: string): number {
  if (i < -dim || i >= dim) fail(node, `${what} ${i} is out of range for a dim of size ${dim}`);
  return i < 0 ? i + dim : i;
}

export type ScatterReduction = 'none' | 'add' | 'mul' | 'max' | 'min';
const REDUCTIONS: readonly ScatterReduction[] = ['none', 'add', 'mul', 'max', 'min'];

export function scatterReduction(node: Node, dtype?: DType): ScatterReduction {
  const r = attrString(node, 'reduction');
  if (!REDUCTIONS.includes(r as ScatterReduction)) fail(node, `reduction '${r}' is not one of ${REDUCTIONS.join(', ')}`, 'INVALID_ATTRIBUTE');
  if (r !== 'none' && dtype === 'bool') fail(node, `reduction '${r}' is not supported for bool tensors`, 'DTYPE_MISMATCH');
  return r as ScatterReduction;
}

/** Combines an existing element with an update (raw elements: float16 bits, bigints for 64-bit ints). */
export function reduceElement(dtype: DType, r: ScatterReduction, old: number | bigint, upd: number | bigint): number | bigint {
  if (r === 'none') return upd;
  if (isBigInt(dtype)) {
    const a = old as bigint, b = upd as bigint;
    const v = r === 'add' ? a + b : r === 'mul' ? a * b : r === 'max' ? (a > b ? a : b) : a < b ? a : b;
    return dtype === 'int64' ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v);
  }
  const half = dtype === 'float16';
  const a = half ? halfToFloat(old as number) : (old as number), b = half ? halfToFloat(upd as number) : (upd as number);
  let v: number;
  if (r === 'add') v = a + b;
  else if (r === 'mul') v = dtype === 'int32' || dtype === 'uint32' ? Math.imul(a, b) : a * b;
  else if (Number.isNaN(a) || Number.isNaN(b)) v = NaN;
  else v = r === 'max' ? Math.max(a, b) : Math.min(a, b);
  return half ? floatToHalf(v) : v;
}
