import { CompileError, DTYPE_BYTES, Graph, Tensor, isStatic, sizeOf, typeToString } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { LowerContext, Operand, getLowering } from './lowering.js';
import { MemoryPlan, planMemory } from './memory-plan.js';
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
  for (const n of g.nodes) {
    if (!getLowering(n.op)) throw new CodegenError(`${n.op} node '${n.name}': no wasm kernel for IR op '${n.op}'`, { node: n.name, op: n.op }, 'UNSUPPORTED_OP');
    for (const v of [...n.inputs, ...n.outputs]) {
      const t = v ? g.types.get(v) : undefined;
      if (t && !isStatic(t.shape)) {
        // A static-shaped graph input read by the node that makes a symbolic shape is a value
        // (OneHot's depth, Range's limits) the shape depends on: name it, it can be pinned.
        const fed = n.inputs.filter((i) => n.outputs.includes(v) && g.inputs.includes(i) && isStatic(g.types.get(i)!.shape));
        const hint = fed.length ? `its shape depends on the values of ${fed.map((i) => `'${i}'`).join(', ')}, which must be known at compile time (constantInputs)` : 'pin the input shapes (inputShapes / --input-shape)';
        throw new CodegenError(`${n.op} node '${n.name}': value '${v}' has symbolic shape ${typeToString(t)}; ${hint}`, { node: n.name, op: n.op }, 'DYNAMIC_SHAPE');
      }
      // Inference fed a NaN or a fraction (from a malformed attribute) would size memory with it.
      if (t && !t.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
        throw new CodegenError(`${n.op} node '${n.name}': value '${v}' has invalid shape ${typeToString(t)}`, { node: n.name, op: n.op }, 'SHAPE_MISMATCH');
      }
    }
  }
  // A graph input no node reads (or one passed straight to an output) is checked here, not above.
  for (const v of [...g.inputs, ...g.outputs]) {
    const t = g.types.get(v);
    if (t && !isStatic(t.shape)) throw new CodegenError(`graph ${g.inputs.includes(v) ? 'input' : 'output'} '${v}' has symbolic shape ${typeToString(t)}; pin the input shapes (inputShapes / --input-shape)`, undefined, 'DYNAMIC_SHAPE');
  }
  const bytesOf = (v: string) => {
    const t = g.types.get(v)!;
    return sizeOf(t.shape as number[]) * DTYPE_BYTES[t.dtype];
  };
  // Views (Reshape and friends) and in-place elementwise outputs share another value's bytes.
  const { aliases, views } = bufferAliases(g);
  const rootOf = (v: string) => { while (aliases.has(v)) v = aliases.get(v)!; return v; };
  const plan = planMemory(g, bytesOf, aliases);
  const arenaBase = RESERVED;

  const operandType = (v: string) => {
    const t = g.types.get(v)!;
    return { name: v, dtype: t.dtype, dims: t.shape as number[], constant: g.constants.get(v) };
  };
  let scratchBytes = 0;
  for (const n of g.nodes) {
    const l = getLowering(n.op)!;
    if (l.scratchBytes) scratchBytes = Math.max(scratchBytes, l.scratchBytes(n, n.inputs.map((i) => (i ? operandType(i) : undefined)), n.outputs.map(operandType)));
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
  const calls: Expr[] = [];
  const runFn = mod.fn('run');
  g.nodes.forEach((n, k) => {
    if (views.has(n.outputs[0] ?? '')) return;
    const fname = `n${k}_${n.op}`;
    const fn = mod.fn(fname);
    const ctx: LowerContext = {
      node: n,
      inputs: n.inputs.map((i) => (i ? operand(i) : undefined)),
      outputs: n.outputs.map((o) => operand(o)),
      fn,
      module: mod,
      addWeight,
      scratch: scratchBase,
      helper(name, build, params = []) {
        if (!helpers.has(name)) {
          helpers.add(name);
          build(mod.fn(name, params));
        }
        return name;
      },
    };
    let body;
    try {
      body = getLowering(n.op)!.lower(ctx);
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
    const offset = c ? addWeight(c, `const:${rootOf(v)}`) : arenaBase + plan.offsets.get(v)!;
    return { name: v, dtype: t.dtype, dims: [...t.shape], offset, byteLength: bytesOf(v) };
  };
  const inputs = g.inputs.map(slot);
  const outputs = g.outputs.map(slot);
  const memoryBytes = weightsEnd + 16; // vector tails may read up to 12 bytes past the last tensor
  if (!(memoryBytes <= limit)) {
    throw new CodegenError(`the model needs ${memoryBytes} bytes of memory (weights ${weightsEnd - weightsBase}, activations ${plan.arenaBytes}, scratch ${scratchBytes}), ${memoryBytes - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
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
