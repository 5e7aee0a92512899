import { Attrs, AttrValue, CompileError, LimitError, Dim, Graph, Tensor, ValueType, canonicalDim, isDimExpr } from '@onnx2wasm/ir';
import { OnnxImportError, UnsupportedOp, UnsupportedOpError } from './errors.js';
import { OnnxNode, findHandler, makeContext } from './handler-registry.js';
import { AttributeProto, GraphProto, ModelProto, ValueInfoProto, onnx, toNum } from './proto.js';
import { dtypeFromOnnx, tensorFromProto, TensorLoadOptions } from './tensor-proto.js';
import { sortedNodes } from './topo-sort.js';
import { RunTimeIf, checkRankPromotions, startRecording } from './run-time-branches.js';
import { ImportLimits, chargeNodes, resolveLimits, withBudget } from './import-budget.js';
import { protoCensus } from './proto-census.js';
import './handlers/index.js';
import { attrValue } from './attribute-value.js';
import { computesInFloat32, runInFloat32 } from './float16-compute.js';
import { checkMovedAttributes } from './moved-attributes.js';

export interface ImportOptions extends TensorLoadOptions {
  /** Pins input shapes (replacing symbolic or unknown dims). */
  inputShapes?: Record<string, Dim[]>;
  /** Inputs whose values are fixed at compile time (shape, axes or index inputs): they become constants. */
  constantInputs?: Record<string, Tensor>;
  /**
   * Inputs whose values one build is specialized for (value variants): they stay graph inputs, but
   * the nodes read a constant copy, so handlers and inference see the value.
   */
  knownInputs?: Record<string, Tensor>;
  /** Compile-time budgets (IR nodes, unrolled iterations, nesting depth); defaults in DEFAULT_LIMITS. */
  limits?: ImportLimits;
}

export interface ImportedModel {
  graph: Graph;
  opset: number;
  producer: string;
  irVersion: number;
  /** If nodes decided at run time (both branches compiled, the taken one run), with the inputs deciding them. */
  runTimeIfs: RunTimeIf[];
}

/** A decoded .onnx model: decode once (decodeModel) to import the same model several times. */
export type DecodedModel = ModelProto;

export function decodeModel(bytes: Uint8Array, limits?: ImportLimits): ModelProto {
  if (bytes.byteLength === 0) throw new OnnxImportError('INVALID_MODEL', 'the model file is empty');
  const budget = resolveLimits(limits);
  if (bytes.byteLength > budget.maxModelBytes) throw new LimitError('maxModelBytes', bytes.byteLength, budget.maxModelBytes, 'the model file is larger than allowed');
  // Counted before decoding, which allocates per node and per element.
  protoCensus(bytes, budget);
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxImportError('INVALID_MODEL', `not a valid ONNX model (protobuf decoding failed: ${(e as Error).message}); the file may be truncated or not an .onnx file`);
  }
  if (!model.graph) throw new OnnxImportError('INVALID_MODEL', 'the model has no graph; is this an .onnx file?');
  return model;
}

/** ONNX dim_params are free text ('batch size'); IR symbols must be identifiers so dims can form expressions. */
function dimSymbol(param: string): string {
  const s = param.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

function valueType(v: ValueInfoProto, what: string, pinned?: Dim[]): ValueType {
  const tt = v.type?.tensorType;
  if (!tt) throw new OnnxImportError('UNSUPPORTED_OP', `${what} '${v.name}' is not a tensor (sequence, map and optional values are not supported)`);
  const dtype = dtypeFromOnnx(tt.elemType, `${what} '${v.name}'`);
  if (dtype === 'string') throw new OnnxImportError('UNSUPPORTED_OP', `${what} '${v.name}' is a string tensor; string tensors are not supported`);
  const dims = tt.shape?.dim ?? [];
  let shape: Dim[] = dims.map((d, i) => {
    if (d.dimValue !== undefined && d.dimValue !== null && (d.dimParam ?? '') === '') {
      const n = toNum(d.dimValue);
      if (!Number.isSafeInteger(n) || n < 0) throw new OnnxImportError('INVALID_MODEL', `${what} '${v.name}' has invalid dim ${n}${n > 0 ? ' (past 2^53)' : ''}`);
      return n;
    }
    return dimSymbol(d.dimParam || `${v.name}_dim${i}`);
  });
  if (pinned) {
    if (pinned.length !== shape.length) throw new OnnxImportError('SHAPE_MISMATCH', `inputShapes['${v.name}'] has rank ${pinned.length} but the model's input has rank ${shape.length} ([${shape}])`);
    pinned.forEach((p, i) => {
      const d = shape[i]!;
      if (typeof d === 'number' && typeof p === 'number' && d !== p) throw new OnnxImportError('SHAPE_MISMATCH', `inputShapes['${v.name}'] sets dim ${i} to ${p}, but the model fixes it to ${d}`);
    });
    shape = pinned.map((p) => (typeof p === 'number' ? p : isDimExpr(p) ? canonicalDim(p) : dimSymbol(p)));
  }
  return { dtype, shape };
}

function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  if (!entry) return 1;
  const v = toNum(entry.version ?? 0);
  if (v < 1 || v > 30) throw new OnnxImportError('INVALID_MODEL', `the model declares ONNX opset ${v}; supported opsets are 1 to 30`);
  return v;
}

function opsetOf(model: ModelProto, domain: string): number {
  if (!domain || domain === 'ai.onnx') return defaultOpset(model);
  const entry = (model.opsetImport ?? []).find((o) => o.domain === domain);
  return entry ? toNum(entry.version ?? 1) : 1;
}

/** '' marks an optional output that is not wanted; trailing ones are the same as absent ones. */
function withoutTrailingEmpty(names: string[]): string[] {
  let end = names.length;
  while (end > 0 && !names[end - 1]) end--;
  return names.slice(0, end);
}

/** The name of the constant the nodes read instead of known input `name` (checked against its type). */
function knownCopy(name: string, value: Tensor, type: ValueType, used: Set<string>): string {
  const fits = value.dtype === type.dtype && value.dims.length === type.shape.length && value.dims.every((d, i) => d === type.shape[i]);
  if (!fits) throw new OnnxImportError('SHAPE_MISMATCH', `knownInputs['${name}'] is ${value.dtype}[${value.dims}], the model's input is ${type.dtype}[${type.shape}]`);
  let copy = `${name}/known`;
  while (used.has(copy)) copy += '_';
  used.add(copy);
  return copy;
}

/** Turns a ModelProto into an IR graph: all unsupported ops are reported at once, before any handler runs. */
export function importModel(source: Uint8Array | DecodedModel, opts: ImportOptions = {}): ImportedModel {
  const limits = resolveLimits(opts.limits);
  // The import only reads the decoded model (tensors are copied out of it), so one may be shared.
  const model = source instanceof Uint8Array ? decodeModel(source, limits) : source;
  return withBudget(limits, () => importDecoded(model, opts));
}

function importDecoded(model: ModelProto, opts: ImportOptions): ImportedModel {
  const g = model.graph as GraphProto;
  const opset = defaultOpset(model);
  const runTimeIfs = startRecording();

  const protos = sortedNodes(g);
  const nodes: OnnxNode[] = protos.map((n, i) => ({
    name: n.name || `${n.opType || 'node'}_${i}`,
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    inputs: [...(n.input ?? [])],
    outputs: withoutTrailingEmpty(n.output ?? []),
    attrs: {} as Attrs,
  }));

  const unsupported = new Map<string, UnsupportedOp>();
  nodes.forEach((n) => {
    const v = opsetOf(model, n.domain);
    if (!findHandler(n.domain, n.opType, v)) {
      const k = `${n.domain}:${n.opType}:${v}`;
      const u = unsupported.get(k) ?? { op: n.opType, domain: n.domain, opset: v, nodes: [] };
      u.nodes.push(n.name);
      unsupported.set(k, u);
    }
  });
  if (unsupported.size) throw new UnsupportedOpError([...unsupported.values()]);

  const graph: Graph = { name: g.name || 'main', inputs: [], outputs: [], nodes: [], types: new Map(), constants: new Map() };
  const used = new Set<string>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    if (!name) throw new OnnxImportError('INVALID_MODEL', 'an initializer has no name');
    if (graph.constants.has(name)) throw new OnnxImportError('INVALID_MODEL', `initializer '${name}' is defined twice`);
    const tensor = tensorFromProto(t, opts);
    graph.constants.set(name, tensor);
    graph.types.set(name, { dtype: tensor.dtype, shape: [...tensor.dims] });
    used.add(name);
  }
  const pinned = opts.inputShapes ?? {};
  const inputNames = new Set<string>();
  const tracedBatch = new Set<string>();
  const knownCopies = new Map<string, string>();
  for (const v of g.input ?? []) {
    const name = v.name ?? '';
    if (!name) throw new OnnxImportError('INVALID_MODEL', `graph input ${(g.input ?? []).indexOf(v)} has no name`);
    if (graph.constants.has(name)) continue; // an input with an initializer is a constant (a default)
    if (inputNames.has(name)) throw new OnnxImportError('INVALID_MODEL', `graph input '${name}' is declared twice`);
    inputNames.add(name);
    const fixed = opts.constantInputs?.[name];
    const type = valueType(v, 'input', fixed ? fixed.dims : pinned[name]);
    if (!fixed && pinned[name] && valueType(v, 'input').shape[0] === 1 && typeof type.shape[0] === 'string') tracedBatch.add(type.shape[0]);
    graph.types.set(name, type);
    used.add(name);
    if (fixed) {
      if (fixed.dtype !== type.dtype) throw new OnnxImportError('DTYPE_MISMATCH', `constantInputs['${name}'] has dtype ${fixed.dtype}, the model's input is ${type.dtype}`);
      graph.constants.set(name, fixed);
    } else graph.inputs.push(name);
    const known = opts.knownInputs?.[name];
    if (known && !fixed) knownCopies.set(name, knownCopy(name, known, type, used));
  }
  for (const [name, copy] of knownCopies) {
    graph.constants.set(copy, opts.knownInputs![name]!);
    graph.types.set(copy, { dtype: graph.types.get(name)!.dtype, shape: [...opts.knownInputs![name]!.dims] });
  }
  for (const n of nodes) n.inputs = n.inputs.map((i) => knownCopies.get(i) ?? i);
  for (const k of [...Object.keys(pinned), ...Object.keys(opts.constantInputs ?? {}), ...Object.keys(opts.knownInputs ?? {})]) {
    if (!inputNames.has(k)) throw new OnnxImportError('INVALID_OPTION', `input '${k}' named in the compile options is not an input of the model (inputs: ${[...inputNames].join(', ') || 'none'})`);
  }

  let counter = 0;
  const fresh = (hint: string) => {
    let n: string;
    do n = `${hint}_${counter++}`; while (used.has(n));
    used.add(n);
    return n;
  };
  protos.forEach((proto, i) => {
    const n = nodes[i]!;
    try {
      for (const a of proto.attribute ?? []) {
        // A graph attribute (If/Loop/Scan bodies) stays a proto: its handler imports it.
        if (a.type === 5 && a.g) (n.subgraphs ??= {})[a.name ?? ''] = a.g;
        else n.attrs[a.name ?? ''] = attrValue(a, opts);
      }
    } catch (e) {
      if (e instanceof CompileError) throw new OnnxImportError(e.code, `${n.opType} node '${n.name}': ${e.message}`, { node: n.name, op: n.opType });
      throw e;
    }
    for (const o of n.outputs) {
      if (!o) continue;
      if (used.has(o)) throw new OnnxImportError('INVALID_MODEL', `${n.opType} node '${n.name}' defines '${o}', which is already defined (a duplicate name or a cycle)`, { node: n.name, op: n.opType });
    }
    if (new Set(n.outputs.filter(Boolean)).size !== n.outputs.filter(Boolean).length) throw new OnnxImportError('INVALID_MODEL', `${n.opType} node '${n.name}' lists the same output twice ([${n.outputs}])`, { node: n.name, op: n.opType });
    checkMovedAttributes(n, opsetOf(model, n.domain));
    const handler = findHandler(n.domain, n.opType, opsetOf(model, n.domain))!;
    const firstEmitted = graph.nodes.length;
    const ctx = makeContext(graph, n, opsetOf(model, n.domain), fresh, tracedBatch);
    if (computesInFloat32(ctx)) runInFloat32(ctx, handler, fresh);
    else handler(ctx);
    chargeNodes(graph.nodes.length, n);
    // An output the op does not produce (e.g. one too many) would reach codegen without a type.
    for (const irNode of graph.nodes.slice(firstEmitted)) {
      irNode.outputs.forEach((o, k) => {
        if (!o) throw new OnnxImportError('UNSUPPORTED_OP', `${n.opType} node '${n.name}' omits output ${k} ('') but names a later one; skipped outputs are not supported`, { node: n.name, op: n.opType });
        if (!graph.types.has(o)) throw new OnnxImportError('INVALID_MODEL', `${n.opType} node '${n.name}' declares output ${k} ('${o}'), which ${n.opType} does not produce`, { node: n.name, op: n.opType });
      });
    }
    for (const o of n.outputs) if (o) used.add(o);
  });

  for (const v of g.output ?? []) {
    const name = v.name ?? '';
    if (!graph.types.has(name)) throw new OnnxImportError('INVALID_MODEL', `graph output '${name}' is not produced by any node`);
    if (graph.outputs.includes(name)) throw new OnnxImportError('INVALID_MODEL', `graph output '${name}' is listed twice`);
    graph.outputs.push(name);
  }
  checkRankPromotions(graph);
  return { graph, opset, producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(), irVersion: toNum(model.irVersion ?? 0), runTimeIfs };
}
