import { CompileError, DTYPE_BYTES, Dim, Graph, Node, Tensor, dimSymbols, evalDim, isStatic, sizeOf, typeToString } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { LowerContext, Lowering, Operand, getLowering } from './lowering.js';
import { MemoryPlan, bufferLifetimes, planMemory } from './memory-plan.js';
import { DynamicTable, checkBound, dynamicContext, modelSymbols, polyJson, scratchName, valueBytes } from './dynamic-dims.js';
import { perSampleBatch } from './per-sample.js';
import { bufferAliases } from './buffer-aliases.js';
import { META_SECTION, ModelMeta, TensorSlot } from './model-meta.js';
import { Expr, FnBuilder, WasmModuleBuilder } from './wasm-builder.js';
import './kernels/index.js';

export interface CodegenOptions {
  /** Emit relaxed-SIMD FMA (needs a relaxed-SIMD capable engine). */
  relaxed?: boolean;
  /** Put the weights into the module as a data segment instead of a separate file. */
  embedWeights?: boolean;
  /** Run Binaryen's optimizer (default true). */
  optimize?: boolean;
  /** Fail when the module's memory would exceed this many bytes (default: wasm32's 4 GiB). */
  maxMemoryBytes?: number;
  /**
   * Upper bounds of symbolic dims (e.g. { batch: 8, seq: 512 }): a run with larger dims fails
   * with a typed error, and the memory they need is checked against maxMemoryBytes at compile time.
   */
  maxDims?: Record<string, number>;
}

export interface CodegenResult {
  wasm: Uint8Array;
  /** The weights region's bytes; empty when embedded. */
  weights: Uint8Array;
  meta: ModelMeta;
  plan: MemoryPlan;
  /** Text form before Binaryen's optimizer, when asked for (debugging, golden tests). */
  text?: string;
}

const RESERVED = 64; // address 0 stays unused so a stray null pointer never aliases a tensor
const PAGE = 65536;
const WASM32_MAX = 65536 * PAGE;
const align16 = (n: number) => Math.ceil(n / 16) * 16;

function tensorBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Builds the wasm module for a graph whose shapes are all static. */
export function generateModule(g: Graph, opts: CodegenOptions = {}): CodegenResult {
  const symbols = modelSymbols(g);
  const bound = new Set(symbols);
  const dynamicNodes = new Map<Node, 'kernel' | Dim>(); // how a node with run-time dims is lowered
  for (const n of g.nodes) {
    const lowering = getLowering(n.op);
    if (!lowering) throw new CodegenError(`${n.op} node '${n.name}': no wasm kernel for IR op '${n.op}'`, { node: n.name, op: n.op }, 'UNSUPPORTED_OP');
    let dynamic = !!lowering.alwaysDynamic && symbols.length > 0;
    for (const v of [...n.inputs, ...n.outputs]) {
      const t = v ? g.types.get(v) : undefined;
      if (!t) continue;
      checkBound(g, n, v, bound);
      dynamic ||= !isStatic(t.shape);
      // Inference fed a NaN or a fraction (from a malformed attribute) would size memory with it.
      if (!t.shape.every((d) => typeof d === 'string' || (Number.isSafeInteger(d) && d >= 0))) {
        throw new CodegenError(`${n.op} node '${n.name}': value '${v}' has invalid shape ${typeToString(t)}`, { node: n.name, op: n.op }, 'SHAPE_MISMATCH');
      }
    }
    if (!dynamic) continue;
    if (lowering.lowerDynamic) { dynamicNodes.set(n, 'kernel'); continue; }
    const batch = perSampleBatch(g, n);
    if (batch === undefined) {
      const shapes = [...n.inputs, ...n.outputs].filter((v) => v && !isStatic(g.types.get(v)!.shape)).map((v) => `'${v}': ${typeToString(g.types.get(v)!)}`);
      throw new CodegenError(`${n.op} node '${n.name}': no kernel for run-time dims here (${shapes.join(', ')}); pin the input shapes (inputShapes / --input-shape)`, { node: n.name, op: n.op }, 'DYNAMIC_SHAPE');
    }
    dynamicNodes.set(n, batch);
  }
  // Graph inputs' dims must be computable from the bound symbols, e.g. not only '2*seq'.
  for (const v of [...g.inputs, ...g.outputs]) {
    const t = g.types.get(v);
    if (t && t.shape.some((d) => typeof d === 'string' && dimSymbols(d).some((x) => !bound.has(x)))) {
      throw new CodegenError(`graph ${g.inputs.includes(v) ? 'input' : 'output'} '${v}' has shape ${typeToString(t)}, whose symbols no input dim gives on its own; pin the input shapes (inputShapes / --input-shape)`, undefined, 'DYNAMIC_SHAPE');
    }
  }
  const isDyn = (v: string) => !isStatic(g.types.get(v)!.shape);
  const bytesOf = (v: string) => {
    const t = g.types.get(v)!;
    return sizeOf(t.shape as number[]) * DTYPE_BYTES[t.dtype];
  };
  // Views (Reshape and friends) and in-place elementwise outputs share another value's bytes.
  const { aliases, views } = bufferAliases(g);
  const rootOf = (v: string) => { while (aliases.has(v)) v = aliases.get(v)!; return v; };
  // Statically shaped values get fixed offsets; the others are placed by the runtime per run.
  const plan = planMemory(g, bytesOf, aliases, (r) => !isDyn(r));
  const dynBuffers: { name: string; first: number; last: number; bytes?: Dim }[] = symbols.length ? [...bufferLifetimes(g, aliases, isDyn)].map(([name, s]) => ({ name, ...s })) : [];
  // Kernels for run-time dims get their scratch as a run-time buffer live during their node only.
  g.nodes.forEach((n, k) => {
    const l = getLowering(n.op)!;
    if (dynamicNodes.get(n) !== 'kernel' || !l.dynamicScratchBytes) return;
    const shapeOf = (v: string) => ({ dtype: g.types.get(v)!.dtype, shape: g.types.get(v)!.shape });
    dynBuffers.push({ name: scratchName(n), first: k, last: k, bytes: l.dynamicScratchBytes(n, n.inputs.map((i) => (i ? shapeOf(i) : undefined)), n.outputs.map(shapeOf)) });
  });
  const table: DynamicTable = { symbols, address: RESERVED, bufferIndex: new Map(dynBuffers.map((b, k) => [b.name, k])) };
  const arenaBase = align16(RESERVED + (symbols.length ? 4 * (symbols.length + dynBuffers.length) : 0));

  /** A value's static type; for a per-sample node, batched values as one sample. */
  const operandType = (v: string, batch?: Dim) => {
    const t = g.types.get(v)!;
    const dims = batch !== undefined && t.shape[0] === batch ? [1, ...t.shape.slice(1)] : t.shape;
    return { name: v, dtype: t.dtype, dims: dims as number[], constant: g.constants.get(v) };
  };
  const sampleBytes = (v: string, batch: Dim) => sizeOf(operandType(v, batch).dims) * DTYPE_BYTES[g.types.get(v)!.dtype];
  const staged = (n: Node) => [...new Set([...n.inputs, ...n.outputs])].filter((v) => v && isDyn(v));
  const kernelScratch = (n: Node, l: Lowering, batch?: Dim) => (l.scratchBytes ? l.scratchBytes(n, n.inputs.map((i) => (i ? operandType(i, batch) : undefined)), n.outputs.map((o) => operandType(o, batch))) : 0);
  let scratchBytes = 0;
  for (const n of g.nodes) {
    const l = getLowering(n.op)!, mode = dynamicNodes.get(n);
    if (mode === 'kernel') continue; // kernels for run-time dims use no scratch
    const need = mode === undefined ? kernelScratch(n, l) : align16(kernelScratch(n, l, mode)) + staged(n).reduce((s, v) => s + align16(sampleBytes(v, mode)), 0);
    scratchBytes = Math.max(scratchBytes, need);
  }
  const scratchBase = align16(arenaBase + plan.arenaBytes);
  const weightsBase = align16(scratchBase + scratchBytes);
  // Checked before any kernel runs: lowering may size tables by the activations it was promised.
  const limit = Math.min(opts.maxMemoryBytes ?? WASM32_MAX, WASM32_MAX);
  if (!(weightsBase + 16 <= limit)) {
    throw new CodegenError(`the model needs at least ${weightsBase + 16} bytes of memory (activations ${plan.arenaBytes}, scratch ${scratchBytes}, before the weights), ${weightsBase + 16 - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
  }

  const weightChunks: Uint8Array[] = [];
  let weightsEnd = weightsBase;
  const placed = new Map<string, number>();
  const addWeight = (data: Tensor | Uint8Array, key?: string): number => {
    if (key && placed.has(key)) return placed.get(key)!;
    const bytes = data instanceof Uint8Array ? data : tensorBytes(data);
    const addr = weightsEnd;
    const padded = align16(bytes.byteLength);
    const chunk = new Uint8Array(padded);
    chunk.set(bytes);
    weightChunks.push(chunk);
    weightsEnd += padded;
    if (key) placed.set(key, addr);
    return addr;
  };

  const mod = new WasmModuleBuilder({ relaxed: !!opts.relaxed });
  const operand = (v: string): Operand => {
    const base = operandType(v);
    const rootConst = g.constants.get(rootOf(v));
    if (base.constant || rootConst) {
      const c = rootConst ?? base.constant!;
      const key = `const:${rootOf(v)}`;
      return { ...base, constant: base.constant ?? rootConst, get addr() { return addWeight(c, key); } };
    }
    const off = plan.offsets.get(v);
    if (off === undefined) throw new CodegenError(`value '${v}' has no planned memory`);
    return { ...base, addr: arenaBase + off };
  };

  const helpers = new Set<string>();
  const helper = (name: string, build: (fn: FnBuilder) => void, params: ('i32' | 'f32' | 'v128')[] = []) => {
    if (!helpers.has(name)) {
      helpers.add(name);
      build(mod.fn(name, params));
    }
    return name;
  };
  const staticAddr = (v: string) => {
    const off = plan.offsets.get(v);
    if (off === undefined) throw new CodegenError(`value '${v}' has no planned memory`);
    return arenaBase + off;
  };
  const calls: Expr[] = [];
  const runFn = mod.fn('run');
  g.nodes.forEach((n, k) => {
    if (views.has(n.outputs[0] ?? '')) return;
    const fname = `n${k}_${n.op}`;
    const fn = mod.fn(fname);
    const lowering = getLowering(n.op)!;
    const mode = dynamicNodes.get(n);
    const dyn = () => dynamicContext({ node: n, fn, module: mod, addWeight, helper }, table, g, rootOf, staticAddr);
    const staticCtx = (op: (v: string) => Operand): LowerContext => ({
      node: n,
      inputs: n.inputs.map((i) => (i ? op(i) : undefined)),
      outputs: n.outputs.map((o) => op(o)),
      fn, module: mod, addWeight, scratch: scratchBase, helper,
    });
    let body: Expr[];
    try {
      if (mode === 'kernel') {
        const { ctx, prologue } = dyn();
        const stmts = lowering.lowerDynamic!(ctx);
        body = [...prologue, ...stmts];
      } else if (mode !== undefined) {
        // Per sample: the static kernel on staging buffers inside a loop over the batch.
        const stage = new Map<string, number>();
        let at = scratchBase + align16(kernelScratch(n, lowering, mode));
        for (const v of staged(n)) { stage.set(v, at); at += align16(sampleBytes(v, mode)); }
        const inner = lowering.lower(staticCtx((v) => (stage.has(v) ? { ...operandType(v, mode), addr: stage.get(v)! } : operand(v))));
        const { ctx, prologue } = dyn();
        const b = fn.local('i32');
        const sampleAt = (v: string) => fn.add(ctx.inputs[n.inputs.indexOf(v)]?.addr() ?? ctx.outputs[n.outputs.indexOf(v)]!.addr(), fn.mul(b.get(), sampleBytes(v, mode)));
        const copyIn = [...stage].filter(([v]) => n.inputs.includes(v)).map(([v, s]) => fn.copy(s, sampleAt(v), sampleBytes(v, mode)));
        const copyOut = [...stage].filter(([v]) => n.outputs.includes(v)).map(([v, s]) => fn.copy(sampleAt(v), s, sampleBytes(v, mode)));
        const loop = fn.for(b, 0, ctx.dim(mode), 1, [...copyIn, ...inner, ...copyOut]);
        body = [...prologue, loop];
      } else {
        body = lowering.lower(staticCtx(operand));
      }
    } catch (e) {
      if (e instanceof CompileError) throw e; // e.g. a kernel's attribute check: keeps its code
      throw new CodegenError(`${n.op} node '${n.name}': code generation failed: ${(e as Error).message}`, { node: n.name, op: n.op });
    }
    fn.finish(body);
    calls.push(runFn.call(fname));
  });
  runFn.finish(calls);
  mod.exportFunction('run');

  // Constant graph outputs are read straight from the weights region.
  const slot = (v: string): TensorSlot => {
    const t = g.types.get(v)!;
    const c = g.constants.get(rootOf(v));
    if (!c && isDyn(v)) return { name: v, dtype: t.dtype, dims: [...t.shape], offset: 0, byteLength: 0, buffer: table.bufferIndex.get(rootOf(v))!, shape: t.shape.map(polyJson) };
    const offset = c ? addWeight(c, `const:${rootOf(v)}`) : arenaBase + plan.offsets.get(v)!;
    return { name: v, dtype: t.dtype, dims: [...t.shape], offset, byteLength: bytesOf(v) };
  };
  const inputs = g.inputs.map(slot);
  const outputs = g.outputs.map(slot);
  const memoryBytes = weightsEnd + 16; // vector tails may read up to 12 bytes past the last tensor
  if (!(memoryBytes <= limit)) {
    throw new CodegenError(`the model needs ${memoryBytes} bytes of memory (weights ${weightsEnd - weightsBase}, activations ${plan.arenaBytes}, scratch ${scratchBytes}), ${memoryBytes - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
  }
  // Run-time buffers start after the weights; the runtime grows memory for the dims it sees.
  const dynamicBase = align16(memoryBytes);
  if (symbols.length && opts.maxDims && symbols.every((x) => opts.maxDims![x] !== undefined)) {
    const scratchAtMax = Math.max(0, ...dynBuffers.map((b) => (b.bytes === undefined ? 0 : align16(evalDim(b.bytes, opts.maxDims!)))));
    const atMax = planMemory(g, (v) => evalDim(valueBytes(g, v), opts.maxDims!), aliases, isDyn).arenaBytes + scratchAtMax;
    if (!(dynamicBase + atMax + 16 <= limit)) {
      throw new CodegenError(`at the maximum dims (${symbols.map((x) => `${x}=${opts.maxDims![x]}`).join(', ')}) the model needs ${dynamicBase + atMax + 16} bytes of memory (weights ${weightsEnd - weightsBase}, run-time activations ${atMax}), ${dynamicBase + atMax + 16 - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
    }
  }
  const pages = Math.max(1, Math.ceil(memoryBytes / PAGE));
  const weights = new Uint8Array(weightsEnd - weightsBase);
  let p = 0;
  for (const c of weightChunks) { weights.set(c, p); p += c.byteLength; }
  mod.setMemory(pages, opts.embedWeights && weights.byteLength ? [{ offset: weightsBase, data: weights }] : []);

  const meta: ModelMeta = {
    format: 1,
    inputs, outputs,
    weights: { offset: weightsBase, byteLength: weights.byteLength, embedded: !!opts.embedWeights },
    memory: { pages, arenaBytes: plan.arenaBytes, scratchBytes },
  };
  if (symbols.length) {
    meta.dynamic = {
      symbols, table: table.address, base: dynamicBase,
      buffers: dynBuffers.map((b) => ({ name: b.name, bytes: polyJson(b.bytes ?? valueBytes(g, b.name)), first: b.first, last: b.last })),
      ...(opts.maxDims ? { maxDims: Object.fromEntries(symbols.filter((x) => opts.maxDims![x] !== undefined).map((x) => [x, opts.maxDims![x]!])) } : {}),
    };
  }
  mod.addCustomSection(META_SECTION, new TextEncoder().encode(JSON.stringify(meta)));

  if (!mod.validate()) {
    mod.dispose();
    throw new CodegenError('internal error: the generated module does not validate');
  }
  if (opts.optimize !== false) mod.optimize();
  const wasm = mod.emitBinary();
  mod.dispose();
  return { wasm, weights: opts.embedWeights ? new Uint8Array(0) : weights, meta, plan };
}

export type { FnBuilder };
