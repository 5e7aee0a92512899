// Runs convolution networks channels-last. Every 2-D Conv, pool and global pool that has an NHWC
// kernel becomes its NHWC op between two Transposes (NCHW → NHWC before, back after); a 1×1
// stride-1 Conv becomes a MatMul with its weights transposed to [C, M] at compile time (in NHWC
// a pointwise conv is exactly a GEMM over the pixels). The Transposes then sink through
// elementwise ops and Concats and cancel in pairs, until only those at the graph boundary remain.
// If any new Transpose is left between two nodes (an op with no NHWC form in the middle, such
// as a channel shuffle's Reshape), the graph stays NCHW: a copy per layer costs more than NHWC
// saves. Convs whose NCHW kernel is faster (PassContext.keepsNchw: Winograd) are not converted.
import { Graph, Node, TO_NCHW, TO_NHWC, Tensor, getOp, makeTensor } from '@onnx2wasm/ir';
import { Pass, PassContext } from '../pass.js';
import { GraphView, Patch, Rule, rewritePass } from '../rewrite.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { eliminateNoops } from './eliminate-noops.js';

const POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);

/** Elementwise ops whose meaning depends on an axis or on element order. */
const ORDER_DEPENDENT = new Set(['QuantizeLinear', 'DequantizeLinear', 'RotaryEmbedding', 'RandomUniform']);

const num = (d: unknown): d is number => typeof d === 'number';

/** 4-D float32 data with static C, H and W (the batch may be symbolic). */
function spatial4d(view: GraphView, v: string | undefined): boolean {
  if (!v) return false;
  const t = view.type(v);
  return t.dtype === 'float32' && t.shape.length === 4 && t.shape.slice(1).every(num);
}

function convertible(n: Node, view: GraphView, ctx: PassContext): boolean {
  if (POOLS.has(n.op)) return spatial4d(view, n.inputs[0]) && n.outputs.filter(Boolean).length === 1;
  if (n.op !== 'Conv' || !spatial4d(view, n.inputs[0]) || !spatial4d(view, n.outputs[0])) return false;
  const w = view.constant(n.inputs[1]!);
  if (!w || w.dtype !== 'float32' || w.dims.length !== 4) return false;
  if (n.inputs[3] && view.type(n.inputs[3]).shape.length !== 4) return false;
  const group = Number(n.attrs.group ?? 1);
  const C = view.type(n.inputs[0]!).shape[1], M = w.dims[0];
  if (group !== 1 && !(group === C && M === C)) return false;
  return !ctx.keepsNchw?.(n, view.graph);
}

/** A 1×1 conv with stride 1 and no pads: a GEMM over the pixels in NHWC. */
function isPointwise(n: Node, w: Tensor): boolean {
  const ones = (a: unknown) => !Array.isArray(a) || a.every((v) => v === 1);
  const zeros = (a: unknown) => !Array.isArray(a) || a.every((v) => v === 0);
  return w.dims[2] === 1 && w.dims[3] === 1 && Number(n.attrs.group ?? 1) === 1 && ones(n.attrs.strides) && zeros(n.attrs.pads);
}

/** [M, C, 1, 1] → [C, M]. */
function pointwiseMatrix(w: Tensor): Tensor {
  const [M, C] = w.dims as [number, number];
  const src = w.data as Float32Array, out = new Float32Array(C * M);
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) out[c * M + m] = src[m * C + c]!;
  return makeTensor('float32', [C, M], out);
}

function toChannelsLast(ctx: PassContext): Rule {
  return {
    name: 'to-channels-last',
    apply(n, view) {
      if (!convertible(n, view, ctx)) return undefined;
      const insert: Node[] = [];
      const constants: Patch['constants'] = [];
      const nhwc = (v: string, k: number): string => {
        if (!v || (n.op === 'Conv' && k !== 0 && k !== 3)) return v;
        const out = view.fresh(`${v}_nhwc`);
        insert.push({ name: `${n.name}/to_nhwc_${k}`, op: 'Transpose', inputs: [v], outputs: [out], attrs: { perm: TO_NHWC } });
        return out;
      };
      const inputs = n.inputs.map(nhwc);
      const y = view.fresh(`${n.outputs[0]}_nhwc`);
      const w = n.op === 'Conv' ? view.constant(n.inputs[1]!)! : undefined;
      if (w && isPointwise(n, w)) {
        const wcm = view.fresh(`${n.inputs[1]}_cm`);
        constants.push([wcm, pointwiseMatrix(w)]);
        const epilogue = Object.fromEntries(Object.entries(n.attrs).filter(([k]) => k === 'activation' || k === 'activation_params'));
        insert.push({ name: n.name, op: 'MatMul', inputs: [inputs[0]!, wcm, ...inputs.slice(2)], outputs: [y], attrs: epilogue });
      } else {
        insert.push({ name: n.name, op: `Nhwc${n.op}`, inputs, outputs: [y], attrs: n.attrs });
      }
      insert.push({ name: `${n.name}/to_nchw`, op: 'Transpose', inputs: [y], outputs: [n.outputs[0]!], attrs: { perm: TO_NCHW } });
      return { remove: [n], insert, constants };
    },
  };
}

const permOf = (n: Node | undefined): number[] | undefined => (n?.op === 'Transpose' && Array.isArray(n.attrs.perm) ? n.attrs.perm as number[] : undefined);
const samePerm = (a: number[], b: number[]) => a.length === b.length && a.every((p, i) => p === b[i]);
const inverse = (perm: number[]) => perm.map((_, i) => perm.indexOf(i));

/** x reshaped to `rank` dims (leading 1s) and transposed by `perm`: the operand that broadcasts like x did before the transpose. */
function permutedConstant(t: Tensor, rank: number, perm: number[]): Tensor {
  const dims = [...new Array(rank - t.dims.length).fill(1), ...t.dims];
  const out = getOp('Transpose')!.evaluate({ name: '', op: 'Transpose', inputs: [''], outputs: [''], attrs: { perm } }, [{ ...t, dims }]);
  return out[0]!;
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
    const y = view.fresh(`${n.outputs[0]}_pre`);
    return {
      remove: [n],
      constants,
      insert: [
        { ...n, inputs, outputs: [y] },
        { name: `${n.name}/transpose`, op: 'Transpose', inputs: [y], outputs: [n.outputs[0]!], attrs: { perm } },
      ],
    };
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
    const axis = (Number(n.attrs.axis) + rank) % rank;
    const y = view.fresh(`${n.outputs[0]}_pre`);
    const insert: Node[] = [
      { ...n, inputs: n.inputs.map((i) => view.producer(i)!.inputs[0]!), outputs: [y], attrs: { ...n.attrs, axis: perm[axis]! } },
      { name: `${n.name}/transpose`, op: 'Transpose', inputs: [y], outputs: [n.outputs[0]!], attrs: { perm } },
    ];
    return { remove: [n], insert };
  },
};

/**
 * T2(T1(x)) = T(x) with the composed perm, even when T1 has other readers (it stays for them):
 * the layout's back-and-forth pairs meet at values with several readers (a residual branch).
 */
const composeShared: Rule = {
  name: 'compose-transposes',
  apply(n, view) {
    const p2 = permOf(n), inner = n.inputs[0] ? view.producer(n.inputs[0]) : undefined, p1 = permOf(inner);
    if (!p2 || !p1) return undefined;
    return { remove: [n], insert: [{ ...n, inputs: [inner!.inputs[0]!], attrs: { ...n.attrs, perm: p2.map((i) => p1[i]!) } }] };
  },
};

const sinkTransposes = rewritePass('sink-transposes', 'move Transposes below elementwise ops and Concats and compose them', [sinkThroughElementwise, sinkThroughConcat, composeShared]);

/** Transposes that copy data between two nodes (not reading a graph input nor writing a graph output). */
function interiorTransposes(g: Graph): number {
  const inputs = new Set(g.inputs), outputs = new Set(g.outputs);
  return g.nodes.filter((n) => n.op === 'Transpose' && !inputs.has(n.inputs[0]!) && !outputs.has(n.outputs[0]!)).length;
}

export const layoutNhwc: Pass = {
  name: 'layout-nhwc',
  description: 'run conv networks channels-last (NHWC ops, 1x1 convs as MatMuls) when the transposes cancel down to the graph boundary',
  run(g, ctx) {
    const convert = rewritePass('to-channels-last', '', [toChannelsLast(ctx)]);
    let h = convert.run(g, ctx);
    if (!h.changed) return { graph: g, changed: false };
    let next = h.graph;
    for (let round = 0; round < 8; round++) {
      const a = sinkTransposes.run(next, ctx), b = eliminateNoops.run(a.graph, ctx), c = eliminateDeadCode.run(b.graph, ctx);
      next = c.graph;
      if (!a.changed && !b.changed && !c.changed) break;
    }
    h = { graph: next, changed: true };
    if (interiorTransposes(h.graph) > interiorTransposes(g)) return { graph: g, changed: false };
    return h;
  },
};
