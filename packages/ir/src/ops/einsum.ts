// Einsum(inputs…) {equation}: numpy-style Einstein summation. Each input's axes get labels (a
// label repeated within one input takes its diagonal; "..." stands for leading axes that broadcast
// across inputs); the output keeps the labels after "->" (without "->": "..." then the labels seen
// once, alphabetically), and every other label is summed over.
import { Node } from '../graph.js';
import { OpDef, attrString, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf, stridesOf } from '../tensor.js';

/** Labels are numbered: letters by char code, ellipsis axes as -1, -2, … (innermost first). */
export interface EinsumPlan {
  /** Per input, the label of each axis. */
  inputs: number[][];
  output: number[];
  /** The summed labels. */
  summed: number[];
  /** Size of each label. */
  sizes: Map<number, number>;
}

function parseTerm(node: Node, term: string, rank: number | undefined): number[] {
  const dots = term.indexOf('...');
  const letters = (s: string) => [...s].map((c) => {
    if (!/[a-zA-Z]/.test(c)) fail(node, `equation term '${term}' has the invalid label '${c}'`, 'INVALID_ATTRIBUTE');
    return c.charCodeAt(0);
  });
  if (dots < 0) return letters(term);
  const before = letters(term.slice(0, dots)), after = letters(term.slice(dots + 3));
  const n = (rank ?? 0) - before.length - after.length;
  if (n < 0) fail(node, `equation term '${term}' has more labels than the input's ${rank} axes`, 'INVALID_ATTRIBUTE');
  return [...before, ...Array.from({ length: n }, (_, i) => -(n - i)), ...after];
}

export interface EinsumAttrs {
  /** The equation without whitespace. */
  equation: string;
}

export function einsumAttrs(node: Node): EinsumAttrs {
  return { equation: attrString(node, 'equation').replace(/\s+/g, '') };
}

export function einsumPlan(node: Node, shapes: number[][]): EinsumPlan {
  const eq = einsumAttrs(node).equation;
  const [lhs, rhs] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) fail(node, `equation '${eq}' names ${terms.length} inputs, the node has ${shapes.length}`, 'INVALID_ATTRIBUTE');
  const inputs = terms.map((t, i) => parseTerm(node, t, shapes[i]!.length));
  const sizes = new Map<number, number>();
  inputs.forEach((labels, i) => {
    if (labels.length !== shapes[i]!.length) fail(node, `equation term '${terms[i]}' has ${labels.length} labels for an input of rank ${shapes[i]!.length}`, 'INVALID_ATTRIBUTE');
    labels.forEach((l, a) => {
      const d = shapes[i]![a]!, known = sizes.get(l);
      // Ellipsis axes broadcast (size 1 against anything); letters must agree.
      if (known === undefined || (l < 0 && known === 1)) sizes.set(l, d);
      else if (d !== known && !(l < 0 && d === 1)) fail(node, `label '${l < 0 ? '...' : String.fromCharCode(l)}' has sizes ${known} and ${d}`);
    });
  });
  const ellipsis = [...sizes.keys()].filter((l) => l < 0).sort((a, b) => a - b);
  let output: number[];
  if (rhs !== undefined) {
    output = parseTerm(node, rhs, ellipsis.length + rhs.replace('...', '').length);
    for (const l of output) if (!sizes.has(l)) fail(node, `output label '${String.fromCharCode(l)}' appears in no input`, 'INVALID_ATTRIBUTE');
    if (new Set(output).size !== output.length) fail(node, `output term '${rhs}' repeats a label`, 'INVALID_ATTRIBUTE');
  } else {
    const counts = new Map<number, number>();
    for (const labels of inputs) for (const l of labels) if (l > 0) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...ellipsis, ...[...counts].filter(([, c]) => c === 1).map(([l]) => l).sort((a, b) => a - b)];
  }
  const summed = [...sizes.keys()].filter((l) => !output.includes(l));
  return { inputs, output, summed, sizes };
}

/** Element stride of each label in an input (diagonals add up; broadcast axes contribute 0). */
export function labelStrides(labels: number[], dims: number[]): Map<number, number> {
  const s = stridesOf(dims), m = new Map<number, number>();
  labels.forEach((l, a) => { if (dims[a] !== 1) m.set(l, (m.get(l) ?? 0) + s[a]!); });
  return m;
}

export const einsum: OpDef = {
  name: 'Einsum',
  group: 'linalg',
  description: 'Einstein summation over labelled axes (diagonals, broadcast ellipsis)',
  infer(ctx) {
    const { node } = ctx;
    input(ctx, 0); // at least one operand
    const types = ctx.inputs.map((_, i) => input(ctx, i));
    const dtype = types[0]!.dtype;
    if (dtype !== 'float32' && dtype !== 'float64') fail(node, `dtype ${dtype} is not supported (float32 or float64)`, 'DTYPE_MISMATCH');
    if (types.some((t) => t.dtype !== dtype)) fail(node, 'inputs must share one dtype', 'DTYPE_MISMATCH');
    if (types.some((t) => t.shape.some((d) => typeof d !== 'number'))) fail(node, 'input shapes must be static', 'DYNAMIC_SHAPE');
    const plan = einsumPlan(node, types.map((t) => t.shape as number[]));
    return [{ dtype, shape: plan.output.map((l) => plan.sizes.get(l)!) }];
  },
  evaluate(node, inputs) {
    const shapes = inputs.map((t) => t!.dims);
    const plan = einsumPlan(node, shapes);
    const outDims = plan.output.map((l) => plan.sizes.get(l)!), sumDims = plan.summed.map((l) => plan.sizes.get(l)!);
    const strides = plan.inputs.map((labels, i) => labelStrides(labels, shapes[i]!));
    const y = makeTensor(inputs[0]!.dtype, outDims);
    const offset = (i: number, labels: number[], idx: number[]) => labels.reduce((s, l, k) => s + idx[k]! * (strides[i]!.get(l) ?? 0), 0);
    const unflatten = (f: number, dims: number[]) => dims.map((_, a) => Math.floor(f / sizeOf(dims.slice(a + 1))) % dims[a]!);
    for (let o = 0; o < sizeOf(outDims); o++) {
      const oi = unflatten(o, outDims);
      let acc = 0;
      for (let s = 0; s < sizeOf(sumDims); s++) {
        const si = unflatten(s, sumDims);
        let p = 1;
        inputs.forEach((t, i) => { p *= Number(t!.data[offset(i, plan.output, oi) + offset(i, plan.summed, si)]); });
        acc += p;
      }
      (y.data as Float64Array)[o] = acc;
    }
    return [y];
  },
};

registerOp(einsum);
