// The plugin surface: a user adds an ONNX op (and optionally optimizer passes) in TypeScript or
// plain JS without touching the compiler. An op either expands into existing IR ops at import, or
// is a new IR op with inference, a reference evaluate and a lowering built from codegen helpers.
import type { InferContext, Node, Tensor, ValueType, OpGroup } from '@onnx2wasm/ir';
import type { HandlerContext } from '@onnx2wasm/onnx-import';
import type { Pass } from '@onnx2wasm/optimizer';
import type { Expr, StaticContext } from '@onnx2wasm/wasm-codegen';

interface PluginOpBase {
  /** ONNX domain, e.g. 'com.microsoft' ('' or 'ai.onnx' for the default domain). */
  domain: string;
  opType: string;
  /** Opset of `domain` the op exists from (the model's opset import for that domain must be ≥ this). */
  sinceVersion: number;
}

/** An op imported as a few existing IR ops: `expand` calls ctx.emit / ctx.addConstant. */
export interface ExpandOp extends PluginOpBase {
  expand(ctx: HandlerContext): void;
}

/** A new IR op: the ONNX node maps to it one to one (same inputs, attributes and outputs). */
export interface KernelOp extends PluginOpBase {
  /** IR op name; defaults to `opType`. Must not clash with a built-in IR op. */
  irOp?: string;
  group?: OpGroup;
  description?: string;
  infer(ctx: InferContext): ValueType[];
  /** The op's reference definition: constant folding and tests use it. */
  evaluate(node: Node, inputs: (Tensor | undefined)[]): Tensor[];
  /**
   * Statements of the node's function, built with ctx.fn and the exported kernel helpers. The
   * context is the static view (dims and addresses as numbers): a plugin kernel takes static dims
   * only, and a node with run-time dims runs it per sample or fails with DYNAMIC_SHAPE.
   */
  lower(ctx: StaticContext, node: Node): Expr[];
  scratchBytes?(node: Node): number;
}

export type PluginOp = ExpandOp | KernelOp;

export interface Plugin {
  name: string;
  ops: PluginOp[];
  /** Optimizer passes run after the built-in pipeline. */
  passes?: Pass[];
}

export function isKernelOp(op: PluginOp): op is KernelOp {
  return typeof (op as KernelOp).lower === 'function';
}

/** Checks a plugin's shape early so a typo fails with a clear message, and returns it unchanged. */
export function definePlugin<P extends Plugin>(plugin: P): P {
  const bad = (msg: string): never => { throw new TypeError(`plugin '${String(plugin?.name)}': ${msg}`); };
  if (!plugin || typeof plugin.name !== 'string' || !plugin.name) bad('needs a non-empty name');
  if (!Array.isArray(plugin.ops)) bad('ops must be an array');
  for (const op of plugin.ops) {
    const id = `${op.domain}:${op.opType}`;
    if (typeof op.domain !== 'string' || typeof op.opType !== 'string' || !op.opType) bad(`op ${id} needs a domain and an opType`);
    if (!Number.isInteger(op.sinceVersion) || op.sinceVersion < 1) bad(`op ${id} needs an integer sinceVersion ≥ 1`);
    const expands = typeof (op as ExpandOp).expand === 'function';
    const kernel = isKernelOp(op);
    if (expands === kernel) bad(`op ${id} must have either expand() or infer/evaluate/lower`);
    if (kernel && (typeof op.infer !== 'function' || typeof op.evaluate !== 'function')) bad(`op ${id} has lower() but lacks infer() or evaluate()`);
  }
  if (plugin.passes !== undefined && !Array.isArray(plugin.passes)) bad('passes must be an array');
  return plugin;
}
