// Moves Transposes down the graph so the layout pass's NCHW ↔ NHWC pairs meet and cancel: a
// Transpose above an elementwise op, Concat, Slice, reduction, axis-regrouping Reshape, Pad or
// Resize goes below it (an inference BatchNormalization first becomes x·a + b), with the op's
// axes (and broadcast constants) mapped through the permutation, and two Transposes in a row
// become one. Each rewrite keeps the values exactly; none moves a Transpose up,
// so the rules stop.
import { AttrValue, Dim, Node, Tensor, batchNormalizationAttrs, concatAttrs, functionNode, getOp, makeTensor, reduceAttrs, resizeAttrs, toNumbers, transposeAttrs, transposeTensor } from '@onnx2wasm/ir';
import { GraphView, Patch, Rule, rewritePass } from '../rewrite.js';
import { composeTransposes } from './cancel-transposes.js';

/** Elementwise ops whose meaning depends on an axis or on element order. */
const ORDER_DEPENDENT = new Set(['QuantizeLinear', 'DequantizeLinear', 'RotaryEmbedding', 'RandomUniform']);

const permOf = (n: Node | undefined): number[] | undefined => (n?.op === 'Transpose' ? transposeAttrs(n).perm : undefined);
const samePerm = (a: number[], b: number[]) => a.length === b.length && a.every((p, i) => p === b[i]);
const inverse = (perm: number[]) => perm.map((_, i) => perm.indexOf(i));

/** x reshaped to `rank` dims (leading 1s) and transposed by `perm`: the operand that broadcasts like x did before the transpose. */
function permutedConstant(t: Tensor, rank: number, perm: number[]): Tensor {
  return transposeTensor({ ...t, dims: [...new Array(rank - t.dims.length).fill(1), ...t.dims] }, perm);
}

/** op(T(a), T(b), c) = T(op(a, b, c')) for an elementwise op, every data input transposed alike or constant. */
const sinkThroughElementwise: Rule = {
  name: 'sink-through-elementwise',
  apply(n, view) {
    if (getOp(n.op)?.group !== 'elementwise' || ORDER_DEPENDENT.has(n.op) || n.outputs.length !== 1) return undefined;
    const rank = view.type(n.outputs[0]!).shape.length;
    const perm = n.inputs.map((i) => (i ? permOf(view.producer(i)) : undefined)).find(Boolean);
    if (!perm || perm.length !== rank) return undefined;
    const inv = inverse(perm);
    const constants: Patch['constants'] = [];
    const inputs: string[] = [];
    for (const i of n.inputs) {
      const p = i ? permOf(view.producer(i)) : undefined;
      const c = i ? view.constant(i) : undefined;
      if (!i || (c && c.dims.every((d) => d === 1))) inputs.push(i); // one value broadcasts the same either way
      else if (p && samePerm(p, perm) && view.type(i).shape.length === rank) inputs.push(view.producer(i)!.inputs[0]!);
      else if (c && c.dims.length <= rank) {
        const name = view.fresh(`${i}_perm`);
        constants.push([name, permutedConstant(c, rank, inv)]);
        inputs.push(name);
      } else return undefined;
    }
    return transposedAfter(n, view, { ...n, inputs }, perm, { constants });
  },
};

/** Concat(T(a), T(b)) along axis = T(Concat(a, b)) along perm[axis]. */
const sinkThroughConcat: Rule = {
  name: 'sink-through-concat',
  apply(n, view) {
    if (n.op !== 'Concat' || n.inputs.some((i) => !i)) return undefined;
    const perms = n.inputs.map((i) => permOf(view.producer(i)));
    const perm = perms[0];
    if (!perm || perms.some((p) => !p || !samePerm(p, perm))) return undefined;
    const rank = perm.length;
    const axis = (concatAttrs(n).axis + rank) % rank;
    return transposedAfter(n, view, { ...n, inputs: n.inputs.map((i) => view.producer(i)!.inputs[0]!), attrs: { ...n.attrs, axis: perm[axis]! } }, perm);
  },
};

/** `n` rewritten to `replacement` (which writes a fresh value) followed by Transpose(perm) into n's output. */
function transposedAfter(n: Node, view: GraphView, replacement: Omit<Node, 'outputs'>, perm: number[], extra: Partial<Patch> = {}): Patch {
  const before = [...(extra.insert ?? [])];
  const out = n.outputs[0]!;
  if (isIdentity(perm)) return { remove: [n], insert: [...before, { ...replacement, outputs: [out] }], constants: extra.constants ?? [] };
  const y = view.fresh(`${out}_pre`);
  const transpose: Node = { name: `${n.name}/transpose`, op: 'Transpose', inputs: [y], outputs: [out], attrs: { perm } };
  return { remove: [n], insert: [...before, { ...replacement, outputs: [y] }, transpose], constants: extra.constants ?? [] };
}

const isIdentity = (perm: number[]) => perm.every((p, i) => p === i);

/**
 * An op's axes input, given as `axes` (a constant input, or absent: `all` axes) on T's output,
 * mapped to x's axes through perm, as a new int64 constant; undefined when the input is not constant.
 */
function mappedAxes(n: Node, view: GraphView, axes: string | undefined, all: number, perm: number[]): [string, Tensor] | undefined {
  const given = axes ? view.constant(axes) : undefined;
  if (axes && !given) return undefined;
  const rank = perm.length;
  const list = given ? toNumbers(given).map((a) => (a + rank) % rank) : Array.from({ length: all }, (_, i) => i);
  const name = view.fresh(`${n.name}_axes`);
  return [name, makeTensor('int64', [list.length], list.map((a) => perm[a]!))];
}

/** Slice(T(x)) along axes A = T(Slice(x)) along perm[A]. */
const sinkThroughSlice: Rule = {
  name: 'sink-through-slice',
  apply(n, view) {
    if (n.op !== 'Slice' || view.isGraphOutput(n.outputs[0]!)) return undefined;
    const t = view.producer(n.inputs[0]!), perm = permOf(t);
    if (!perm) return undefined;
    // Without axes, Slice takes the first starts.length axes.
    const starts = view.constant(n.inputs[1]!);
    const axes = starts && mappedAxes(n, view, n.inputs[3], starts.data.length, perm);
    if (!axes) return undefined;
    const inputs = [t!.inputs[0]!, n.inputs[1]!, n.inputs[2]!, axes[0], ...(n.inputs[4] ? [n.inputs[4]] : [])];
    return transposedAfter(n, view, { ...n, inputs }, perm, { constants: [axes] });
  },
};

/** Reduce(T(x)) over axes A = Reduce(x) over perm[A], then the kept axes in T's order. */
const sinkThroughReduce: Rule = {
  name: 'sink-through-reduce',
  apply(n, view) {
    if (n.op !== 'Reduce' || n.inputs.length !== 1) return undefined;
    const t = view.producer(n.inputs[0]!), perm = permOf(t);
    if (!perm) return undefined;
    const rank = perm.length;
    const { axes: given, noopWithEmptyAxes, keepdims: keep } = reduceAttrs(n);
    if (!given.length && noopWithEmptyAxes) return undefined;
    const axes = given.length ? given.map((a) => (a + rank) % rank) : perm.map((_, i) => i);
    const mapped = axes.map((a) => perm[a]!).sort((a, b) => a - b);
    // Without keepdims the result's axes are the kept ones: in x order after the reduction, in T's order before.
    const kept = perm.filter((_, i) => !axes.includes(i));
    const sorted = [...kept].sort((a, b) => a - b);
    const after = keep ? perm : kept.map((x) => sorted.indexOf(x));
    return transposedAfter(n, view, { ...n, inputs: [t!.inputs[0]!], attrs: { ...n.attrs, axes: mapped } }, after);
  },
};

/**
 * Groups of consecutive axes of `from` and `to` with equal products (a Reshape that only splits
 * and merges axes): [from axes, to axes] per group, or undefined when the dims do not line up.
 */
function axisGroups(from: Dim[], to: Dim[]): [number[], number[]][] | undefined {
  const groups: [number[], number[]][] = [];
  let i = 0, j = 0;
  while (i < from.length && j < to.length) {
    const g: [number[], number[]] = [[i], [j]];
    let a = from[i]!, b = to[j]!;
    // A symbolic dim (a batch) only lines up with the same symbol, as a group of its own.
    if (!num(a) || !num(b)) {
      if (a !== b) return undefined;
      groups.push(g);
      i++; j++;
      continue;
    }
    while (a !== b) {
      const next = a < b ? from[i + 1] : to[j + 1];
      if (!num(next)) return undefined;
      if (a < b) g[0].push(++i), a *= next;
      else g[1].push(++j), b *= next;
    }
    groups.push(g);
    i++; j++;
  }
  // Trailing 1s join the last group.
  for (; i < from.length; i++) { if (from[i] !== 1 || !groups.length) return undefined; groups[groups.length - 1]![0].push(i); }
  for (; j < to.length; j++) { if (to[j] !== 1 || !groups.length) return undefined; groups[groups.length - 1]![1].push(j); }
  return groups;
}

/**
 * Reshape(T(x)) where the Reshape splits and merges axes: each group of T's axes comes from a run
 * of adjacent axes of x, so x is reshaped group by group (after a Transpose that orders each run
 * as T reads it, when it does not already: a channel shuffle's real data movement) and the
 * Transpose of whole groups moves below.
 */
const sinkThroughReshape: Rule = {
  name: 'sink-through-reshape',
  apply(n, view) {
    if (n.op !== 'Reshape') return undefined;
    const t = view.producer(n.inputs[0]!), perm = permOf(t);
    if (!perm) return undefined;
    const tDims = view.type(n.inputs[0]!).shape, yDims = view.type(n.outputs[0]!).shape;
    const groups = axisGroups(tDims, yDims);
    if (!groups) return undefined;
    const sources = groups.map(([ta]) => ta.map((a) => perm[a]!));
    // Each group's x axes must be a run of adjacent axes.
    if (sources.some((src) => Math.max(...src) - Math.min(...src) !== src.length - 1)) return undefined;
    const byX = groups.map((_, g) => g).sort((a, b) => Math.min(...sources[a]!) - Math.min(...sources[b]!));
    const inner = byX.flatMap((g) => sources[g]!);
    const xDims = view.type(t!.inputs[0]!).shape;
    const newDims = byX.flatMap((g) => groups[g]![1].map((a) => yDims[a]!));
    // Position in the regrouped x of each of y's axes.
    const at = new Map<number, number>();
    let k = 0;
    for (const g of byX) for (const a of groups[g]![1]) at.set(a, k++);
    const after = yDims.map((_, a) => at.get(a)!);
    if (isIdentity(after)) return undefined; // T only reorders within runs: nothing would move below.
    const insert: Node[] = [];
    let src = t!.inputs[0]!;
    if (!isIdentity(inner)) {
      const shuffled = view.fresh(`${src}_grouped`);
      insert.push({ name: `${n.name}/group`, op: 'Transpose', inputs: [src], outputs: [shuffled], attrs: { perm: inner } });
      src = shuffled;
    }
    if (newDims.length === xDims.length && isIdentity(inner) && newDims.every((d, i) => d === xDims[i])) {
      // Nothing to reshape: only the group Transpose remains.
      return { remove: [n], insert: [{ name: `${n.name}/transpose`, op: 'Transpose', inputs: [src], outputs: [n.outputs[0]!], attrs: { perm: after } }] };
    }
    // The target as a Dims node: it may hold a symbolic batch (fold-constants folds a static one).
    const shape = view.fresh(`${n.outputs[0]}/shape`);
    insert.push({ name: `${n.name}/shape`, op: 'Dims', inputs: [], outputs: [shape], attrs: { dims: newDims as AttrValue } });
    return transposedAfter(n, view, { name: n.name, op: 'Reshape', inputs: [src, shape], attrs: { allowzero: 0 } }, after, { insert });
  },
};

const num = (d: unknown): d is number => typeof d === 'number';

/** Pad(T(x)) over axes A = T(Pad(x)) over perm[A]; the pads keep their order (one pair per listed axis). */
const sinkThroughPad: Rule = {
  name: 'sink-through-pad',
  apply(n, view) {
    if (n.op !== 'Pad') return undefined;
    const t = view.producer(n.inputs[0]!), perm = permOf(t);
    if (!perm) return undefined;
    const axes = mappedAxes(n, view, n.inputs[3], perm.length, perm);
    if (!axes) return undefined;
    return transposedAfter(n, view, { ...n, inputs: [t!.inputs[0]!, n.inputs[1]!, n.inputs[2] ?? '', axes[0]] }, perm, { constants: [axes] });
  },
};

/** Resize(T(x)) = T(Resize(x)) with the per-axis sizes, scales and roi moved to x's axes. */
const sinkThroughResize: Rule = {
  name: 'sink-through-resize',
  apply(n, view) {
    if (n.op !== 'Resize' || n.inputs.length !== 1) return undefined;
    const t = view.producer(n.inputs[0]!), perm = permOf(t);
    if (!perm) return undefined;
    const rank = perm.length;
    // Value i of T's axis order belongs to x's axis perm[i].
    const toX = (v: number[]) => { const out = new Array<number>(rank); v.forEach((x, i) => { out[perm[i]!] = x; }); return out; };
    const { sizes, scales, roi } = resizeAttrs(n).fixed!; // one input: the static form
    const attrs = { ...n.attrs, sizes: toX(sizes), scales: toX(scales), ...(roi ? { roi: [...toX(roi.slice(0, rank)), ...toX(roi.slice(rank))] } : {}) };
    return transposedAfter(n, view, { ...n, inputs: [t!.inputs[0]!], attrs }, perm);
  },
};

/**
 * Inference BatchNormalization of a transposed value (one the layout pass could not fold into a
 * conv: DenseNet's pre-activation BN) as x·a + b with per-channel constants, which sink like any
 * elementwise op.
 */
const batchNormAsAffine: Rule = {
  name: 'batchnorm-as-affine',
  apply(n, view) {
    if (n.op !== 'BatchNormalization' || n.outputs.filter(Boolean).length !== 1) return undefined;
    if (!permOf(view.producer(n.inputs[0]!))) return undefined;
    const [scale, bias, mean, variance] = n.inputs.slice(1, 5).map((v) => (v ? view.constant(v) : undefined));
    if (!scale || !bias || !mean || !variance || view.type(n.outputs[0]!).dtype !== 'float32') return undefined;
    const rank = view.type(n.inputs[0]!).shape.length, C = scale.data.length;
    const { epsilon: eps } = batchNormalizationAttrs(n);
    const a = Array.from({ length: C }, (_, c) => Number(scale.data[c]) / Math.sqrt(Number(variance.data[c]) + eps));
    const b = a.map((ac, c) => Number(bias.data[c]) - Number(mean.data[c]) * ac);
    const dims = [C, ...new Array<number>(rank - 2).fill(1)];
    const [aName, bName, scaled] = [view.fresh(`${n.name}_a`), view.fresh(`${n.name}_b`), view.fresh(`${n.outputs[0]}_scaled`)];
    return {
      remove: [n],
      constants: [[aName, makeTensor('float32', dims, a)], [bName, makeTensor('float32', dims, b)]],
      insert: [
        functionNode(`${n.name}/scale`, 'Mul', [n.inputs[0]!, aName], [scaled]),
        functionNode(n.name, 'Add', [scaled, bName], [n.outputs[0]!]),
      ],
    };
  },
};

export const sinkTransposes = rewritePass(
  'sink-transposes',
  'move Transposes below elementwise ops, Concats, Slices, reductions, regrouping Reshapes, Pads, Resizes and inference BatchNormalization, and compose them',
  [composeTransposes(true), sinkThroughElementwise, sinkThroughConcat, sinkThroughSlice, sinkThroughReduce, sinkThroughReshape, sinkThroughPad, sinkThroughResize, batchNormAsAffine],
);
