// Merges chains of float32 elementwise nodes (Unary, Binary, Clip) into one FusedElementwise node, so the chain runs in a
// single loop over memory. A producer is merged into its reader when the reader is its only user
// and both have the same output shape (a small producer broadcast into a larger reader stays
// separate: fusing it would recompute it for every element).
import { ELEMENTWISE_FUNCTIONS, FusedStep, Node, fnOf, isFn, readProgram } from '@onnx2wasm/ir';
import { GraphView, Rule, rewritePass } from '../rewrite.js';

const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min']);
/** These, and the activations the table of elementwise functions marks fusable. */
const UNARY = new Set(['Neg', 'Abs', 'Sqrt', 'Floor', 'Ceil', 'Reciprocal', 'Exp', 'Erf', ...ELEMENTWISE_FUNCTIONS.filter((f) => f.fusable).map((f) => f.id)]);
/** Exponents the fused kernel computes without pow(). */
export const FUSABLE_EXPONENTS = [1, 2, 3, 0.5, -1];
/** Functions (and Clip) this pass fuses; the codegen's fused kernel must accept every one of them. */
export const FUSABLE_ELEMENTWISE = [...BINARY, ...UNARY, 'Clip', 'Pow'];
const MAX_INPUTS = 6;
/**
 * Longer chains are split into several fused nodes: one loop of 64 steps already hides the memory
 * traffic, and the kernel nests one wasm expression per step, which Binaryen walks recursively
 * (a 5,000-step program overflowed its stack).
 */
export const MAX_FUSED_STEPS = 64;

interface Program { inputs: string[]; steps: FusedStep[] }

function scalar(view: GraphView, v: string | undefined): number | undefined {
  const t = v ? view.constant(v) : undefined;
  return t && t.data.length === 1 ? Number(t.data[0]) : undefined;
}

/** The node as a program, or undefined when it cannot be fused. */
function asProgram(n: Node, view: GraphView): Program | undefined {
  if (n.outputs.length !== 1 || view.type(n.outputs[0]!).dtype !== 'float32') return undefined;
  if (n.op === 'FusedElementwise') return { inputs: [...n.inputs], steps: readProgram(n) };
  if (n.inputs.some((i) => !i && n.op !== 'Clip') || n.inputs.some((i) => i && view.type(i).dtype !== 'float32')) return undefined;
  const attrs: Record<string, number | string> = {};
  // A step names its function; its attributes are the function's parameters.
  for (const [k, v] of Object.entries(n.attrs)) if (k !== 'fn' && (typeof v === 'number' || typeof v === 'string')) attrs[k] = v;
  const f = fnOf(n);
  if (f && BINARY.has(f)) return { inputs: [n.inputs[0]!, n.inputs[1]!], steps: [{ op: f, args: ['i0', 'i1'], attrs }] };
  if (f && UNARY.has(f)) return { inputs: [n.inputs[0]!], steps: [{ op: f, args: ['i0'], attrs }] };
  if (n.op === 'Clip') {
    const lo = n.inputs[1] ? scalar(view, n.inputs[1]) : -Infinity, hi = n.inputs[2] ? scalar(view, n.inputs[2]) : Infinity;
    if (lo === undefined || hi === undefined) return undefined;
    const bounds: Record<string, number> = {};
    if (lo !== -Infinity) bounds.min = lo;
    if (hi !== Infinity) bounds.max = hi;
    return { inputs: [n.inputs[0]!], steps: [{ op: 'Clip', args: ['i0'], attrs: bounds }] };
  }
  if (isFn(n, 'Pow')) {
    const e = scalar(view, n.inputs[1]);
    if (e === undefined || !FUSABLE_EXPONENTS.includes(e)) return undefined;
    return { inputs: [n.inputs[0]!], steps: [{ op: 'Pow', args: ['i0'], attrs: { exponent: e } }] };
  }
  return undefined;
}

/** Inlines `producer` (whose result is `value`) into `reader`. */
function merge(producer: Program, reader: Program, value: string): Program {
  const inputs = [...producer.inputs];
  const inputIndex = (v: string) => {
    let i = inputs.indexOf(v);
    if (i < 0) { inputs.push(v); i = inputs.length - 1; }
    return `i${i}`;
  };
  const steps = [...producer.steps];
  const produced = `t${producer.steps.length - 1}`;
  const shift = producer.steps.length;
  for (const s of reader.steps) {
    steps.push({ ...s, args: s.args.map((a) => {
      if (a[0] === 't') return `t${Number(a.slice(1)) + shift}`;
      const v = reader.inputs[Number(a.slice(1))]!;
      return v === value ? produced : inputIndex(v);
    }) });
  }
  return { inputs, steps };
}

const fuseChain: Rule = {
  name: 'fuse-elementwise-chain',
  apply(n, view) {
    const reader = asProgram(n, view);
    if (!reader) return undefined;
    for (const v of new Set(n.inputs)) {
      if (!v || !view.singleUse(v)) continue;
      const p = view.producer(v);
      const producer = p ? asProgram(p, view) : undefined;
      if (!p || !producer) continue;
      if (view.type(v).shape.join() !== view.type(n.outputs[0]!).shape.join()) continue;
      const merged = merge(producer, reader, v);
      if (merged.inputs.length > MAX_INPUTS || merged.steps.length > MAX_FUSED_STEPS) continue;
      const fused: Node = { name: n.name, op: 'FusedElementwise', inputs: merged.inputs, outputs: [n.outputs[0]!], attrs: { program: JSON.stringify(merged.steps) } };
      return { remove: [p, n], insert: [fused] };
    }
    return undefined;
  },
};

export const fuseElementwise = rewritePass(
  'fuse-elementwise',
  'merge chains of float32 elementwise ops into one FusedElementwise loop',
  [fuseChain],
);
