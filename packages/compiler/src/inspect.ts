// What the compiler did to a model, for `onnx2wasm inspect`: the optimized graph, per-node cost
// (FLOPs and bytes moved), the memory plan, and what each optimizer pass changed.
import { DTYPE_BYTES, Graph, Node, getOp, isStatic, opLabel } from '@onnx2wasm/ir';
import { CompileOptions, CompileResult, compile } from './compile.js';
import type { ValueVariantsSummary } from './value-variants.js';

export interface NodeReport { name: string; op: string; inputs: string[]; outputs: string[]; flops: number; bytes: number }
/** `note`: what the pass decided, when it says (the layout pass: which layout and why). */
export interface PassSummary { name: string; changed: boolean; runs: number; nodesRemoved: number; note?: string }
export interface InspectReport {
  nodes: NodeReport[];
  memory: {
    arenaBytes: number; lowerBoundBytes: number; naiveBytes: number; buffers: { name: string; bytes: number; offset: number; firstNode: number; lastNode: number }[];
    /** With symbolic input dims: the buffers the runtime places per shape, sizes as polynomials over the symbols. */
    runtime?: { symbols: string[]; buffers: { name: string; bytes: string; firstNode: number; lastNode: number }[] };
  };
  passes: PassSummary[];
  nodesBefore: number;
  nodesAfter: number;
  totals: { flops: number; bytes: number; wasmBytes: number; weightsBytes: number };
  /** The optimized graph (with value variants: the first build's). */
  graph: string;
  /** Present when inputs were compiled per value (value variants). */
  valueVariants?: ValueVariantsSummary;
}

function valueBytes(g: Graph, v: string): number {
  const t = g.types.get(v);
  if (!t || !isStatic(t.shape)) return 0;
  return t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
}

function nodeCost(g: Graph, n: Node): { flops: number; bytes: number } {
  const def = getOp(n.op);
  const outputs = n.outputs.map((o) => g.types.get(o)!);
  const ctx = { node: n, inputs: n.inputs.map((i) => (i ? g.types.get(i) : undefined)), values: n.inputs.map((i) => (i ? g.constants.get(i) : undefined)) };
  const elements = outputs.reduce((s, t) => s + (t && isStatic(t.shape) ? t.shape.reduce((a, b) => a * b, 1) : 0), 0);
  const flops = def?.flops ? def.flops(ctx, outputs) : elements;
  const bytes = [...n.inputs, ...n.outputs].filter(Boolean).reduce((s, v) => s + valueBytes(g, v), 0);
  return { flops, bytes };
}

/** [[4, 'batch', 'seq'], [8]] → '4*batch*seq + 8'. */
const polyText = (p: [number, ...string[]][]) => p.map(([c, ...xs]) => [...(c !== 1 || !xs.length ? [String(c)] : []), ...xs].join('*')).join(' + ') || '0';

export function inspectResult(c: CompileResult): InspectReport {
  const g = c.graph;
  const nodes = g.nodes.map((n) => ({ name: n.name, op: opLabel(n), inputs: n.inputs, outputs: n.outputs, ...nodeCost(g, n) }));
  const passes = new Map<string, PassSummary>();
  for (const p of c.summary.passes) {
    const s = passes.get(p.name) ?? { name: p.name, changed: false, runs: 0, nodesRemoved: 0 };
    s.runs++;
    s.changed ||= p.changed;
    s.nodesRemoved += p.nodesBefore - p.nodesAfter;
    if (p.note && (p.changed || !s.changed)) s.note = p.note;
    passes.set(p.name, s);
  }
  const first = c.summary.passes[0];
  return {
    nodes,
    memory: {
      arenaBytes: c.plan.arenaBytes,
      lowerBoundBytes: c.plan.lowerBoundBytes,
      naiveBytes: c.plan.naiveBytes,
      buffers: c.plan.buffers.map((b) => ({ name: b.name, bytes: b.bytes, offset: b.offset, firstNode: b.first, lastNode: b.last })),
      ...(c.meta.dynamic ? {
        runtime: {
          symbols: c.meta.dynamic.symbols,
          buffers: c.meta.dynamic.buffers.map((b) => ({ name: b.name, bytes: polyText(b.bytes), firstNode: b.first, lastNode: b.last })),
        },
      } : {}),
    },
    passes: [...passes.values()],
    nodesBefore: first ? first.nodesBefore : g.nodes.length,
    nodesAfter: g.nodes.length,
    totals: {
      flops: nodes.reduce((s, n) => s + n.flops, 0),
      bytes: nodes.reduce((s, n) => s + n.bytes, 0),
      wasmBytes: c.wasm.byteLength,
      weightsBytes: c.meta.weights.byteLength,
    },
    graph: c.irText,
    ...(c.summary.valueVariants ? { valueVariants: c.summary.valueVariants } : {}),
  };
}

/** Compiles `model` and reports on the result. */
export async function inspect(model: Uint8Array | ArrayBuffer | string, options: CompileOptions = {}): Promise<InspectReport> {
  return inspectResult(await compile(model, options));
}
