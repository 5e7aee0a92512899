// RNN, GRU and LSTM in the time-major layout (the importer transposes layout = 1):
//   X [T, B, I], W [D, G·H, I], R [D, G·H, H], B? [D, 2·G·H] (input then recurrent biases),
//   sequence_lens? [B] int32, initial_h? [D, B, H], and for LSTM initial_c? [D, B, H], P? [D, 3·H];
//   outputs Y [T, D, B, H] (zero past a sequence's length), Y_h [D, B, H], and for LSTM Y_c.
// Attributes are normalized by the importer: hidden_size, direction (forward | reverse |
// bidirectional), activations (names, one list entry per function per direction) with
// activation_alpha / activation_beta aligned to them, clip (0 = none), linear_before_reset (GRU),
// input_forget (LSTM). Gate order follows ONNX: GRU z, r, h; LSTM i, o, f, c (peepholes i, o, f).
import { Node } from '../graph.js';
import { OpDef, attrFloat, attrInt, attrString, expectDType, fail, input, registerOp } from '../op-registry.js';
import { Tensor, makeTensor } from '../tensor.js';
import { ELEMENTWISE_FUNCTIONS } from './elementwise-functions.js';

export type CellKind = 'RNN' | 'GRU' | 'LSTM';
export const GATES: Record<CellKind, number> = { RNN: 1, GRU: 3, LSTM: 4 };
export const FUNCTIONS: Record<CellKind, number> = { RNN: 1, GRU: 2, LSTM: 3 };

/** Activation functions an RNN may name (the table's recurrent ones), taking (alpha, beta) as their parameters. */
export const ACTIVATIONS: Record<string, (x: number, a: number, b: number) => number> = Object.fromEntries(
  ELEMENTWISE_FUNCTIONS.filter((f) => f.recurrent).map((f) => [f.id, (x: number, a: number, b: number) => f.reference(x, [a, b])]),
);

export interface RecurrentConfig {
  kind: CellKind;
  T: number; B: number; I: number; H: number; D: number;
  reverse: boolean[];
  /** Per direction, the cell's functions (f, g[, h]) as [name, alpha, beta]. */
  functions: [string, number, number][][];
  clip: number;
  linearBeforeReset: boolean;
  inputForget: boolean;
}

export function recurrentConfig(node: Node, x: number[]): RecurrentConfig {
  const kind = node.op as CellKind;
  const H = attrInt(node, 'hidden_size');
  const direction = attrString(node, 'direction');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) fail(node, `direction '${direction}' is not supported`, 'INVALID_ATTRIBUTE');
  const D = direction === 'bidirectional' ? 2 : 1;
  const names = node.attrs.activations as string[], alphas = node.attrs.activation_alpha as number[], betas = node.attrs.activation_beta as number[];
  if (!Array.isArray(names) || ![alphas, betas].every((l) => Array.isArray(l) && l.length === names.length)) fail(node, 'activations, activation_alpha and activation_beta must be lists of one entry per function', 'INVALID_ATTRIBUTE');
  const F = FUNCTIONS[kind];
  if (names.length !== F * D) fail(node, `activations [${names}] must list ${F * D} functions`, 'INVALID_ATTRIBUTE');
  for (const n of names) if (!ACTIVATIONS[n]) fail(node, `activation '${n}' is not supported`, 'UNSUPPORTED_OP');
  const functions = Array.from({ length: D }, (_, d) => names.slice(d * F, (d + 1) * F).map((n, k) => [n, alphas[d * F + k]!, betas[d * F + k]!] as [string, number, number]));
  return {
    kind, T: x[0]!, B: x[1]!, I: x[2]!, H, D,
    reverse: D === 2 ? [false, true] : [direction === 'reverse'],
    functions,
    clip: attrFloat(node, 'clip'),
    linearBeforeReset: kind === 'GRU' && attrInt(node, 'linear_before_reset') !== 0,
    inputForget: kind === 'LSTM' && attrInt(node, 'input_forget') !== 0,
  };
}

function recurrentDef(kind: CellKind): OpDef {
  return {
    name: kind,
    group: 'linalg',
    description: `${kind} over a sequence (time-major), forward, reverse or bidirectional`,
    infer(ctx) {
      const { node } = ctx;
      for (const i of [0, 1, 2]) expectDType(ctx, i, ['float32']);
      const x = input(ctx, 0).shape;
      if (x.length !== 3 || x.some((d) => typeof d !== 'number')) fail(node, `X [${x}] must be a static [seq_length, batch, input_size]`, 'DYNAMIC_SHAPE');
      const c = recurrentConfig(node, x as number[]);
      const G = GATES[kind];
      const want: [number, string, number[]][] = [[1, 'W', [c.D, G * c.H, c.I]], [2, 'R', [c.D, G * c.H, c.H]], [3, 'B', [c.D, 2 * G * c.H]], [5, 'initial_h', [c.D, c.B, c.H]]];
      if (kind === 'LSTM') want.push([6, 'initial_c', [c.D, c.B, c.H]], [7, 'P', [c.D, 3 * c.H]]);
      for (const [i, what, shape] of want) {
        const t = ctx.inputs[i];
        if (t && (t.dtype !== 'float32' || t.shape.join() !== shape.join())) fail(node, `${what} (input ${i}) is ${t.dtype}[${t.shape}], expected float32[${shape}]`);
      }
      const lens = ctx.inputs[4];
      if (lens && (lens.dtype !== 'int32' || lens.shape.join() !== String(c.B))) fail(node, `sequence_lens (input 4) must be int32[${c.B}]`);
      const state = { dtype: 'float32' as const, shape: [c.D, c.B, c.H] };
      return [{ dtype: 'float32', shape: [c.T, c.D, c.B, c.H] }, state, ...(kind === 'LSTM' ? [state] : [])];
    },
    evaluate(node, inputs) {
      return runRecurrent(recurrentConfig(node, inputs[0]!.dims), inputs);
    },
  };
}

/** The slow definition, one sequence position at a time. */
function runRecurrent(c: RecurrentConfig, [x, w, r, b, lens, h0, c0, p]: (Tensor | undefined)[]): Tensor[] {
  const { kind, T, B, I, H, D } = c;
  const G = GATES[kind];
  const X = x!.data as Float32Array, W = w!.data as Float32Array, R = r!.data as Float32Array;
  const y = makeTensor('float32', [T, D, B, H]), yh = makeTensor('float32', [D, B, H]), yc = makeTensor('float32', [D, B, H]);
  const Y = y.data as Float32Array;
  const clip = (v: number) => (c.clip > 0 ? Math.min(c.clip, Math.max(-c.clip, v)) : v);
  for (let d = 0; d < D; d++) {
    const act = c.functions[d]!.map(([n, a, be]) => (v: number) => ACTIVATIONS[n]!(v, a, be));
    const bias = (j: number, rec: boolean) => (b ? Number(b.data[d * 2 * G * H + (rec ? G * H : 0) + j]) : 0);
    for (let bi = 0; bi < B; bi++) {
      const L = lens ? Number(lens.data[bi]) : T;
      const h = Array.from({ length: H }, (_, k) => (h0 ? Number(h0.data[(d * B + bi) * H + k]) : 0));
      const cs = Array.from({ length: H }, (_, k) => (c0 ? Number(c0.data[(d * B + bi) * H + k]) : 0));
      for (let s = 0; s < L; s++) {
        const t = c.reverse[d] ? L - 1 - s : s;
        // xw[j] = W[j]·x_t + Wb[j]; hr(v)[j] = R[j]·v + Rb[j]
        const xw = (j: number) => { let a = bias(j, false); for (let i = 0; i < I; i++) a += W[(d * G * H + j) * I + i]! * X[(t * B + bi) * I + i]!; return a; };
        const hr = (j: number, v: number[]) => { let a = bias(j, true); for (let k = 0; k < H; k++) a += R[(d * G * H + j) * H + k]! * v[k]!; return a; };
        let next: number[];
        if (kind === 'RNN') next = h.map((_, k) => act[0]!(clip(xw(k) + hr(k, h))));
        else if (kind === 'GRU') {
          const z = h.map((_, k) => act[0]!(clip(xw(k) + hr(k, h))));
          const rg = h.map((_, k) => act[0]!(clip(xw(H + k) + hr(H + k, h))));
          const rh = h.map((v, k) => rg[k]! * v);
          const cand = h.map((_, k) => act[1]!(clip(xw(2 * H + k) + (c.linearBeforeReset ? rg[k]! * hr(2 * H + k, h) : hr(2 * H + k, rh)))));
          next = h.map((v, k) => (1 - z[k]!) * cand[k]! + z[k]! * v);
        } else {
          const peep = (gate: number, k: number, state: number[]) => (p ? Number(p.data[d * 3 * H + gate * H + k]) * state[k]! : 0);
          const ig = h.map((_, k) => act[0]!(clip(xw(k) + hr(k, h) + peep(0, k, cs))));
          const fg = c.inputForget ? ig.map((v) => 1 - v) : h.map((_, k) => act[0]!(clip(xw(2 * H + k) + hr(2 * H + k, h) + peep(2, k, cs))));
          const cand = h.map((_, k) => act[1]!(clip(xw(3 * H + k) + hr(3 * H + k, h))));
          for (let k = 0; k < H; k++) cs[k] = fg[k]! * cs[k]! + ig[k]! * cand[k]!;
          const og = h.map((_, k) => act[0]!(clip(xw(H + k) + hr(H + k, h) + peep(1, k, cs))));
          next = h.map((_, k) => og[k]! * act[2]!(cs[k]!));
        }
        for (let k = 0; k < H; k++) { h[k] = next[k]!; Y[((t * D + d) * B + bi) * H + k] = next[k]!; }
      }
      for (let k = 0; k < H; k++) {
        (yh.data as Float32Array)[(d * B + bi) * H + k] = h[k]!;
        (yc.data as Float32Array)[(d * B + bi) * H + k] = cs[k]!;
      }
    }
  }
  return kind === 'LSTM' ? [y, yh, yc] : [y, yh];
}

for (const kind of ['RNN', 'GRU', 'LSTM'] as const) registerOp(recurrentDef(kind));
