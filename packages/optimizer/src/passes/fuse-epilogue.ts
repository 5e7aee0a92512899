// Moves the work that follows a matmul-like node into its epilogue, so the kernel applies it in
// registers before the store instead of another pass over memory:
//   bias Add of a per-channel constant → the node's bias input,
//   Add of a same-shaped run-time value → the residual input,
//   Relu / Clip / Sigmoid / Tanh / LeakyRelu / HardSigmoid / HardSwish / Gelu, x·sigmoid(x) → the activation.
// Order inside the epilogue is fixed (bias, residual, activation), so a rule only fires when the
// parts after it are still empty.
import { Node, Tensor, ValueType, elementwiseFunction, geluAttrs, functionParams, gemmAttrs, isElementwiseFunction, isFn, makeTensor, opLabel, readActivation } from '@onnx2wasm/ir';
import { GraphView, Patch, Rule, rewritePass } from '../rewrite.js';

/** Which ops take an epilogue, where their bias and residual inputs go, and the bias layout. */
interface Fusable { biasInput: number; residualInput: number; channelAxis: (out: ValueType) => number }
export const FUSABLE: Record<string, Fusable> = {
  Gemm: { biasInput: 2, residualInput: 3, channelAxis: () => 1 },
  Conv: { biasInput: 2, residualInput: 3, channelAxis: () => 1 },
  MatMul: { biasInput: 2, residualInput: 3, channelAxis: (out) => out.shape.length - 1 },
};

function fusable(view: GraphView, value: string): Node | undefined {
  const p = view.producer(value);
  if (!p || !FUSABLE[p.op] || !view.singleUse(value) || p.outputs[0] !== value) return undefined;
  return p;
}

function hasActivation(n: Node): boolean { return readActivation(n) !== undefined; }

function replaceWith(view: GraphView, base: Node, tail: Node, inputs: string[], attrs: Node['attrs'], extra: Node[] = []): Patch {
  const fused: Node = { ...base, inputs, outputs: [tail.outputs[0]!], attrs };
  void view;
  return { remove: [base, tail, ...extra], insert: [fused] };
}

/** The per-channel values of a constant that only varies along `axis` of `out`, or undefined. */
function channelVector(t: Tensor, out: ValueType, axis: number): Tensor | undefined {
  // Only the channel dim must be static: the other dims of a symbolic output (batch) are broadcast.
  const rank = out.shape.length, c = out.shape[axis];
  if (typeof c !== 'number' || t.dtype !== 'float32' || t.dims.length > rank) return undefined;
  const dims = [...new Array(rank - t.dims.length).fill(1), ...t.dims];
  if (!dims.every((d, i) => d === 1 || (i === axis && d === c))) return undefined;
  const vals = Array.from({ length: c }, (_, i) => Number(t.data[dims[axis] === 1 ? 0 : i]));
  return makeTensor('float32', [c], vals);
}

const fuseBias: Rule = {
  name: 'fuse-bias',
  apply(n, view) {
    if (!isFn(n, 'Add')) return undefined;
    for (const k of [0, 1]) {
      const base = fusable(view, n.inputs[k]!);
      const other = n.inputs[1 - k]!;
      const c = view.constant(other);
      if (!base || !c || hasActivation(base) || base.inputs[FUSABLE[base.op]!.residualInput]) continue;
      const spec = FUSABLE[base.op]!;
      const out = view.type(base.outputs[0]!);
      const vec = channelVector(c, out, spec.channelAxis(out));
      if (!vec) continue;
      if (base.op === 'Gemm' && gemmAttrs(base).beta !== 1) continue;
      const old = base.inputs[spec.biasInput] ? view.constant(base.inputs[spec.biasInput]!) : undefined;
      if (base.inputs[spec.biasInput] && !old) continue;
      const oldVec = old ? channelVector(old, out, spec.channelAxis(out)) : undefined;
      if (old && !oldVec) continue;
      const sum = makeTensor('float32', vec.dims, Array.from(vec.data as Float32Array, (v, i) => v + (oldVec ? (oldVec.data as Float32Array)[i]! : 0)));
      const name = view.fresh(`${base.name}/bias`);
      const inputs = [...base.inputs];
      while (inputs.length <= spec.biasInput) inputs.push('');
      inputs[spec.biasInput] = name;
      const p = replaceWith(view, base, n, inputs, base.attrs);
      p.constants = [[name, sum]];
      return p;
    }
    return undefined;
  },
};

const fuseResidual: Rule = {
  name: 'fuse-residual',
  apply(n, view) {
    if (!isFn(n, 'Add')) return undefined;
    for (const k of [0, 1]) {
      const base = fusable(view, n.inputs[k]!);
      const other = n.inputs[1 - k]!;
      if (!base || view.constant(other) || hasActivation(base)) continue;
      const spec = FUSABLE[base.op]!;
      if (base.inputs[spec.residualInput]) continue;
      const a = view.type(base.outputs[0]!), b = view.type(other);
      if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) continue;
      const inputs = [...base.inputs];
      while (inputs.length <= spec.residualInput) inputs.push('');
      inputs[spec.residualInput] = other;
      return replaceWith(view, base, n, inputs, base.attrs);
    }
    return undefined;
  },
};

function constScalar(view: GraphView, v: string | undefined, dflt: number): number | undefined {
  if (!v) return dflt;
  const t = view.constant(v);
  return t && t.data.length === 1 ? Number(t.data[0]) : undefined;
}

/** The activation a single-input node computes, if it is one we fuse. */
function activationOf(n: Node, view: GraphView): { kind: string; params: number[] } | undefined {
  const id = opLabel(n);
  const f = isElementwiseFunction(id) ? elementwiseFunction(id) : undefined;
  if (f?.epilogue) return { kind: f.epilogue, params: functionParams(n, f.id) };
  switch (id) {
    case 'Gelu': return { kind: geluAttrs(n).approximate === 'tanh' ? 'gelu_tanh' : 'gelu', params: [] };
    case 'Clip': {
      const lo = constScalar(view, n.inputs[1], -3.4028234663852886e38), hi = constScalar(view, n.inputs[2], 3.4028234663852886e38);
      return lo === undefined || hi === undefined ? undefined : { kind: 'clip', params: [lo, hi] };
    }
    default: return undefined;
  }
}

const fuseActivation: Rule = {
  name: 'fuse-activation',
  apply(n, view) {
    const base = n.inputs[0] ? fusable(view, n.inputs[0]) : undefined;
    if (!base || hasActivation(base)) return undefined;
    const act = activationOf(n, view);
    if (!act) return undefined;
    return replaceWith(view, base, n, base.inputs, { ...base.attrs, activation: act.kind, activation_params: act.params });
  },
};

/** x * sigmoid(x) where x comes from a fusable node read only by the Sigmoid and the Mul. */
const fuseSilu: Rule = {
  name: 'fuse-silu',
  apply(n, view) {
    if (!isFn(n, 'Mul')) return undefined;
    for (const k of [0, 1]) {
      const x = n.inputs[k]!, s = n.inputs[1 - k]!;
      const sig = view.producer(s);
      const base = view.producer(x);
      if (!sig || !isFn(sig, 'Sigmoid') || sig.inputs[0] !== x || !view.singleUse(s)) continue;
      if (!base || !FUSABLE[base.op] || hasActivation(base) || view.isGraphOutput(x)) continue;
      const readers = view.consumers(x);
      if (readers.length !== 2 || !readers.includes(sig) || !readers.includes(n)) continue;
      return replaceWith(view, base, n, base.inputs, { ...base.attrs, activation: 'silu', activation_params: [] }, [sig]);
    }
    return undefined;
  },
};

export const fuseEpilogue = rewritePass(
  'fuse-epilogue',
  'fold bias adds, residual adds and activations into Conv/Gemm/MatMul epilogues',
  [fuseBias, fuseResidual, fuseSilu, fuseActivation],
);
