// CumSum / CumProd(x) {axis, exclusive = 0, reverse = 0}: running sums (products) along one axis.
// exclusive leaves each element out of its own result (the first becomes 0, or 1); reverse runs
// from the end. The importer turns ONNX's constant axis input into the attribute. Integers wrap
// to the dtype's width.
import { FLOAT_DTYPES, INT_DTYPES } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrInt, expectDType, input, normalizeAxis, registerOp } from '../op-registry.js';
import { makeTensor } from '../tensor.js';
import { axisView, valueReader } from './arg-extreme.js';
import { wrapInt } from './reduce.js';

/** CumSum's and CumProd's attributes. */
export interface CumulativeAttrs { axis: number; exclusive: boolean; reverse: boolean }

export function cumulativeAttrs(node: Node): CumulativeAttrs {
  return { axis: attrInt(node, 'axis'), exclusive: attrInt(node, 'exclusive') !== 0, reverse: attrInt(node, 'reverse') !== 0 };
}

function defineCumulative(name: 'CumSum' | 'CumProd'): OpDef {
  const product = name === 'CumProd';
  return {
    name,
    group: 'reduce',
    description: `running ${product ? 'product' : 'sum'} along an axis (exclusive, reverse)`,
    infer(ctx) {
      const dtype = expectDType(ctx, 0, [...FLOAT_DTYPES, ...INT_DTYPES]);
      const x = input(ctx, 0);
      normalizeAxis(ctx.node, cumulativeAttrs(ctx.node).axis, x.shape.length);
      return [{ dtype, shape: [...x.shape] }];
    },
    evaluate(node, [x]) {
      const { axis, exclusive, reverse } = cumulativeAttrs(node);
      const { outer, n, inner } = axisView(node, x!.dims, axis);
      // Integers accumulate exactly as BigInt and wrap at the end; floats accumulate in float64.
      const integer = !FLOAT_DTYPES.includes(x!.dtype);
      const read = valueReader(x!);
      const value = (k: number) => (integer ? BigInt(read(k)) : Number(read(k)));
      const ys = new Array<number | bigint>(x!.data.length);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        let acc: number | bigint = integer ? (product ? 1n : 0n) : product ? 1 : 0;
        for (let s = 0; s < n; s++) {
          const k = (o * n + (reverse ? n - 1 - s : s)) * inner + i;
          // Both operands are bigint or both are number.
          const next = (product ? (acc as number) * (value(k) as number) : (acc as number) + (value(k) as number)) as number | bigint;
          ys[k] = exclusive ? acc : next;
          acc = next;
        }
      }
      const vals = integer ? ys.map((v) => wrapInt(x!.dtype, v as bigint)) : ys;
      return [makeTensor(x!.dtype, [...x!.dims], vals as number[])];
    },
  };
}

registerOp(defineCumulative('CumSum'));
registerOp(defineCumulative('CumProd'));
