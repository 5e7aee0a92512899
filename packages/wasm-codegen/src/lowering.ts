import { DType, DTYPE_BYTES, Node, Tensor, sizeOf } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { Expr, FnBuilder, WasmModuleBuilder } from './wasm-builder.js';

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
}

/** How one IR op becomes wasm. Lives in `kernels/<op>.ts`, named like the IR op's file. */
export interface Lowering {
  ops: string[];
  /** Bytes of scratch memory the kernel needs (im2col buffers, packed tiles). */
  scratchBytes?(node: Node, inputs: (Omit<Operand, 'addr'> | undefined)[], outputs: Omit<Operand, 'addr'>[]): number;
  /** Returns the statements of the node's function. */
  lower(ctx: LowerContext): Expr[];
}

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
  if (!t) throw new CodegenError(`${ctx.node.op} node '${ctx.node.name}': ${what} (input ${i}) must be a compile-time constant`, { node: ctx.node.name, op: ctx.node.op }, 'DYNAMIC_SHAPE');
  return t;
}

export function unsupported(ctx: LowerContext, what: string): never {
  throw new CodegenError(`${ctx.node.op} node '${ctx.node.name}': ${what} is not supported`, { node: ctx.node.name, op: ctx.node.op }, 'UNSUPPORTED_OP');
}
