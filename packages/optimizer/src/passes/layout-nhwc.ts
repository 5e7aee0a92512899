// Runs convolution networks channels-last. Every 2-D Conv, pool and global pool that has an NHWC
// kernel becomes its NHWC op between two Transposes (NCHW → NHWC before, back after); a 1×1
// stride-1 Conv becomes a MatMul with its weights transposed to [C, M] at compile time (in NHWC
// a pointwise conv is exactly a GEMM over the pixels). The Transposes then sink through the ops
// between layers (sink-transposes.ts) and cancel in pairs, until only those at the graph boundary
// remain. The graph stays NCHW if a new Transpose is left between two nodes (an op with no NHWC
// form in the middle: a copy per layer costs more than NHWC saves), or if the boundary Transposes
// would copy more than a tenth of what the NHWC nodes write (a lone conv). Nodes the code
// generator runs better or only in NCHW (PassContext.keepsNchw) are not converted.
// PassContext.layout forces either layout instead, for measuring the choice (npm run bench:layout).
import { Graph, Node, TO_NCHW, TO_NHWC, Tensor, convAttrs, makeTensor } from '@onnx2wasm/ir';
import { Pass, PassContext } from '../pass.js';
import { GraphView, Patch, Rule, rewritePass } from '../rewrite.js';
import { sinkTransposes } from './sink-transposes.js';
import { eliminateDeadCode } from './eliminate-dead-code.js';
import { eliminateNoops } from './eliminate-noops.js';

const POOLS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);

const num = (d: unknown): d is number => typeof d === 'number';

/** 4-D float32 data with static C, H and W (the batch may be symbolic). */
function spatial4d(view: GraphView, v: string | undefined): boolean {
  if (!v) return false;
  const t = view.type(v);
  return t.dtype === 'float32' && t.shape.length === 4 && t.shape.slice(1).every(num);
}

/** Why the code generator keeps `n` NCHW (for the pass's note), or undefined. */
function heldBack(n: Node, g: Graph, ctx: PassContext): string | undefined {
  const keep = ctx.keepsNchw?.(n, g);
  if (!keep || (keep === 'faster' && ctx.layout === 'nhwc')) return undefined;
  return keep === 'faster' ? 'faster in NCHW' : 'no NHWC kernel';
}

/** Whether `n` has a channels-last form at all. */
function eligible(n: Node, view: GraphView): boolean {
  if (POOLS.has(n.op)) return spatial4d(view, n.inputs[0]) && n.outputs.filter(Boolean).length === 1;
  if (n.op !== 'Conv' || !spatial4d(view, n.inputs[0]) || !spatial4d(view, n.outputs[0])) return false;
  const w = view.constant(n.inputs[1]!);
  if (!w || w.dtype !== 'float32' || w.dims.length !== 4) return false;
  if (n.inputs[3] && view.type(n.inputs[3]).shape.length !== 4) return false;
  const { group } = convAttrs(n);
  const C = view.type(n.inputs[0]!).shape[1], M = w.dims[0];
  return group === 1 || (group === C && M === C);
}

/** A 1×1 conv with stride 1 and no pads: a GEMM over the pixels in NHWC. */
function isPointwise(n: Node, w: Tensor): boolean {
  const { group, strides, pads } = convAttrs(n);
  return w.dims[2] === 1 && w.dims[3] === 1 && group === 1 && strides.every((v) => v === 1) && pads.every((v) => v === 0);
}

/** [M, C, 1, 1] → [C, M]. */
function pointwiseMatrix(w: Tensor): Tensor {
  const [M, C] = w.dims as [number, number];
  const src = w.data as Float32Array, out = new Float32Array(C * M);
  for (let m = 0; m < M; m++) for (let c = 0; c < C; c++) out[c * M + m] = src[m * C + c]!;
  return makeTensor('float32', [C, M], out);
}

/**
 * Converts each node it can, recording the converted nodes' names (kept by their NHWC forms) and,
 * as "name (reason)", the nodes the code generator holds back.
 */
function toChannelsLast(ctx: PassContext, converted: Set<string>, held: Map<string, string>): Rule {
  return {
    name: 'to-channels-last',
    apply(n, view) {
      if (!eligible(n, view)) return undefined;
      const reason = heldBack(n, view.graph, ctx);
      if (reason) {
        held.set(n.name, `${n.name} (${reason})`);
        return undefined;
      }
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
      converted.add(n.name);
      return { remove: [n], insert, constants };
    },
  };
}

/** Transposes that read a graph input or write a graph output, and the others (copies between two nodes). */
function transposes(g: Graph): { boundary: Node[]; interior: Node[] } {
  const inputs = new Set(g.inputs), outputs = new Set(g.outputs);
  const all = g.nodes.filter((n) => n.op === 'Transpose');
  const atBoundary = (n: Node) => inputs.has(n.inputs[0]!) || outputs.has(n.outputs[0]!);
  return { boundary: all.filter(atBoundary), interior: all.filter((n) => !atBoundary(n)) };
}

/** Elements of a value per unit of each symbolic dim. */
const elements = (g: Graph, v: string) => g.types.get(v)!.shape.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);

/**
 * Whether the Transposes at the graph boundary are cheap next to the channels-last work: they
 * copy at most 1/BOUNDARY_SHARE of what the NHWC nodes write (a CNN's image input and logits pass;
 * a lone conv, whose input and output would both be transposed, does not).
 */
const BOUNDARY_SHARE = 10;
function boundaryShare(g: Graph, converted: Set<string>): number {
  const copied = transposes(g).boundary.reduce((s, n) => s + elements(g, n.outputs[0]!), 0);
  const written = g.nodes.filter((n) => converted.has(n.name)).reduce((s, n) => s + elements(g, n.outputs[0]!), 0);
  return copied / Math.max(1, written);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (xs: string[]) => (xs.length > 3 ? `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more` : xs.join(', '));

export const layoutNhwc: Pass = {
  name: 'layout-nhwc',
  description: 'run conv networks channels-last (NHWC ops, 1x1 convs as MatMuls) when the transposes cancel down to the graph boundary',
  run(g, ctx) {
    if (ctx.layout === 'nchw') return { graph: g, changed: false, note: 'NCHW (--layout nchw)' };
    const converted = new Set<string>(), heldBy = new Map<string, string>();
    const convert = rewritePass('to-channels-last', '', [toChannelsLast(ctx, converted, heldBy)]);
    const h = convert.run(g, ctx);
    if (!h.changed) return { graph: g, changed: false };
    let next = h.graph;
    for (let round = 0; round < 8; round++) {
      const a = sinkTransposes.run(next, ctx), b = eliminateNoops.run(a.graph, ctx), c = eliminateDeadCode.run(b.graph, ctx);
      next = c.graph;
      if (!a.changed && !b.changed && !c.changed) break;
    }
    const t = transposes(next), extra = t.interior.length - transposes(g).interior.length, share = boundaryShare(next, converted);
    const held = [...heldBy.values()];
    if (ctx.layout !== 'nhwc') {
      const stay = (why: string) => ({ graph: g, changed: false, note: `stays NCHW: ${why}` });
      if (extra > 0) return stay(`${plural(extra, 'transpose')} would remain between nodes${held.length ? `; kept NCHW: ${list(held)}` : ''}`);
      if (share * BOUNDARY_SHARE > 1) return stay(`the transposes at the graph boundary would copy ${Math.round(100 * share)}% of what the NHWC nodes write`);
    }
    const note = `NHWC: ${plural(converted.size, 'conv and pool', 'convs and pools')} channels-last, ${plural(t.boundary.length, 'transpose')} at the graph boundary` +
      `${extra > 0 ? `, ${extra} more between nodes` : ''}${held.length ? `; kept NCHW: ${list(held)}` : ''}`;
    return { graph: next, changed: true, note };
  },
};
