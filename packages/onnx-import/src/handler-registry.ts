import { Attrs, Graph, Tensor, ValueType, functionNode, inferNode } from '@onnx2wasm/ir';
import { withAttributeDefaults, withEmittedDefaults } from './attribute-defaults.js';
import { OnnxImportError } from './errors.js';
import { foldAtImport } from './fold-at-import.js';
import { currentGuards } from './run-time-branches.js';
import type { GraphProto } from './proto.js';

/** One ONNX node as handlers see it: attributes already decoded. */
export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
  /** Graph-valued attributes (If branches, Loop/Scan bodies), imported by their handlers. */
  subgraphs?: Record<string, GraphProto>;
}

/** What a handler may do: read types and constants, add constants, and emit IR nodes. */
export interface HandlerContext {
  node: OnnxNode;
  opset: number;
  graph: Graph;
  typeOf(value: string): ValueType;
  constantOf(value: string): Tensor | undefined;
  /** Adds a compile-time constant and returns its value name. */
  addConstant(t: Tensor, hint?: string): string;
  /** Emits an IR node (inferred at once); an elementwise function id (Add, Relu) emits the Unary/Binary node computing it. Outputs default to fresh names; returns the output names. */
  emit(op: string, inputs: string[], attrs?: Attrs, outputs?: string[] | number): string[];
  fail(message: string): never;
  /**
   * Fails (INVALID_MODEL, reason VALUE_NEEDED, naming `input`) because the node needs the value of
   * `input` at compile time: value-variant search may supply it, unlike other failures.
   */
  needValue(input: string, message: string): never;
  /**
   * Symbols the user gave to an input dim the model fixes to 1 at axis 0 (`inputShapes: { x: ['N', …] }`
   * over a model traced at batch 1): constant reshape targets may then carry that traced batch.
   */
  tracedBatch: ReadonlySet<string>;
}

export type Handler = (ctx: HandlerContext) => void;

interface Entry { sinceVersion: number; handler: Handler }
const handlers = new Map<string, Entry[]>();

function key(domain: string, opType: string): string {
  return `${domain === 'ai.onnx' ? '' : domain}:${opType}`;
}

/** Registers a handler for `opType` from opset `sinceVersion` on; import picks the newest not newer than the model's opset. */
export function registerHandler(opType: string, sinceVersion: number, handler: Handler, domain = ''): void {
  const k = key(domain, opType);
  const list = handlers.get(k) ?? [];
  if (list.some((e) => e.sinceVersion === sinceVersion)) throw new Error(`a handler for ${k || opType} since opset ${sinceVersion} is already registered`);
  list.push({ sinceVersion, handler });
  list.sort((a, b) => b.sinceVersion - a.sinceVersion);
  handlers.set(k, list);
}

export function findHandler(domain: string, opType: string, opset: number): Handler | undefined {
  return handlers.get(key(domain, opType))?.find((e) => e.sinceVersion <= opset)?.handler;
}

export function listHandlers(): { domain: string; opType: string; versions: number[] }[] {
  return [...handlers].map(([k, list]) => {
    const [domain, opType] = k.split(':') as [string, string];
    return { domain, opType, versions: list.map((e) => e.sinceVersion).sort((a, b) => a - b) };
  }).sort((a, b) => a.opType.localeCompare(b.opType));
}

/**
 * Builds the context for one node over the graph being imported. The handler sees the node with
 * every ONNX attribute default of `opset` written in (attribute-defaults.ts).
 */
export function makeContext(graph: Graph, onnxNode: OnnxNode, opset: number, fresh: (hint: string) => string, tracedBatch: ReadonlySet<string> = new Set()): HandlerContext {
  const attrs = withAttributeDefaults(onnxNode.domain, onnxNode.opType, opset, onnxNode.attrs);
  const node = attrs === onnxNode.attrs ? onnxNode : { ...onnxNode, attrs };
  let emitted = 0;
  const where = { node: node.name, op: node.opType };
  const ctx: HandlerContext = {
    node, opset, graph, tracedBatch,
    typeOf(value) {
      const t = graph.types.get(value);
      if (!t) throw new OnnxImportError('INVALID_MODEL', `${node.opType} node '${node.name}' reads '${value}', which no earlier node or input defines`, where);
      return t;
    },
    constantOf: (value) => graph.constants.get(value),
    addConstant(t, hint = 'const') {
      const name = fresh(`${node.name}/${hint}`);
      graph.constants.set(name, t);
      graph.types.set(name, { dtype: t.dtype, shape: [...t.dims] });
      return name;
    },
    emit(op, inputs, attrs = {}, outputs = 1) {
      for (const i of inputs) if (i) ctx.typeOf(i);
      const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => fresh(`${node.name}/${op}`)) : outputs;
      // An elementwise function id ('Mul', 'Relu') emits the Unary/Binary node computing it.
      const irNode = functionNode(emitted++ === 0 ? node.name : `${node.name}/${op}${emitted - 1}`, op, inputs, outs, withEmittedDefaults(op, attrs));
      const guard = currentGuards();
      if (guard) irNode.guard = guard;
      inferNode(graph, irNode);
      const folded = foldAtImport(graph, irNode);
      if (folded) outs.forEach((o, k) => { if (o && folded[k]) graph.constants.set(o, folded[k]!); });
      else graph.nodes.push(irNode);
      return outs;
    },
    fail(message) { throw new OnnxImportError('INVALID_MODEL', `${node.opType} node '${node.name}': ${message}`, where); },
    needValue(input, message) { throw new OnnxImportError('INVALID_MODEL', `${node.opType} node '${node.name}': ${message}`, { ...where, input, reason: 'VALUE_NEEDED' }); },
  };
  return ctx;
}

/** A handler for ONNX ops that are the IR op of the same name with the same inputs and attributes. */
export function direct(irOp?: string): Handler {
  return (ctx) => { ctx.emit(irOp ?? ctx.node.opType, ctx.node.inputs, ctx.node.attrs, ctx.node.outputs); };
}
