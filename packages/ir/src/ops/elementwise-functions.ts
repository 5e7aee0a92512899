// One table of the elementwise activation functions: id (the IR op name), parameters with their
// defaults, the reference implementation (the living definition, used by constant folding, the
// ops' evaluate, fused epilogues and recurrent gates alike) and flags. ops/elementwise.ts,
// epilogue.ts and ops/recurrent.ts read it instead of keeping formulas of their own. The parameter
// defaults are the importer's: its attribute defaults (onnx-import attribute-defaults.ts) and the
// recurrent gates' defaults come from here, and every node carries its parameters explicitly.
import { Node } from '../graph.js';
import { attrFloat } from '../op-registry.js';

export interface ElementwiseParam { name: string; default: number }

export interface ElementwiseFunction {
  id: string;
  description: string;
  /** Float parameters in order (ONNX attribute names), with the defaults the ONNX spec gives them. */
  params: readonly ElementwiseParam[];
  /** f(x) for the parameter values in `params` order. */
  reference(x: number, p: readonly number[]): number;
  /** A unary IR op of this name exists, imported one-to-one from the ONNX op (false: only an RNN gate, e.g. Affine). */
  irOp: boolean;
  /** The IR op takes integer tensors too (else float32, float64, float16 only). */
  integer: boolean;
  /** RNN/GRU/LSTM may name it as a gate activation (alpha, beta = params 0, 1). */
  recurrent: boolean;
  /** The optimizer may fold it into a FusedElementwise chain (codegen's fused kernel has a step for it). */
  fusable: boolean;
  /** The kind a Conv/Gemm/MatMul epilogue applies it as (ir epilogue.ts), if it can be fused there. */
  epilogue?: string;
  /** Non-decreasing in x for every parameter value allowed. */
  monotonic: boolean;
  /** Needs exp/log/tanh/erf, which wasm has no instruction for (a shared helper function). */
  hostMath: boolean;
}

type Flags = 'params' | 'irOp' | 'integer' | 'recurrent' | 'fusable' | 'monotonic' | 'hostMath';
type Entry = Omit<ElementwiseFunction, 'id' | Flags> & Partial<Pick<ElementwiseFunction, Flags>>;

const p = (name: string, dflt: number): ElementwiseParam => ({ name, default: dflt });

const ENTRIES: Record<string, Entry> = {
  // x < 0 ? 0 : x keeps -0 and NaN, as the kernels' pmax and onnxruntime do.
  Relu: { description: 'max(x, 0)', reference: (x) => (x < 0 ? 0 : x), integer: true, recurrent: true, fusable: true, epilogue: 'relu', monotonic: true },
  Sigmoid: { description: '1 / (1 + exp(-x))', reference: (x) => 1 / (1 + Math.exp(-x)), recurrent: true, fusable: true, epilogue: 'sigmoid', monotonic: true, hostMath: true },
  Tanh: { description: 'hyperbolic tangent', reference: (x) => Math.tanh(x), recurrent: true, fusable: true, epilogue: 'tanh', monotonic: true, hostMath: true },
  LeakyRelu: { description: 'x if x >= 0 else alpha * x', params: [p('alpha', 0.01)], reference: (x, [a]) => (x >= 0 ? x : x * a!), recurrent: true, fusable: true, epilogue: 'leakyrelu' },
  HardSigmoid: { description: 'clamp(alpha * x + beta, 0, 1)', params: [p('alpha', 0.2), p('beta', 0.5)], reference: (x, [a, b]) => Math.max(0, Math.min(1, a! * x + b!)), recurrent: true, fusable: true, epilogue: 'hardsigmoid' },
  HardSwish: { description: 'x * clamp(x / 6 + 1/2, 0, 1)', reference: (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)), epilogue: 'hardswish' },
  Softplus: { description: 'log(1 + exp(x))', reference: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), monotonic: true, hostMath: true },
  Softsign: { description: 'x / (1 + |x|)', reference: (x) => x / (1 + Math.abs(x)), recurrent: true, monotonic: true },
  Elu: { description: 'x if x >= 0 else alpha * (exp(x) - 1)', params: [p('alpha', 1)], reference: (x, [a]) => (x >= 0 ? x : a! * Math.expm1(x)), recurrent: true, hostMath: true },
  Selu: {
    description: 'gamma * (x if x > 0 else alpha * (exp(x) - 1))', params: [p('alpha', 1.6732632), p('gamma', 1.050701)],
    reference: (x, [a, g]) => g! * (x > 0 ? x : a! * Math.expm1(x)), hostMath: true,
  },
  Celu: { description: 'max(0, x) + min(0, alpha * (exp(x / alpha) - 1))', params: [p('alpha', 1)], reference: (x, [a]) => Math.max(0, x) + Math.min(0, a! * Math.expm1(x / a!)), hostMath: true },
  ThresholdedRelu: { description: 'x if x > alpha else 0', params: [p('alpha', 1)], reference: (x, [a]) => (x > a! ? x : 0), recurrent: true },
  Mish: { description: 'x * tanh(softplus(x))', reference: (x) => x * Math.tanh(x > 20 ? x : Math.log1p(Math.exp(x))), hostMath: true },
  Shrink: { description: 'soft shrinkage', params: [p('lambd', 0.5), p('bias', 0)], reference: (x, [l, b]) => (x < -l! ? x + b! : x > l! ? x - b! : 0), integer: true },
  // Gates of RNN/GRU/LSTM only (ONNX removed these ops; their names live on in `activations`).
  Affine: { description: 'alpha * x + beta', params: [p('alpha', 1), p('beta', 0)], reference: (x, [a, b]) => a! * x + b!, irOp: false, recurrent: true },
  ScaledTanh: { description: 'alpha * tanh(beta * x)', params: [p('alpha', 1), p('beta', 1)], reference: (x, [a, b]) => a! * Math.tanh(b! * x), irOp: false, recurrent: true, hostMath: true },
};

export const ELEMENTWISE_FUNCTIONS: readonly ElementwiseFunction[] = Object.entries(ENTRIES).map(([id, e]) => ({
  id, params: [], irOp: true, integer: false, recurrent: false, fusable: false, monotonic: false, hostMath: false, ...e,
}));

const BY_ID = new Map(ELEMENTWISE_FUNCTIONS.map((f) => [f.id, f]));

/** The function of this id; throws for an id not in the table (a bug, not a user error). */
export function elementwiseFunction(id: string): ElementwiseFunction {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`no elementwise function '${id}'`);
  return f;
}

export function isElementwiseFunction(id: string): boolean {
  return BY_ID.has(id);
}

/** The parameter values of node `n` computing function `id`: its attributes, which the importer writes (from this table's defaults) and every pass copies. */
export function functionParams(n: Node, id: string): number[] {
  return elementwiseFunction(id).params.map((q) => attrFloat(n, q.name));
}
