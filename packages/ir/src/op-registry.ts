import { opLabel } from './ops/function-label.js';
import { DType } from './dtype.js';
import { ShapeError } from './errors.js';
import { Attrs, AttrValue, Dim, Node, ValueType } from './graph.js';
import { Tensor } from './tensor.js';

export type OpGroup = 'elementwise' | 'reduce' | 'movement' | 'linalg' | 'normalization' | 'shape' | 'misc';

/** What type/shape inference sees of one node. */
export interface InferContext {
  node: Node;
  /** Types of the node's inputs; undefined for an omitted optional input. */
  inputs: (ValueType | undefined)[];
  /** Compile-time values of the inputs where known (shape tensors, axes, weights). */
  values: (Tensor | undefined)[];
  /**
   * Contents of non-constant shape-valued inputs known as dim expressions (computed from Shape(x)
   * or produced by a `Dims` node); filled by the inference driver, absent when none are known.
   */
  symbolic?: (Dim[] | undefined)[];
  /**
   * Input `i`'s contents entry by entry where only some are known (a Concat of a run-time value
   * and constants): undefined entries are decided at run time. Undefined when nothing is known.
   */
  partial?(i: number): (Dim | undefined)[] | undefined;
}

/**
 * The definition of one IR op: inference rejects bad inputs early with the node's name; `evaluate`
 * is the op's living definition, used by constant folding and as the oracle for kernel tests.
 */
export interface OpDef {
  name: string;
  group: OpGroup;
  /** One line for docs and `inspect`. */
  description: string;
  infer(ctx: InferContext): ValueType[];
  evaluate(node: Node, inputs: (Tensor | undefined)[]): Tensor[];
  /** Approximate floating point operations, for `inspect`; defaults to one per output element. */
  flops?(ctx: InferContext, outputs: ValueType[]): number;
}

const registry = new Map<string, OpDef>();

/** Registers an op; plugins use the same entry point as the built-in ops. */
export function registerOp(def: OpDef): void {
  if (registry.has(def.name)) throw new Error(`IR op '${def.name}' is already registered`);
  registry.set(def.name, def);
}

export function getOp(name: string): OpDef | undefined {
  return registry.get(name);
}

export function listOps(): OpDef[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function fail(node: Node, message: string, code?: 'SHAPE_MISMATCH' | 'DTYPE_MISMATCH' | 'INVALID_ATTRIBUTE' | 'DYNAMIC_SHAPE' | 'UNSUPPORTED_OP'): never {
  throw new ShapeError(message, { node: node.name, op: opLabel(node) }, code);
}

/** DYNAMIC_SHAPE for a node that needs the value of its input `i` at compile time (value variants may supply it). */
export function needValue(node: Node, i: number, message: string): never {
  throw new ShapeError(message, { node: node.name, op: opLabel(node), input: node.inputs[i], reason: 'VALUE_NEEDED' }, 'DYNAMIC_SHAPE');
}

/** Rejects inputs past the op's last: inference would ignore them while a kernel might read them. */
export function expectInputCount(ctx: InferContext, max: number): void {
  const n = ctx.node.inputs.length;
  if (n > max) throw new ShapeError(`has ${n} inputs; ${opLabel(ctx.node)} takes ${max === 1 ? 'one' : `at most ${max}`}`, { node: ctx.node.name, op: opLabel(ctx.node) }, 'INVALID_MODEL');
}

// ---- attribute access: every reader names the node on a type mismatch ----
// No reader takes a default: the importer writes every attribute (ONNX's defaults included) onto
// the IR nodes, and a missing one is a bug of whatever built the node.

function attr(node: Node, name: string): AttrValue | undefined {
  return node.attrs[name];
}

export function attrInt(node: Node, name: string): number {
  const v = attr(node, name);
  if (v === undefined) fail(node, `missing required attribute '${name}'`, 'INVALID_ATTRIBUTE');
  if (typeof v !== 'number') fail(node, `attribute '${name}' must be a number`, 'INVALID_ATTRIBUTE');
  return v;
}

export const attrFloat = attrInt;

export function attrInts(node: Node, name: string): number[] {
  const v = attr(node, name);
  if (v === undefined) fail(node, `missing required attribute '${name}'`, 'INVALID_ATTRIBUTE');
  if (!Array.isArray(v) || v.some((x) => !Number.isSafeInteger(x))) fail(node, `attribute '${name}' must be a list of integers, got ${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`, 'INVALID_ATTRIBUTE');
  return v as number[];
}

export function attrString(node: Node, name: string): string {
  const v = attr(node, name);
  if (v === undefined) fail(node, `missing required attribute '${name}'`, 'INVALID_ATTRIBUTE');
  if (typeof v !== 'string') fail(node, `attribute '${name}' must be a string`, 'INVALID_ATTRIBUTE');
  return v;
}

export function attrs(a: Attrs): Attrs { return a; }

// ---- small inference helpers shared by op definitions ----

export function input(ctx: InferContext, i: number): ValueType {
  const t = ctx.inputs[i];
  if (!t) fail(ctx.node, `input ${i} is required`);
  return t;
}

export function expectDType(ctx: InferContext, i: number, allowed: readonly DType[]): DType {
  const t = input(ctx, i);
  if (!allowed.includes(t.dtype)) fail(ctx.node, `input ${i} has dtype ${t.dtype}; expected one of ${allowed.join(', ')}`, 'DTYPE_MISMATCH');
  return t.dtype;
}

export function expectRank(ctx: InferContext, i: number, rank: number): Dim[] {
  const t = input(ctx, i);
  if (t.shape.length !== rank) fail(ctx.node, `input ${i} has rank ${t.shape.length} (shape [${t.shape}]); expected rank ${rank}`);
  return t.shape;
}

export function normalizeAxis(node: Node, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) fail(node, `axis ${axis} is out of range for rank ${rank}`, 'INVALID_ATTRIBUTE');
  return a;
}

/** Numpy-style broadcast of several shapes; symbolic dims broadcast against 1 or themselves. */
export function broadcastShapes(node: Node, shapes: Dim[][]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x === 1) continue;
      if (d === 1) d = x;
      else if (d !== x) {
        if (typeof d === 'string' || typeof x === 'string') d = typeof d === 'number' ? x : d;
        else fail(node, `shapes ${shapes.map((s) => `[${s}]`).join(' and ')} cannot be broadcast`);
      }
    }
    out.push(d);
  }
  return out;
}

/** A compile-time input the op needs (an axes list, a shape); fails with a clear message if it is computed at run time. */
export function constInput(ctx: InferContext, i: number, what: string): Tensor {
  const v = ctx.values[i];
  if (!v) needValue(ctx.node, i, `${what} (input ${i}) must be known at compile time`);
  return v;
}
