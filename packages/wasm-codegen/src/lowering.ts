import { DTYPE_BYTES, DType, Dim, Node, Tensor, opLabel, sizeOf, typeToString } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { Expr, FnBuilder, I32, WasmModuleBuilder } from './wasm-builder.js';

/**
 * A value as a kernel sees it. The accessors work for every operand and return a fresh i32
 * expression each time (an Expr may appear only once in the tree): a number when the quantity is
 * static, which folds to a constant, else a read of a local the node's prologue filled from the
 * dims table. A kernel that specializes on static shapes reads `static` instead, through
 * `staticView` (or `staticViewIfAny` when it also has a run-time path).
 */
export interface Operand {
  readonly name: string;
  readonly dtype: DType;
  /** The IR dims: numbers, or polynomials over the model's symbols (e.g. '4*batch'). */
  readonly shape: Dim[];
  /** Dim `i` (negative counts from the end) as an i32. */
  dim(i: number): I32;
  /** Product of dims [from, to) as an i32 (element count by default). */
  count(from?: number, to?: number): I32;
  /** Byte address as an i32: a number for weights and statically planned values. */
  addr(): I32;
  /** The compile-time value, for constants (weights, scalars). */
  readonly constant?: Tensor;
  /** The static facts, when every dim is a number and the address is fixed at compile time. */
  readonly static?: StaticOperand;
}

/** An operand's static facts: dims as numbers and a byte address in linear memory. */
export interface StaticOperand {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: number[];
  /** Byte address; for constants, reading it places the constant in the weights region. */
  readonly addr: number;
  /** The compile-time value, for constants (weights, scalars). */
  readonly constant?: Tensor;
}

export function elementCount(o: { dims: number[] }): number { return sizeOf(o.dims); }
export function byteSize(o: { dtype: DType; dims: number[] }): number { return sizeOf(o.dims) * DTYPE_BYTES[o.dtype]; }

/** What a lowering builds a node's function with: one context for static and run-time dims. */
export interface LowerContext {
  node: Node;
  /** undefined for omitted optional inputs. */
  inputs: (Operand | undefined)[];
  outputs: Operand[];
  /** The builder of this node's function. */
  fn: FnBuilder;
  module: WasmModuleBuilder;
  /** Places bytes (a prepacked weight, a lookup table) in the weights region; returns its address. */
  addWeight(data: Tensor | Uint8Array, key?: string): number;
  /** Build a shared helper function once per module (e.g. a vectorized exp); returns its name. */
  helper(name: string, build: (fn: FnBuilder) => void, params?: ('i32' | 'f32' | 'v128')[]): string;
  /** Any dim (number or polynomial over the model's symbols) as an i32. */
  dim(d: Dim): I32;
  /**
   * Start of the node's scratch: a number (the region `scratchBytes` reserves, shared by all nodes,
   * valid during this node only) when the node is lowered with static dims, else the address of its
   * run-time scratch buffer (sized by `runTimeScratchBytes`).
   */
  scratch(): I32;
  /** The context's static facts, when the node is lowered with static dims: its scratch region's address. */
  readonly static?: { scratch: number };
  /**
   * Writes the value of a value-dependent dim this node computes (one its lowering lists in
   * `computedDims`) into the dims table, where later nodes and the runtime read it. Read the
   * node's own outputs' dims only through the value written, never through `dim()` (loaded
   * before the node runs).
   */
  setDim(symbol: string, value: Expr): Expr;
  /**
   * Start of this node's derived region (sized by the lowering's `derivedBytes`): data computed
   * from the weights once at load time, e.g. transformed filters that would be bigger to ship.
   */
  derived?: number;
  /** Adds statements the module's init() runs once after the weights are in memory. */
  atLoad?(build: (fn: FnBuilder) => Expr[]): void;
  /** For a constant MatMul B tied to a shipped table (tied-weights.ts): the address of its packed panels, built at load. */
  loadTimePanels?(value: string): number | undefined;
}

/**
 * The context as a kernel specialized on static shapes sees it (from `staticView`): every operand
 * by its static facts, and the scratch region's address as a number.
 */
export interface StaticContext extends Omit<LowerContext, 'inputs' | 'outputs' | 'scratch' | 'static'> {
  inputs: (StaticOperand | undefined)[];
  outputs: StaticOperand[];
  scratch: number;
}

/**
 * What shared emitters (vexp, activations, float16 conversion, reduction steps) need of a
 * lowering: the node, its function and a way to build helper functions once per module. A
 * LowerContext and its static view both are one.
 */
export type KernelHost = Pick<LowerContext, 'node' | 'fn' | 'module' | 'addWeight' | 'helper'>;
/** The part of a KernelHost the math emitters use. */
export type HelperHost = Pick<LowerContext, 'helper'>;

/**
 * The context with every operand by its static facts, or undefined when an operand has a run-time
 * dim or address. A lowering with both kinds of kernel takes its static one when this gives a view.
 */
export function staticViewIfAny(ctx: LowerContext): StaticContext | undefined {
  const ins: (StaticOperand | undefined)[] = [], outs: StaticOperand[] = [];
  for (const o of ctx.inputs) {
    if (o && !o.static) return undefined;
    ins.push(o?.static);
  }
  for (const o of ctx.outputs) {
    if (!o.static) return undefined;
    outs.push(o.static);
  }
  if (!ctx.static) return undefined;
  const { static: facts, ...rest } = ctx;
  return { ...rest, inputs: ins, outputs: outs, scratch: facts.scratch };
}

/**
 * The context with every operand by its static facts, for a kernel that needs static dims; fails
 * with DYNAMIC_SHAPE naming the node when an operand's dims are known only at run time (planning
 * sends such nodes to a kernel that takes run-time dims, or runs them per sample, first).
 */
export function staticView(ctx: LowerContext): StaticContext {
  const view = staticViewIfAny(ctx);
  if (view) return view;
  throw noRunTimeKernel(ctx.node, [...ctx.inputs, ...ctx.outputs].filter((o): o is Operand => !!o && !o.static));
}

/** The DYNAMIC_SHAPE error for a node with run-time dims whose lowering takes only static ones. */
export function noRunTimeKernel(node: Node, values: { name: string; dtype: DType; shape: Dim[] }[]): CodegenError {
  const shapes = values.map((v) => `'${v.name}': ${typeToString(v)}`);
  return new CodegenError(`${opLabel(node)} node '${node.name}': no kernel for run-time dims here (${shapes.join(', ')}); pin the input shapes (inputShapes / --input-shape)`, { node: node.name, op: opLabel(node) }, 'DYNAMIC_SHAPE');
}

/** A lowering context over operands whose static facts are all known (a node with static shapes, or one sample of a batch). */
export function staticContext(base: Omit<StaticContext, 'dim' | 'setDim'>): LowerContext {
  const { node } = base;
  return {
    ...base,
    inputs: base.inputs.map((o) => o && operandFromStatic(o)),
    outputs: base.outputs.map(operandFromStatic),
    scratch: () => base.scratch,
    static: { scratch: base.scratch },
    dim(d) {
      if (typeof d === 'number') return d;
      throw new CodegenError(`${opLabel(node)} node '${node.name}': dim '${d}' asked for in a node lowered with static dims`, { node: node.name, op: opLabel(node) }, 'DYNAMIC_SHAPE');
    },
    setDim(symbol) {
      throw new CodegenError(`${opLabel(node)} node '${node.name}': writes dim symbol '${symbol}', but the node is lowered with static dims`, { node: node.name, op: opLabel(node) });
    },
  };
}

/** An operand whose static facts are known: its accessors are the static numbers. */
export function operandFromStatic(o: StaticOperand): Operand {
  const at = (i: number) => (i < 0 ? o.dims.length + i : i);
  return {
    name: o.name, dtype: o.dtype, shape: o.dims, constant: o.constant, static: o,
    dim: (i) => o.dims[at(i)]!,
    count: (from = 0, to = o.dims.length) => sizeOf(o.dims.slice(at(from), at(to))),
    addr: () => o.addr,
  };
}

type ShapeOf = { dtype: DType; shape: Dim[] };

/** How one IR op becomes wasm. Lives in `kernels/<op>.ts`, named like the IR op's file. */
export interface Lowering {
  ops: string[];
  /** Bytes of scratch memory the kernel needs with static dims (im2col buffers, packed tiles). */
  scratchBytes?(node: Node, inputs: (Omit<StaticOperand, 'addr'> | undefined)[], outputs: Omit<StaticOperand, 'addr'>[]): number;
  /** Bytes of the node's derived region, filled once at load (see LowerContext.derived). */
  derivedBytes?(node: Node, inputs: (Omit<StaticOperand, 'addr'> | undefined)[], outputs: Omit<StaticOperand, 'addr'>[]): number;
  /**
   * Returns the statements of the node's function. Called with run-time dims only when
   * `runTimeDims` says the lowering takes them; a kernel that needs static dims reads them
   * through `staticView(ctx)`.
   */
  lower(ctx: LowerContext): Expr[];
  /**
   * Whether `lower` takes operands with run-time dims (symbolic shapes, read at run time): always
   * (true), or for the nodes the function accepts. Otherwise such a node compiles only when it is
   * per-sample over a leading batch dim (see per-sample.ts).
   */
  runTimeDims?: boolean | ((node: Node, inputs: (ShapeOf | undefined)[]) => boolean);
  /** Takes run-time dims even when the node's own shapes are static (in a model with run-time dims), e.g. Dims. */
  alwaysRunTime?: boolean;
  /** Bytes of scratch the kernel needs with run-time dims, as a polynomial over the symbols (placed by the runtime). */
  runTimeScratchBytes?(node: Node, inputs: (ShapeOf | undefined)[], outputs: ShapeOf[]): Dim;
  /**
   * Value-dependent dims the kernel computes during the run (NonZero's count), each with an upper
   * bound as a dim of the input shapes: memory is planned at the bound, and the kernel never
   * writes a value above it (it traps instead, see dynamic-dims.ts). A dim without a bound (a
   * Reshape target read from a tensor) is planned at a value the runtime keeps and grows: the
   * kernel compares with the value in the dims table and traps when it needs more, and the runtime
   * re-plans and reruns. Such a lowering sets `alwaysRunTime` and writes each value with `setDim`.
   */
  computedDims?(node: Node, inputs: (ShapeOf | undefined)[], outputs: ShapeOf[]): ComputedDim[];
}

/** Whether the lowering's `lower` takes this node with run-time dims (Lowering.runTimeDims). */
export function takesRunTimeDims(l: Lowering, node: Node, inputs: (ShapeOf | undefined)[]): boolean {
  return typeof l.runTimeDims === 'function' ? l.runTimeDims(node, inputs) : !!l.runTimeDims;
}

/** A dim a kernel computes at run time and its compile-time upper bound (none: the runtime grows its plan, see above). */
export interface ComputedDim { symbol: string; bound?: Dim }

const lowerings = new Map<string, Lowering>();

export function registerLowering(l: Lowering): void {
  for (const op of l.ops) {
    if (lowerings.has(op)) throw new Error(`a lowering for '${op}' is already registered`);
    lowerings.set(op, l);
  }
}

export function getLowering(op: string): Lowering | undefined { return lowerings.get(op); }
export function hasLowering(op: string): boolean { return lowerings.has(op); }
export function listLoweredOps(): string[] { return [...lowerings.keys()].sort(); }

/** The constant value of input `i`, or a codegen error naming the node (for inputs kernels need at compile time). */
export function constantInput(ctx: { node: Node; inputs: ({ constant?: Tensor } | undefined)[] }, i: number, what: string): Tensor {
  const t = ctx.inputs[i]?.constant;
  if (!t) throw new CodegenError(`${opLabel(ctx.node)} node '${ctx.node.name}': ${what} (input ${i}) must be a compile-time constant`, { node: ctx.node.name, op: opLabel(ctx.node), input: ctx.node.inputs[i], reason: 'VALUE_NEEDED' }, 'DYNAMIC_SHAPE');
  return t;
}

export function unsupported(ctx: { node: Node }, what: string): never {
  throw new CodegenError(`${opLabel(ctx.node)} node '${ctx.node.name}': ${what} is not supported`, { node: ctx.node.name, op: opLabel(ctx.node) }, 'UNSUPPORTED_OP');
}
