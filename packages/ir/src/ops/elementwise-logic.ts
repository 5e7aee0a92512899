// Comparison, logical, bitwise and selection ops: broadcasting like the arithmetic ones, with bool
// (0/1) results where ONNX says so.
import { DType, isBigInt } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrInt, attrString, broadcastShapes, expectInputCount, fail, input, registerOp } from '../op-registry.js';
import { mapElementwise } from '../reference.js';
import { Tensor } from '../tensor.js';

const INTS: DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'];
const NUMERIC: DType[] = ['float32', 'float64', 'float16', ...INTS];
const ORDERED: DType[] = [...NUMERIC, 'bool'];

interface Spec { fn: (a: number, b: number, n: Node) => number; inputs: DType[]; bool: boolean; description: string }

export const COMPARE: Record<string, Spec> = {
  Equal: { fn: (a, b) => +(a === b), inputs: ORDERED, bool: true, description: 'a == b' },
  Less: { fn: (a, b) => +(a < b), inputs: ORDERED, bool: true, description: 'a < b' },
  Greater: { fn: (a, b) => +(a > b), inputs: ORDERED, bool: true, description: 'a > b' },
  LessOrEqual: { fn: (a, b) => +(a <= b), inputs: ORDERED, bool: true, description: 'a <= b' },
  GreaterOrEqual: { fn: (a, b) => +(a >= b), inputs: ORDERED, bool: true, description: 'a >= b' },
  And: { fn: (a, b) => +(!!a && !!b), inputs: ['bool'], bool: true, description: 'logical and' },
  Or: { fn: (a, b) => +(!!a || !!b), inputs: ['bool'], bool: true, description: 'logical or' },
  Xor: { fn: (a, b) => +(!!a !== !!b), inputs: ['bool'], bool: true, description: 'logical xor' },
  BitwiseAnd: { fn: (a, b) => Number(BigInt(a) & BigInt(b)), inputs: INTS, bool: false, description: 'bitwise and' },
  BitwiseOr: { fn: (a, b) => Number(BigInt(a) | BigInt(b)), inputs: INTS, bool: false, description: 'bitwise or' },
  BitwiseXor: { fn: (a, b) => Number(BigInt(a) ^ BigInt(b)), inputs: INTS, bool: false, description: 'bitwise xor' },
  Mod: {
    fn: (a, b, n) => {
      if (attrInt(n, 'fmod')) return a % b;
      if (b === 0) return Number.isInteger(a) ? 0 : NaN;
      const r = a % b;
      return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
    },
    inputs: NUMERIC, bool: false, description: 'remainder (fmod=1: sign of the dividend, else of the divisor)',
  },
  BitShift: {
    fn: (a, b, n) => Number(attrString(n, 'direction') === 'LEFT' ? BigInt(a) << BigInt(b) : BigInt(a) >> BigInt(b)),
    inputs: ['uint8', 'uint16', 'uint32', 'uint64'], bool: false, description: 'shift left or right by b bits',
  },
};

function binary(name: string, spec: Spec): OpDef {
  return {
    name, group: 'elementwise', description: spec.description,
    infer(ctx) {
      expectInputCount(ctx, 2);
      const a = input(ctx, 0), b = input(ctx, 1);
      if (a.dtype !== b.dtype) fail(ctx.node, `input dtypes differ: ${a.dtype} and ${b.dtype}`, 'DTYPE_MISMATCH');
      if (!spec.inputs.includes(a.dtype)) fail(ctx.node, `dtype ${a.dtype} is not supported`, 'DTYPE_MISMATCH');
      if (name === 'Mod' && !attrInt(ctx.node, 'fmod') && ['float32', 'float64', 'float16'].includes(a.dtype)) fail(ctx.node, 'fmod=0 on floating point inputs is invalid', 'INVALID_ATTRIBUTE');
      if (name === 'BitShift') {
        const d = attrString(ctx.node, 'direction');
        if (d !== 'LEFT' && d !== 'RIGHT') fail(ctx.node, `direction must be LEFT or RIGHT, got '${d}'`, 'INVALID_ATTRIBUTE');
      }
      return [{ dtype: spec.bool ? 'bool' : a.dtype, shape: broadcastShapes(ctx.node, [a.shape, b.shape]) }];
    },
    evaluate(node, [a, b]) {
      return [mapElementwise([a!, b!], spec.bool ? 'bool' : a!.dtype, (x, y) => spec.fn(x, y, node))];
    },
  };
}

const not: OpDef = {
  name: 'Not', group: 'elementwise', description: 'logical not',
  infer(ctx) {
    expectInputCount(ctx, 1);
    const x = input(ctx, 0);
    if (x.dtype !== 'bool') fail(ctx.node, `dtype ${x.dtype} is not supported (bool only)`, 'DTYPE_MISMATCH');
    return [{ dtype: 'bool', shape: [...x.shape] }];
  },
  evaluate(_n, [x]) { return [mapElementwise([x!], 'bool', (v) => +!v)]; },
};

const bitwiseNot: OpDef = {
  name: 'BitwiseNot', group: 'elementwise', description: 'bitwise not',
  infer(ctx) {
    expectInputCount(ctx, 1);
    const x = input(ctx, 0);
    if (!INTS.includes(x.dtype)) fail(ctx.node, `dtype ${x.dtype} is not supported`, 'DTYPE_MISMATCH');
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  evaluate(_n, [x]) {
    const out = mapElementwise([x!], x!.dtype, (v) => (x!.dtype.startsWith('u') ? Number(BigInt.asUintN(64, ~BigInt(v))) : Number(~BigInt(v))));
    return [out];
  },
};

function floatPredicate(name: string, fn: (x: number, n: Node) => boolean, description: string): OpDef {
  return {
    name, group: 'elementwise', description,
    infer(ctx) {
      expectInputCount(ctx, 1);
      const x = input(ctx, 0);
      if (!['float32', 'float64', 'float16'].includes(x.dtype)) fail(ctx.node, `dtype ${x.dtype} is not supported`, 'DTYPE_MISMATCH');
      return [{ dtype: 'bool', shape: [...x.shape] }];
    },
    evaluate(n, [x]) { return [mapElementwise([x!], 'bool', (v) => +fn(v, n))]; },
  };
}

const where: OpDef = {
  name: 'Where', group: 'elementwise', description: 'cond ? x : y with broadcasting',
  infer(ctx) {
    expectInputCount(ctx, 3);
    const c = input(ctx, 0), x = input(ctx, 1), y = input(ctx, 2);
    if (c.dtype !== 'bool') fail(ctx.node, `condition has dtype ${c.dtype}; expected bool`, 'DTYPE_MISMATCH');
    if (x.dtype !== y.dtype) fail(ctx.node, `x and y dtypes differ: ${x.dtype} and ${y.dtype}`, 'DTYPE_MISMATCH');
    return [{ dtype: x.dtype, shape: broadcastShapes(ctx.node, [c.shape, x.shape, y.shape]) }];
  },
  evaluate(_n, [c, x, y]) {
    if (isBigInt(x!.dtype)) {
      // keep 64-bit values exact: select indices, then copy BigInts
      const idx = mapElementwise([c!, { ...x!, data: Float64Array.from(x!.data as BigInt64Array, (_, i) => i) }, { ...y!, data: Float64Array.from(y!.data as BigInt64Array, (_, i) => -1 - i) }], 'float64', (cv, xi, yi) => (cv ? xi : yi));
      const out = { dtype: x!.dtype, dims: idx.dims, data: new BigInt64Array(idx.data.length) } as Tensor;
      idx.data.forEach((k, i) => { (out.data as BigInt64Array)[i] = (k as number) >= 0 ? (x!.data as BigInt64Array)[k as number]! : (y!.data as BigInt64Array)[-1 - (k as number)]!; });
      return [out];
    }
    return [mapElementwise([c!, x!, y!], x!.dtype, (cv, xv, yv) => (cv ? xv : yv))];
  },
};

for (const [name, spec] of Object.entries(COMPARE)) registerOp(binary(name, spec));
registerOp(not);
registerOp(bitwiseNot);
registerOp(where);
registerOp(floatPredicate('IsNaN', (x) => Number.isNaN(x), 'x is NaN'));
registerOp(floatPredicate('IsInf', (x, n) => (x === Infinity && attrInt(n, 'detect_positive') === 1) || (x === -Infinity && attrInt(n, 'detect_negative') === 1), 'x is +/-Inf (detect_positive / detect_negative)'));
