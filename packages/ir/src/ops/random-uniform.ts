// RandomUniform(like?) {dtype, shape?, low, high, seed?}: uniform samples in [low, high). The shape
// is the `like` input's when there is one (RandomUniformLike), else the `shape` attribute. The
// generator is xorshift32 stepped once per element in order, so a seeded node gives the same values
// in evaluate and in the compiled kernel; without a seed the state is drawn from the host's
// Math.random, so runs differ. The importer marks these nodes nondeterministic: never folded.
import { DType } from '../dtype.js';
import { Node } from '../graph.js';
import { OpDef, attrFloat, attrInts, attrString, fail, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';

const FLOATS: DType[] = ['float32', 'float64', 'float16'];

export interface RandomUniformAttrs {
  dtype: DType;
  /** The output shape when there is no `like` input. */
  shape: number[] | undefined;
  low: number;
  high: number;
  /** undefined: no seed, the state comes from the host's Math.random. */
  seed: number | undefined;
}

export function randomUniformAttrs(node: Node): RandomUniformAttrs {
  return {
    dtype: randomDType(node),
    shape: node.inputs[0] ? undefined : attrInts(node, 'shape'),
    low: attrFloat(node, 'low'), high: attrFloat(node, 'high'),
    seed: node.attrs.seed === undefined ? undefined : attrFloat(node, 'seed'),
  };
}

export function randomDType(node: Node): DType {
  const d = attrString(node, 'dtype') as DType;
  if (!FLOATS.includes(d)) fail(node, `dtype '${d}' is not supported (${FLOATS.join(', ')} are)`, 'DTYPE_MISMATCH');
  return d;
}

/** The generator's start state: from the seed attribute when there is one (never 0, a fixed point). */
export function randomInitialState(node: Node): number | undefined {
  const { seed } = randomUniformAttrs(node);
  if (seed === undefined) return undefined;
  return Math.imul(Math.trunc(seed) | 0, 0x9e3779b1) >>> 0 || 1;
}

/** One xorshift32 step. */
export function xorshift32(s: number): number {
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  return s >>> 0;
}

export const randomUniform: OpDef = {
  name: 'RandomUniform',
  group: 'elementwise',
  description: 'uniform random samples in [low, high) of a given or borrowed shape',
  infer(ctx) {
    const like = ctx.inputs[0];
    const a = randomUniformAttrs(ctx.node);
    return [{ dtype: a.dtype, shape: like ? [...like.shape] : a.shape! }];
  },
  evaluate(node, [like]) {
    const { shape, low, high } = randomUniformAttrs(node);
    const dims = like ? like.dims : shape!;
    let s = randomInitialState(node) ?? ((Math.random() * 0xffffffff) >>> 0 || 1);
    const vals = Array.from({ length: sizeOf(dims) }, () => {
      s = xorshift32(s);
      return low + (high - low) * (s >>> 8) * 2 ** -24;
    });
    return [makeTensor(randomDType(node), dims, vals)];
  },
};

registerOp(randomUniform);
