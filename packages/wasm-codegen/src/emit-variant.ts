// Lowers one variant's nodes into functions of the module and a run function calling them in
// order, at the addresses the module layout gave the variant; returns its input/output slots.
import { CompileError, Guard, Tensor, getNumber, opLabel } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { LowerContext, StaticOperand, getLowering, operandFromStatic, staticContext } from './lowering.js';
import { DynamicTable, polyJson, runTimeContext } from './dynamic-dims.js';
import { TensorSlot } from './model-meta.js';
import { VariantPlan, align16 } from './variant-plan.js';
import { effectiveGuards } from './guards.js';
import { loopStep, loopStepFunction, loopTest } from './kernels/ops/loop-region.js';
import { Node } from '@onnx2wasm/ir';
import { Expr, FnBuilder, WasmModuleBuilder } from './wasm-builder.js';
import { ThreadPlan, ThreadPool } from './thread-pool.js';
import { NodePart } from './thread-split.js';

export interface VariantLayout {
  /** Function name prefix, so variants' functions do not clash ('' for the generic variant). */
  prefix: string;
  table: DynamicTable;
  arenaBase: number;
  scratchBase: number;
  /** Where each node's derived region starts. */
  derived: Map<import('@onnx2wasm/ir').Node, number>;
  /** Where each value computed at load time lives. */
  held: Map<string, number>;
  /** Threaded builds: the nodes cut into parts, each part with its own scratch (scratchBase + part × stride); their derived regions are in `derived`. */
  threads?: { plan: ThreadPlan; pool: ThreadPool; scratchStride: number };
}

export interface ModuleParts {
  mod: WasmModuleBuilder;
  addWeight(data: Tensor | Uint8Array, key?: string): number;
  helper(name: string, build: (fn: FnBuilder) => void, params?: ('i32' | 'f32' | 'v128')[]): string;
  /** Collects the names of functions init() calls. */
  atLoad(name: string): void;
  /** Packed panels of tied MatMul Bs (tied-weights.ts), by root value name. */
  tiedPanels?: Map<string, number>;
  /** Export every node's function too (profiling builds: scripts/profile.mjs calls them one by one). */
  exportNodes?: boolean;
}

/** A node's function in the module, in run order. */
export interface NodeFunction { fn: string; node: string; op: string }

export function emitVariant(vp: VariantPlan, at: VariantLayout, parts: ModuleParts): { run: string; inputs: TensorSlot[]; outputs: TensorSlot[]; nodes: NodeFunction[] } {
  const { g, rootOf, plan, operandType, sampleBytes } = vp;
  const { mod, addWeight, helper } = parts;
  const constKey = (v: string) => `const:${rootOf(v)}`;
  const staticAddr = (v: string) => {
    const h = at.held.get(rootOf(v));
    if (h !== undefined) return h;
    const off = plan.offsets.get(v);
    if (off === undefined) throw new CodegenError(`value '${v}' has no planned memory`);
    return at.arenaBase + off;
  };
  const operand = (v: string): StaticOperand => {
    const base = operandType(v);
    const rootConst = g.constants.get(rootOf(v));
    if (base.constant || rootConst) {
      const c = rootConst ?? base.constant!;
      return { ...base, constant: base.constant ?? rootConst, get addr() { return addWeight(c, constKey(v)); } };
    }
    return { ...base, addr: staticAddr(v) };
  };

  const calls: Step[] = [];
  const nodes: NodeFunction[] = [];
  const stepFns = new Map<Node, string>();
  const runName = `${at.prefix}run`;
  const runFn = mod.fn(runName);
  const guards = effectiveGuards(g);
  const holds = (c: Guard): Expr => {
    const known = g.constants.get(rootOf(c.cond));
    if (known) return runFn.i(Number(getNumber(known, 0) !== 0) === Number(c.when) ? 1 : 0);
    const flag = runFn.load8U(staticAddr(c.cond));
    return c.when ? runFn.ne(flag, 0) : runFn.eqz(flag);
  };
  const loadTimePanels = (v: string) => parts.tiedPanels?.get(rootOf(v));
  /** A lowering context with static dims; `initName` names the function load-time work goes into (none: another function fills it). */
  const contextFor = (node: Node, fn: FnBuilder, op: (v: string, io: 'in' | 'out', i: number) => StaticOperand, scratch: number, initName?: string, derived = at.derived.get(node) ?? -1): LowerContext => staticContext({
    node,
    inputs: node.inputs.map((v, i) => (v ? op(v, 'in', i) : undefined)),
    outputs: node.outputs.map((v, i) => op(v, 'out', i)),
    fn, module: mod, addWeight, scratch, helper, loadTimePanels, derived,
    atLoad(build) {
      if (!initName) return;
      const init = mod.fn(initName);
      init.finish(build(init));
      parts.atLoad(initName);
    },
  });
  /** A lowering's statements; an unexpected failure becomes a CodegenError naming the node. */
  const lowered = (node: Node, build: () => Expr[]): Expr[] => {
    try {
      return build();
    } catch (e) {
      if (e instanceof CompileError) throw e; // e.g. a kernel's attribute check: keeps its code
      throw new CodegenError(`${opLabel(node)} node '${node.name}': code generation failed: ${(e as Error).message}`, { node: node.name, op: opLabel(node) });
    }
  };
  g.nodes.forEach((n, k) => {
    if (vp.views.has(n.outputs[0] ?? '')) return;
    const fname = `${at.prefix}n${k}_${opLabel(n)}`;
    const lowering = getLowering(n.op)!;
    const split = at.threads?.plan.parts.get(n);
    if (split) {
      const names = split.map((part, p) => emitPart(part, `${fname}_p${p}`, p));
      calls.push({ guard: guards.get(n) ?? [], call: at.threads!.pool.job(runFn, names), node: n });
      nodes.push({ fn: names[0]!, node: n.name, op: opLabel(n) });
      return;
    }
    const fn = mod.fn(fname);
    const mode = vp.dynamicNodes.get(n);
    const dyn = () => runTimeContext({ node: n, fn, module: mod, addWeight, helper, loadTimePanels }, at.table, g, rootOf, staticAddr);
    const staticCtx = (op: (v: string) => StaticOperand): LowerContext => contextFor(n, fn, op, at.scratchBase, `${fname}_init`);
    const body = lowered(n, () => {
      if (mode === 'kernel') {
        const { ctx, prologue } = dyn();
        const stmts = lowering.lower(ctx); // fills the prologue as it reads run-time dims
        return [...prologue, ...stmts];
      }
      if (mode !== undefined) {
        // Per sample: the static kernel on staging buffers inside a loop over the batch.
        const stage = new Map<string, number>();
        let next = at.scratchBase + align16(vp.kernelScratch(n, lowering, mode));
        for (const v of vp.staged(n)) { stage.set(v, next); next += align16(sampleBytes(v, mode)); }
        const inner = lowering.lower(staticCtx((v) => (stage.has(v) ? { ...operandType(v, mode), addr: stage.get(v)! } : operand(v))));
        const { ctx, prologue } = dyn();
        const b = fn.local('i32');
        const sampleAt = (v: string) => fn.add(ctx.inputs[n.inputs.indexOf(v)]?.addr() ?? ctx.outputs[n.outputs.indexOf(v)]!.addr(), fn.mul(b.get(), sampleBytes(v, mode)));
        const copyIn = [...stage].filter(([v]) => n.inputs.includes(v)).map(([v, s]) => fn.copy(s, sampleAt(v), sampleBytes(v, mode)));
        const copyOut = [...stage].filter(([v]) => n.outputs.includes(v)).map(([v, s]) => fn.copy(sampleAt(v), s, sampleBytes(v, mode)));
        const loop = fn.for(b, 0, ctx.dim(mode), 1, [...copyIn, ...inner, ...copyOut]);
        return [...prologue, loop];
      }
      return lowering.lower(staticCtx(operand));
    });
    fn.finish(body);
    // A loop whose carried values have run-time dims steps in a function of its own (LoopEnd's run-time context).
    if (n.op === 'LoopEnd' && mode === 'kernel') {
      const stepFn = mod.fn(`${fname}_step`);
      const { ctx, prologue } = runTimeContext({ node: n, fn: stepFn, module: mod, addWeight, helper, loadTimePanels }, at.table, g, rootOf, staticAddr);
      stepFn.finish(lowered(n, () => { const stmts = loopStepFunction(ctx); return [...prologue, ...stmts]; }));
      stepFns.set(n, `${fname}_step`);
    }
    if (vp.loadTime.nodes.has(n)) parts.atLoad(fname);
    else calls.push({ guard: guards.get(n) ?? [], call: runFn.call(fname), node: n });
    nodes.push({ fn: fname, node: n.name, op: opLabel(n) });
    if (parts.exportNodes) mod.exportFunction(fname);
  });
  /** One part of a split node as its own function: the node's kernel on slices of its operands, with the part's own scratch. */
  function emitPart(part: NodePart, name: string, p: number): string {
    const fn = mod.fn(name);
    const sliced = (v: string, io: 'in' | 'out', i: number): StaticOperand => {
      const whole = operand(v), slice = io === 'in' ? part.inputs[i] : part.outputs[i];
      return slice ? { ...operandType(v), dims: slice.dims, addr: whole.addr + slice.offset } : whole;
    };
    // A part sharing another part's derived region leaves filling it to that part's init.
    const owner = at.threads!.plan.derivedOwner.get(part.node);
    const ctx = contextFor(part.node, fn, sliced, at.scratchBase + p * at.threads!.scratchStride, owner ? undefined : `${name}_init`, at.derived.get(owner ?? part.node) ?? -1);
    fn.finish(lowered(part.node, () => getLowering(part.node.op)!.lower(ctx)));
    if (parts.exportNodes) mod.exportFunction(name);
    return name;
  }

  // Threaded builds wake the workers first (a job of no parts): their wake-up overlaps the nodes
  // before the first split one instead of delaying it.
  const wake = at.threads?.plan.parts.size ? [at.threads.pool.wake(runFn)] : [];
  runFn.finish([...wake, ...nestUnderGuards(runFn, withLoops(runFn, calls, (end) => {
    const op = (v: string | undefined) => (v ? operandFromStatic(operand(v)) : undefined);
    const stepFn = stepFns.get(end);
    if (stepFn) return { test: loopTest(runFn, op(end.inputs[0]), op(end.inputs[1])!, op(end.inputs[2])!), step: [runFn.call(stepFn)] };
    return loopStep(runFn, end.inputs.map(op), () => at.scratchBase);
  }, holds), 0, holds)]);
  mod.exportFunction(runName);

  // Constant graph outputs are read straight from the weights region.
  const slot = (v: string): TensorSlot => {
    const t = g.types.get(v)!;
    const c = g.constants.get(rootOf(v));
    if (!c && vp.isDyn(v)) return { name: v, dtype: t.dtype, dims: [...t.shape], offset: 0, byteLength: 0, buffer: at.table.bufferIndex.get(rootOf(v))!, shape: t.shape.map(polyJson) };
    const offset = c ? addWeight(c, constKey(v)) : staticAddr(v);
    return { name: v, dtype: t.dtype, dims: [...t.shape], offset, byteLength: vp.bytesOf(v) };
  };
  return { run: runName, inputs: g.inputs.map(slot), outputs: g.outputs.map(slot), nodes };
}

/** One call of the run function (a node's function, or a whole run-time loop). */
interface Step { guard: Guard[]; call: Expr; node?: Node }

/**
 * Folds the calls from each LoopStart to its LoopEnd into one step: LoopStart's call, then while
 * the loop goes on the body's calls and the step between iterations, then LoopEnd's call (the
 * final copies). Loops nest; a loop step keeps a guard only when its start and end share it.
 */
function withLoops(fn: FnBuilder, calls: Step[], stepOf: (end: Node) => { test: () => Expr; step: Expr[] }, holds: (c: Guard) => Expr): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < calls.length; i++) {
    const start = calls[i]!;
    if (start.node?.op !== 'LoopStart') { out.push(start); continue; }
    const iter = start.node.outputs[0];
    const j = calls.findIndex((c, k) => k > i && c.node?.op === 'LoopEnd' && c.node.inputs[1] === iter);
    if (j < 0) throw new CodegenError(`LoopStart node '${start.node.name}': its LoopEnd is missing or placed before it`, { node: start.node.name, op: 'LoopStart' });
    const end = calls[j]!;
    const { test, step } = stepOf(end.node!);
    const body = nestUnderGuards(fn, withLoops(fn, calls.slice(i + 1, j), stepOf, holds), 0, holds);
    const loop = fn.if(test(), [fn.doWhile([...body, ...step], test)]);
    const shared = start.guard.length === end.guard.length && start.guard.every((g, k) => g.cond === end.guard[k]!.cond && g.when === end.guard[k]!.when);
    out.push({ guard: shared ? start.guard : [], call: fn.block([start.call, loop, end.call]) });
    i = j;
  }
  return out;
}

/**
 * The run function's body: consecutive calls under the same guard share one `if` (outer guards
 * first), so an untaken If branch costs one test.
 */
function nestUnderGuards(fn: FnBuilder, calls: Step[], depth: number, holds: (c: Guard) => Expr): Expr[] {
  const out: Expr[] = [];
  const same = (a: Guard | undefined, b: Guard) => !!a && a.cond === b.cond && a.when === b.when;
  for (let i = 0; i < calls.length;) {
    const gd = calls[i]!.guard[depth];
    if (!gd) { out.push(calls[i++]!.call); continue; }
    let j = i;
    while (j < calls.length && same(calls[j]!.guard[depth], gd)) j++;
    out.push(fn.if(holds(gd), nestUnderGuards(fn, calls.slice(i, j), depth + 1, holds)));
    i = j;
  }
  return out;
}
