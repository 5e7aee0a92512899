// Structural mutations: decode the model with onnx-proto, break one thing a real-world model file
// can get wrong, re-encode. Each mutator returns a one-line description, or undefined when the
// model has nothing it applies to (the caller then tries another).
import onnxProto from 'onnx-proto';
import type { Rng } from './rng.js';

export const onnx = onnxProto.onnx;
type Model = onnxProto.onnx.ModelProto;
type Graph = onnxProto.onnx.IGraphProto;
type Tensor = onnxProto.onnx.ITensorProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;

/** A file written next to the mutated model (external data, a symlink out of the folder). */
export interface SideFile {
  path: string; data?: Uint8Array; symlinkTo?: string; dir?: boolean;
  /** While the case runs, another process keeps swapping this (regular) file for a symlink to `raceTo`. */
  raceTo?: string;
}

export interface MutationContext {
  rng: Rng;
  sideFiles: SideFile[];
  /** Op types the importer has handlers for: swapping one in reaches that handler's checks. */
  knownOps: readonly string[];
  /** Set by mutations after which a successful compile would itself be a bug (e.g. reading outside the folder). */
  mustFail?: string;
  /** Bytes of a file outside the model's folder: finding them in the compiled weights is a leak. */
  secretMarker?: string;
}

export type ModelMutator = (m: Model, ctx: MutationContext) => string | undefined;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v)));

/** Dims that break size arithmetic: negative, zero, past int32, past 2^53, product past 4 GiB. */
const BAD_DIMS = [-1, -7, 0, 100_000, 2 ** 31, 2 ** 32 + 1, 2 ** 40, 2 ** 53 + 2, 2 ** 62];

function graphOf(m: Model): Graph {
  return m.graph!;
}

function allValueNames(g: Graph): string[] {
  return [
    ...(g.input ?? []).map((v) => v.name ?? ''),
    ...(g.initializer ?? []).map((t) => t.name ?? ''),
    ...(g.node ?? []).flatMap((n) => n.output ?? []),
  ].filter(Boolean);
}

function tensorInfos(g: Graph): ValueInfo[] {
  return [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])].filter((v) => v.type?.tensorType);
}

function mutateDimList(dims: number[], rng: Rng): number[] {
  const out = [...dims];
  const kind = rng.int(5);
  if (kind === 0 && out.length) out[rng.int(out.length)] = rng.pick(BAD_DIMS); // one bad dim
  else if (kind <= 1) out.push(rng.pick([1, 2, ...BAD_DIMS])); // one dim more
  else if (kind === 2) out.pop(); // one dim less
  else if (kind === 3) {
    if (!out.length) return [3];
    const i = rng.int(out.length); // off by one
    out[i] = out[i]! + rng.pick([-1, 1]);
  } else return out.length ? [] : [rng.pick(BAD_DIMS)]; // rank 0 <-> rank 1
  return out;
}

const initializerDims: ModelMutator = (m, { rng }) => {
  const inits = graphOf(m).initializer ?? [];
  if (!inits.length) return undefined;
  const t = rng.pick(inits);
  const before = (t.dims ?? []).map(num);
  t.dims = mutateDimList(before, rng);
  return `initializer '${t.name}' dims [${before}] -> [${t.dims}]`;
};

const valueInfoDims: ModelMutator = (m, { rng }) => {
  const infos = tensorInfos(graphOf(m));
  if (!infos.length) return undefined;
  const v = rng.pick(infos);
  const tt = v.type!.tensorType!;
  if (rng.chance(0.15)) {
    tt.shape = null;
    return `value '${v.name}' loses its shape`;
  }
  const dims = tt.shape?.dim ?? [];
  const before = dims.map((d) => (d.dimParam ? d.dimParam : num(d.dimValue)));
  const after = mutateDimList(before.map((d) => (typeof d === 'number' ? d : 1)), rng);
  tt.shape = { dim: after.map((d) => (rng.chance(0.1) ? { dimParam: 'N' } : { dimValue: d })) };
  return `value '${v.name}' dims [${before}] -> [${tt.shape.dim!.map((d) => d.dimParam || d.dimValue)}]`;
};

const cycle: ModelMutator = (m, { rng }) => {
  const nodes = graphOf(m).node ?? [];
  const withInputs = nodes.map((n, i) => i).filter((i) => (nodes[i]!.input ?? []).length > 0);
  if (!withInputs.length) return undefined;
  const i = rng.pick(withInputs);
  const j = rng.range(i, nodes.length - 1);
  const outs = (nodes[j]!.output ?? []).filter(Boolean);
  if (!outs.length) return undefined;
  const n = nodes[i]!;
  const k = rng.int(n.input!.length);
  n.input![k] = rng.pick(outs);
  return `node ${i} '${n.name}' input ${k} now reads '${n.input![k]}' from node ${j} (a cycle)`;
};

const missingName: ModelMutator = (m, { rng }) => {
  const g = graphOf(m);
  const nodes = g.node ?? [];
  switch (rng.int(3)) {
    case 0: {
      const n = nodes.find((x) => (x.input ?? []).length) ?? undefined;
      if (!n) return undefined;
      const k = rng.int(n.input!.length);
      n.input![k] = 'no_such_value';
      return `node '${n.name}' input ${k} renamed to an undefined value`;
    }
    case 1: {
      if (!(g.output ?? []).length) return undefined;
      const o = rng.pick(g.output!);
      o.name = 'no_such_output';
      return 'a graph output names an undefined value';
    }
    default: {
      if (!nodes.length) return undefined;
      const i = rng.int(nodes.length);
      const [gone] = nodes.splice(i, 1);
      return `node ${i} '${gone!.name}' (${gone!.opType}) removed`;
    }
  }
};

const duplicateName: ModelMutator = (m, { rng }) => {
  const g = graphOf(m);
  const names = allValueNames(g);
  const nodes = g.node ?? [];
  switch (rng.int(4)) {
    case 0: {
      const n = nodes.find((x) => (x.output ?? []).length);
      if (!n || !names.length) return undefined;
      const taken = rng.pick(names);
      n.output![0] = taken;
      return `node '${n.name}' output renamed to existing '${taken}'`;
    }
    case 1: {
      if (!(g.initializer ?? []).length) return undefined;
      const t = rng.pick(g.initializer!);
      g.initializer!.push(onnx.TensorProto.decode(onnx.TensorProto.encode(t).finish()));
      return `initializer '${t.name}' defined twice`;
    }
    case 2: {
      if (!(g.input ?? []).length) return undefined;
      const v = rng.pick(g.input!);
      g.input!.push(onnx.ValueInfoProto.decode(onnx.ValueInfoProto.encode(v).finish()));
      return `graph input '${v.name}' declared twice`;
    }
    default: {
      if (!(g.output ?? []).length) return undefined;
      const v = rng.pick(g.output!);
      g.output!.push(onnx.ValueInfoProto.decode(onnx.ValueInfoProto.encode(v).finish()));
      return `graph output '${v.name}' listed twice`;
    }
  }
};

const initializerSize: ModelMutator = (m, { rng }) => {
  const inits = graphOf(m).initializer ?? [];
  if (!inits.length) return undefined;
  const t = rng.pick(inits);
  const raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  const kind = rng.int(4);
  if (raw && kind === 0) {
    t.rawData = raw.subarray(0, rng.int(raw.length));
    return `initializer '${t.name}' raw_data cut to ${t.rawData.length} of ${raw.length} bytes`;
  }
  if (raw && kind <= 1) {
    const grown = new Uint8Array(raw.length + rng.range(1, 9));
    grown.set(raw);
    t.rawData = grown;
    return `initializer '${t.name}' raw_data grown to ${grown.length} bytes`;
  }
  if (kind <= 2) {
    t.rawData = new Uint8Array(0);
    t.floatData = rng.chance(0.5) ? [1, 2, 3] : [];
    t.int64Data = rng.chance(0.3) ? [1, 2] : [];
    return `initializer '${t.name}' data replaced by ${t.floatData.length} float and ${t.int64Data.length} int64 values`;
  }
  t.floatData = [0.5];
  return `initializer '${t.name}' has both raw_data and float_data`;
};

const ATTR_KINDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 99];

const attributeType: ModelMutator = (m, { rng }) => {
  const nodes = graphOf(m).node ?? [];
  if (!nodes.length) return undefined;
  const n = rng.pick(nodes);
  n.attribute ??= [];
  const a = n.attribute.length && rng.chance(0.7) ? rng.pick(n.attribute) : undefined;
  if (!a) {
    const name = rng.pick(['alpha', 'beta', 'transA', 'transB', 'axis', 'perm', 'kernel_shape', 'to', 'value', 'pads']);
    const kind = rng.pick(ATTR_KINDS);
    n.attribute.push({ name, type: kind, s: new TextEncoder().encode('x'), ints: [1, -1], floats: [NaN], t: rng.chance(0.3) ? { dataType: 1, dims: [2 ** 40] } : null });
    return `node '${n.name}' gets attribute '${name}' of kind ${kind}`;
  }
  switch (rng.int(4)) {
    case 0: {
      const kind = rng.pick(ATTR_KINDS);
      const before = a.type;
      a.type = kind;
      return `node '${n.name}' attribute '${a.name}' kind ${before} -> ${kind} (value fields unchanged)`;
    }
    case 1:
      a.type = 3; a.s = new TextEncoder().encode('1'); a.i = 0; a.f = 0;
      return `node '${n.name}' attribute '${a.name}' becomes a string`;
    case 2:
      a.type = 7; a.ints = [2 ** 40, -1];
      return `node '${n.name}' attribute '${a.name}' becomes ints [2^40, -1]`;
    default:
      n.attribute.push({ ...a, name: a.name });
      return `node '${n.name}' attribute '${a.name}' given twice`;
  }
};

const BAD_DTYPES = [0, 8, 14, 15, 16, 17, 21, 23, 999, -1, 7, 11, 9];

const unknownDtype: ModelMutator = (m, { rng }) => {
  const g = graphOf(m);
  if (rng.chance(0.5) && (g.initializer ?? []).length) {
    const t = rng.pick(g.initializer!);
    const code = rng.pick(BAD_DTYPES);
    t.dataType = code;
    return `initializer '${t.name}' data_type -> ${code}`;
  }
  const infos = tensorInfos(g);
  if (!infos.length) return undefined;
  const v = rng.pick(infos);
  const code = rng.pick(BAD_DTYPES);
  v.type!.tensorType!.elemType = code;
  return `value '${v.name}' elem_type -> ${code}`;
};

const opset: ModelMutator = (m, { rng }) => {
  m.opsetImport ??= [];
  const entry = m.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  switch (rng.int(4)) {
    case 0: {
      const v = rng.pick([0, 999, -1, 1, 2 ** 40]);
      if (entry) entry.version = v; else m.opsetImport.push({ domain: '', version: v });
      return `default opset -> ${v}`;
    }
    case 1:
      m.opsetImport = m.opsetImport.filter((o) => o !== entry);
      return 'default-domain opset import removed';
    case 2:
      m.opsetImport.push({ domain: '', version: rng.pick([1, 999]) });
      return 'default-domain opset imported twice';
    default: {
      const nodes = graphOf(m).node ?? [];
      if (!nodes.length) return undefined;
      const n = rng.pick(nodes);
      n.domain = rng.pick(['com.example', 'ai.onnx.ml', 'ai.onnx', 'com.microsoft']);
      return `node '${n.name}' moved to domain '${n.domain}'`;
    }
  }
};

const UNKNOWN_OPS = ['NoSuchOp', ''];

/** Another op in the node's place, with its inputs and attributes: mostly a supported one. */
const opType: ModelMutator = (m, { rng, knownOps }) => {
  const nodes = graphOf(m).node ?? [];
  if (!nodes.length) return undefined;
  const n = rng.pick(nodes);
  const before = n.opType;
  n.opType = knownOps.length && rng.chance(0.9) ? rng.pick(knownOps) : rng.pick(UNKNOWN_OPS);
  return `node '${n.name}' op ${before} -> ${n.opType || '(empty)'}`;
};

const nodeArity: ModelMutator = (m, { rng }) => {
  const g = graphOf(m);
  const nodes = g.node ?? [];
  if (!nodes.length) return undefined;
  const n = rng.pick(nodes);
  n.input ??= [];
  n.output ??= [];
  switch (rng.int(5)) {
    case 4: n.input = rng.chance(0.5) ? [] : n.input.map(() => ''); return `node '${n.name}' has no inputs left (${n.input.length} omitted)`;
    case 0: n.input.pop(); return `node '${n.name}' loses its last input`;
    case 1: n.input.push(rng.chance(0.5) ? '' : rng.pick(allValueNames(g).concat(['']))); return `node '${n.name}' gets an extra input '${n.input[n.input.length - 1]}'`;
    case 2: n.output.push(`${n.name}_extra_out`); return `node '${n.name}' gets an extra output`;
    default: n.input = n.input.map((x, i) => (i === 0 ? '' : x)); return `node '${n.name}' first input omitted ('')`;
  }
};

export const MODEL_MUTATORS: Record<string, ModelMutator> = {
  'initializer-dims': initializerDims,
  'value-info-dims': valueInfoDims,
  cycle,
  'missing-name': missingName,
  'duplicate-name': duplicateName,
  'initializer-size': initializerSize,
  'attribute-type': attributeType,
  'unknown-dtype': unknownDtype,
  opset,
  'op-type': opType,
  'node-arity': nodeArity,
};

export function decodeModel(bytes: Uint8Array): Model {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(m: Model): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}
