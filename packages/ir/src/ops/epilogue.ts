// Fusion as data: a Conv / Gemm / MatMul node may carry an epilogue that the kernel applies to each
// result in registers before the store — y = activation(acc + bias + residual). The optimizer's
// fuse-epilogue pass fills these attributes; every fused op's evaluate applies them through here.
import { Node } from '../graph.js';
import { fail } from '../op-registry.js';
import { referenceErf } from './unary.js';
import { Tensor } from '../tensor.js';
import { broadcastIndexer } from '../reference.js';
import { ELEMENTWISE_FUNCTIONS, elementwiseFunction } from './elementwise-functions.js';

export const ACTIVATIONS = ['relu', 'clip', 'sigmoid', 'silu', 'tanh', 'hardsigmoid', 'hardswish', 'gelu', 'gelu_tanh', 'leakyrelu'] as const;
export type ActivationKind = (typeof ACTIVATIONS)[number];

export interface Activation { kind: ActivationKind; params: number[] }

/** The node's fused activation, if any (attributes `activation` and `activation_params`). */
export function readActivation(node: Node): Activation | undefined {
  const kind = node.attrs.activation;
  if (kind === undefined || kind === null) return undefined;
  if (typeof kind !== 'string' || !(ACTIVATIONS as readonly string[]).includes(kind)) {
    fail(node, `unknown fused activation '${String(kind)}'`, 'INVALID_ATTRIBUTE');
  }
  // Only the kinds with parameters (clip, leakyrelu, hardsigmoid) carry activation_params, always
  // all of them: the fusing pass copies them from the fused node.
  const count = paramCount(kind as ActivationKind);
  if (count === 0) return { kind: kind as ActivationKind, params: [] };
  const params = node.attrs.activation_params;
  if (!Array.isArray(params) || params.length < count || params.some((v) => typeof v !== 'number')) {
    fail(node, `fused activation '${kind}' needs its ${count} parameter(s) in activation_params`, 'INVALID_ATTRIBUTE');
  }
  return { kind: kind as ActivationKind, params: params as number[] };
}

/** How many parameters a fused activation takes: clip's bounds, else its elementwise function's. */
function paramCount(kind: ActivationKind): number {
  if (kind === 'clip') return 2;
  const f = ELEMENTWISE_FUNCTIONS.find((g) => g.epilogue === kind);
  return f ? f.params.length : 0;
}

export function activationFn(a: Activation): (x: number) => number {
  const [p0 = 0, p1 = 0] = a.params;
  // The kinds the table of elementwise functions names (relu, sigmoid, hardsigmoid, …) compute its reference.
  const f = ELEMENTWISE_FUNCTIONS.find((g) => g.epilogue === a.kind);
  if (f) return (x) => f.reference(x, [p0, p1]);
  const sigmoid = elementwiseFunction('Sigmoid').reference;
  switch (a.kind) {
    case 'clip': return (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x, p0), p1));
    case 'silu': return (x) => x * sigmoid(x, []);
    case 'gelu': return (x) => 0.5 * x * (1 + referenceErf(x / Math.SQRT2));
    case 'gelu_tanh': return (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    default: throw new Error(`no reference for the epilogue activation '${a.kind}'`);
  }
}

/** y + residual (broadcast), then the activation; returns y itself when there is no epilogue. */
export function applyEpilogue(node: Node, y: Tensor, residual?: Tensor): Tensor {
  const act = readActivation(node);
  if (!act && !residual) return y;
  const out = y.data as Float32Array;
  if (residual) {
    const idx = broadcastIndexer(residual.dims, y.dims);
    const r = residual.data as Float32Array;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + r[idx(i)]!;
  }
  if (act) {
    const f = activationFn(act);
    for (let i = 0; i < out.length; i++) out[i] = f(out[i]!);
  }
  return y;
}
