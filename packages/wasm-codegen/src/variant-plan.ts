// Everything about one graph's code and memory that does not depend on where its regions go:
// how each node is lowered (static kernel, kernel for run-time dims, or per sample), which values
// share buffers, the static arena plan, the run-time buffers and the scratch each node needs.
// A module holds one such plan per variant (the generic graph and its --specialize copies).
import { DTYPE_BYTES, Dim, Graph, Node, dimProduct, dimSymbols, isStatic, opLabel, sizeOf, typeToString } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { Lowering, StaticOperand, getLowering, noRunTimeKernel, takesRunTimeDims } from './lowering.js';
import { MemoryPlan, bufferLifetimes, planMemory } from './memory-plan.js';
import { aliasRoots, bufferAliases } from './buffer-aliases.js';
import { valueBytes, checkBound, checkGrowsWithComputed, computedDims, modelSymbols, scratchName } from './dynamic-dims.js';
import { perSampleBatch } from './per-sample.js';
import { LoadTime, loadTimeValues } from './load-time.js';

export const align16 = (n: number) => Math.ceil(n / 16) * 16;

export interface VariantPlan {
  g: Graph;
  /** Symbols bound from input dims, then those kernels compute (`computed`); empty for a fully static graph. */
  symbols: string[];
  /** Value-dependent dims (NonZero's count): written by their node's kernel, bounded by `bound`. */
  computed: ReturnType<typeof computedDims>;
  /** How a node with run-time dims is lowered: its own kernel, or per sample over this batch dim. */
  dynamicNodes: Map<Node, 'kernel' | Dim>;
  aliases: Map<string, string>;
  views: Set<string>;
  rootOf(v: string): string;
  isDyn(v: string): boolean;
  bytesOf(v: string): number;
  plan: MemoryPlan;
  /** Run-time buffers: values with symbolic shapes (bytes from their type) and kernel scratch (bytes given). */
  dynBuffers: { name: string; first: number; last: number; bytes?: Dim }[];
  scratchBytes: number;
  /** Bytes of each node's derived region (filled at load time), for nodes that have one. */
  derivedBytes: Map<Node, number>;
  /** Nodes run once by init() and the values they write (outside the arena). */
  loadTime: LoadTime;
  /** Bytes of each load-time value that owns its buffer (not a view). */
  heldBytes: Map<string, number>;
  /** A value's static type; for a per-sample node, batched values as one sample. */
  operandType(v: string, batch?: Dim): Omit<StaticOperand, 'addr'>;
  sampleBytes(v: string, batch: Dim): number;
  /** The run-time-shaped operands a per-sample node copies in and out. */
  staged(n: Node): string[];
  kernelScratch(n: Node, l: Lowering, batch?: Dim): number;
}

function classify(g: Graph, symbols: string[], views: Set<string>): Map<Node, 'kernel' | Dim> {
  const bound = new Set(symbols);
  // First, so the message names the input: graph inputs' dims must be computable from the bound symbols, e.g. not only '2*seq'.
  // (Outputs are checked at the node that makes them, whose message says why the shape is unknown.)
  for (const v of g.inputs) {
    const t = g.types.get(v);
    if (t && t.shape.some((d) => typeof d === 'string' && dimSymbols(d).some((x) => !bound.has(x)))) {
      throw new CodegenError(`graph input '${v}' has shape ${typeToString(t)}, whose symbols no input dim gives on its own; pin the input shapes (inputShapes / --input-shape)`, undefined, 'DYNAMIC_SHAPE');
    }
  }
  const dynamicNodes = new Map<Node, 'kernel' | Dim>();
  for (const n of g.nodes) {
    const lowering = getLowering(n.op);
    if (!lowering) throw new CodegenError(`${opLabel(n)} node '${n.name}': no wasm kernel for IR op '${n.op}'`, { node: n.name, op: opLabel(n) }, 'UNSUPPORTED_OP');
    let dynamic = !!lowering.alwaysRunTime && symbols.length > 0;
    for (const v of [...n.inputs, ...n.outputs]) {
      const t = v ? g.types.get(v) : undefined;
      if (!t) continue;
      checkBound(g, n, v, bound);
      dynamic ||= !isStatic(t.shape);
      // Inference fed a NaN or a fraction (from a malformed attribute) would size memory with it.
      if (!t.shape.every((d) => typeof d === 'string' || (Number.isSafeInteger(d) && d >= 0))) {
        throw new CodegenError(`${opLabel(n)} node '${n.name}': value '${v}' has invalid shape ${typeToString(t)}`, { node: n.name, op: opLabel(n) }, 'SHAPE_MISMATCH');
      }
    }
    if (!dynamic || views.has(n.outputs[0] ?? '')) continue; // views emit no code
    const inputTypes = n.inputs.map((i) => (i ? g.types.get(i) : undefined));
    if (takesRunTimeDims(lowering, n, inputTypes)) { dynamicNodes.set(n, 'kernel'); continue; }
    const batch = perSampleBatch(g, n);
    if (batch === undefined) {
      throw noRunTimeKernel(n, [...n.inputs, ...n.outputs].filter((v) => v && !isStatic(g.types.get(v)!.shape)).map((v) => ({ name: v, ...g.types.get(v)! })));
    }
    dynamicNodes.set(n, batch);
  }
  return dynamicNodes;
}

/**
 * A view (Reshape, Flatten, …) keeps the element count. With symbolic dims that must hold for every
 * value of the symbols: [N,116,7,7] → [1,2,58,7,7] is only right for N = 1, and would silently read
 * the first sample, so it is refused here.
 */
function checkViews(g: Graph, views: Set<string>, aliases: Map<string, string>): void {
  for (const y of views) {
    const x = aliases.get(y)!;
    const a = dimProduct(g.types.get(x)!.shape), b = dimProduct(g.types.get(y)!.shape);
    if (a === b) continue;
    const n = g.nodes.find((k) => k.outputs.includes(y))!;
    throw new CodegenError(`${opLabel(n)} node '${n.name}': ${typeToString(g.types.get(x)!)} → ${typeToString(g.types.get(y)!)} keeps the element count only for particular values of ${[...new Set([...dimSymbols(a), ...dimSymbols(b)])].join(', ')}; pin the input shapes (inputShapes / --input-shape)`, { node: n.name, op: opLabel(n) }, 'SHAPE_MISMATCH');
  }
}

export function planVariant(g: Graph): VariantPlan {
  const computed = computedDims(g);
  const symbols = [...modelSymbols(g), ...computed.map((c) => c.symbol)];
  // Views (Reshape and friends) and in-place elementwise outputs share another value's bytes.
  const loadTime = loadTimeValues(g);
  // A Reshape that computes its dims from a tensor's values runs (it writes them), so it is no view.
  const computing = new Set(computed.map((c) => c.node));
  const { aliases, views } = bufferAliases(g, loadTime.values, computing);
  const dynamicNodes = classify(g, symbols, views);
  const isDyn = (v: string) => !isStatic(g.types.get(v)!.shape);
  const bytesOf = (v: string) => {
    const t = g.types.get(v)!;
    return sizeOf(t.shape as number[]) * DTYPE_BYTES[t.dtype];
  };
  checkViews(g, views, aliases);
  const rootOf = aliasRoots(aliases);
  // Statically shaped values get fixed offsets; the others are placed by the runtime per run.
  const plan = planMemory(g, bytesOf, aliases, (r) => !isDyn(r) && !loadTime.values.has(r));
  const heldBytes = new Map([...loadTime.values].filter((v) => !aliases.has(v)).map((v) => [v, align16(Math.max(bytesOf(v), 1))]));
  const dynBuffers: VariantPlan['dynBuffers'] = symbols.length ? [...bufferLifetimes(g, aliases, isDyn)].map(([name, s]) => ({ name, ...s })) : [];
  const computedSet = new Set(computed.map((c) => c.symbol));
  if (computedSet.size) for (const b of dynBuffers) checkGrowsWithComputed(b.name, valueBytes(g, b.name), computedSet, g.nodes[Math.max(0, b.first)]);
  // Kernels for run-time dims get their scratch as a run-time buffer live during their node only.
  g.nodes.forEach((n, k) => {
    const l = getLowering(n.op)!;
    if (dynamicNodes.get(n) !== 'kernel' || !l.runTimeScratchBytes) return;
    const shapeOf = (v: string) => ({ dtype: g.types.get(v)!.dtype, shape: g.types.get(v)!.shape });
    dynBuffers.push({ name: scratchName(n), first: k, last: k, bytes: l.runTimeScratchBytes(n, n.inputs.map((i) => (i ? shapeOf(i) : undefined)), n.outputs.map(shapeOf)) });
  });

  const operandType = (v: string, batch?: Dim) => {
    const t = g.types.get(v)!;
    const dims = batch !== undefined && t.shape[0] === batch ? [1, ...t.shape.slice(1)] : t.shape;
    return { name: v, dtype: t.dtype, dims: dims as number[], constant: g.constants.get(v) };
  };
  const sampleBytes = (v: string, batch: Dim) => sizeOf(operandType(v, batch).dims) * DTYPE_BYTES[g.types.get(v)!.dtype];
  const staged = (n: Node) => [...new Set([...n.inputs, ...n.outputs])].filter((v) => v && isDyn(v));
  const kernelScratch = (n: Node, l: Lowering, batch?: Dim) => (l.scratchBytes ? l.scratchBytes(n, n.inputs.map((i) => (i ? operandType(i, batch) : undefined)), n.outputs.map((o) => operandType(o, batch))) : 0);
  let scratchBytes = 0;
  const derivedBytes = new Map<Node, number>();
  for (const n of g.nodes) {
    const l = getLowering(n.op)!, mode = dynamicNodes.get(n);
    if (mode === 'kernel') continue; // kernels for run-time dims take run-time scratch
    const batch = mode === undefined ? undefined : mode;
    const derived = l.derivedBytes?.(n, n.inputs.map((i) => (i ? operandType(i, batch) : undefined)), n.outputs.map((o) => operandType(o, batch))) ?? 0;
    if (derived > 0) derivedBytes.set(n, align16(derived));
    const need = mode === undefined ? kernelScratch(n, l) : align16(kernelScratch(n, l, mode)) + staged(n).reduce((s, v) => s + align16(sampleBytes(v, mode)), 0);
    scratchBytes = Math.max(scratchBytes, need);
  }
  return { g, symbols, computed, dynamicNodes, aliases, views, rootOf, isDyn, bytesOf, plan, dynBuffers, scratchBytes, derivedBytes, loadTime, heldBytes, operandType, sampleBytes, staged, kernelScratch };
}
