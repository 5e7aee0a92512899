import { DType, DTYPE_BYTES, Dim, Node, Tensor, sizeOf } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { Expr, FnBuilder, I32, WasmModuleBuilder } from './wasm-builder.js';

/** A value as a kernel sees it: static dims and a byte address in linear memory. */
export interface Operand {
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
  /** Start of the scratch region reserved by `scratchBytes` (shared by all nodes, valid during this node only). */
  scratch: number;
  /** Build a shared helper function once per module (e.g. a vectorized exp); returns its name. */
  helper(name: string, build: (fn: FnBuilder) => void, params?: ('i32' | 'f32' | 'v128')[]): string;
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
 * What shared emitters (vexp, activations, float16 conversion) need of a lowering: a way to build a
 * helper function once per module. LowerContext and DynLowerContext both provide it, so either
 * kind of kernel hands itself to them as is.
 */
export type HelperHost = Pick<LowerContext, 'helper'>;

/**
 * A value as a kernel with run-time dims sees it. Every accessor returns a fresh expression (an
 * Expr may appear only once in the tree): a number when the quantity is static, else a read of a
 * local the node's prologue filled from the dims table.
 */
export interface DynOperand {
  readonly name: string;
  readonly dtype: DType;
  /** The IR dims: numbers, or polynomials over the model's symbols (e.g. '4*batch'). */
  readonly shape: Dim[];
  /** Dim `i` (negative counts from the end) as an i32. */
  dim(i: number): I32;
  /** Product of dims [from, to) as an i32 (element count by default). */
  count(from?: number, to?: number): I32;
  /** Byte address: a number for weights and statically planned values. */
  addr(): I32;
  readonly constant?: Tensor;
}

export interface DynLowerContext {
  node: Node;
  inputs: (DynOperand | undefined)[];
  outputs: DynOperand[];
  fn: FnBuilder;
  module: WasmModuleBuilder;
  addWeight(data: Tensor | Uint8Array, key?: string): number;
  helper(name: string, build: (fn: FnBuilder) => void, params?: ('i32' | 'f32' | 'v128')[]): string;
  /** Any dim (number or polynomial over the model's symbols) as an i32. */
  dim(d: Dim): I32;
  /** Address of this node's run-time scratch buffer (sized by the lowering's `dynamicScratchBytes`). */
  scratch(): I32;
  /**
   * Writes the value of a value-dependent dim this node computes (one its lowering lists in
   * `computedDims`) into the dims table, where later nodes and the runtime read it. Read the
   * node's own outputs' dims only through the value written, never through `dim()` (loaded
   * before the node runs).
   */
  setDim(symbol: string, value: Expr): Expr;
  /** As LowerContext.loadTimePanels. */
  loadTimePanels?(value: string): number | undefined;
}

/** How one IR op becomes wasm. Lives in `kernels/<op>.ts`, named like the IR op's file. */
export interface Lowering {
  ops: string[];
  /** Bytes of scratch memory the kernel needs (im2col buffers, packed tiles). */
  scratchBytes?(node: Node, inputs: (Omit<Operand, 'addr'> | undefined)[], outputs: Omit<Operand, 'addr'>[]): number;
  /** Bytes of the node's derived region, filled once at load (see LowerContext.derived). */
  derivedBytes?(node: Node, inputs: (Omit<Operand, 'addr'> | undefined)[], outputs: Omit<Operand, 'addr'>[]): number;
  /** Returns the statements of the node's function. */
  lower(ctx: LowerContext): Expr[];
  /**
   * The kernel for nodes whose shapes have symbolic dims (read at run time). Without it, such a
   * node compiles only when it is per-sample over a leading batch dim (see per-sample.ts).
   * Kernels that must use it even when their own shapes are static (Dims) set `alwaysDynamic`.
   */
  lowerDynamic?(ctx: DynLowerContext): Expr[];
  /** Whether `lowerDynamic` handles this node; when false the node runs per sample if it can (see per-sample.ts). Default: always. */
  handlesDynamic?(node: Node, inputs: ({ dtype: DType; shape: Dim[] } | undefined)[]): boolean;
  /** Bytes of scratch a `lowerDynamic` kernel needs, as a polynomial over the symbols (placed by the runtime). */
  dynamicScratchBytes?(node: Node, inputs: ({ dtype: DType; shape: Dim[] } | undefined)[], outputs: { dtype: DType; shape: Dim[] }[]): Dim;
  alwaysDynamic?: boolean;
  /**
   * Value-dependent dims the kernel computes during the run (NonZero's count), each with an upper
   * bound as a dim of the input shapes: memory is planned at the bound, and the kernel never
   * writes a value above it (it traps instead, see dynamic-dims.ts). A dim without a bound (a
   * Reshape target read from a tensor) is planned at a value the runtime keeps and grows: the
   * kernel compares with the value in the dims table and traps when it needs more, and the runtime
   * re-plans and reruns. Such a lowering writes each value with `setDim`.
   */
  computedDims?(node: Node, inputs: ({ dtype: DType; shape: Dim[] } | undefined)[], outputs: { dtype: DType; shape: Dim[] }[]): ComputedDim[];
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
export function constantInput(ctx: LowerContext, i: number, what: string): Tensor {
  const t = ctx.inputs[i]?.constant;
  if (!t) throw new CodegenError(`${ctx.node.op} node '${ctx.node.name}': ${what} (input ${i}) must be a compile-time constant`, { node: ctx.node.name, op: ctx.node.op, input: ctx.node.inputs[i], reason: 'VALUE_NEEDED' }, 'DYNAMIC_SHAPE');
  return t;
}

export function unsupported(ctx: { node: Node }, what: string): never {
  throw new CodegenError(`${ctx.node.op} node '${ctx.node.name}': ${what} is not supported`, { node: ctx.node.name, op: ctx.node.op }, 'UNSUPPORTED_OP');
}
