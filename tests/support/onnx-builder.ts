// Builds small ONNX models in tests (onnx-proto encodes them), for cases no exporter would write:
// huge declared activations, broken graphs, reproducers of fuzz findings.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const FLOAT = 1;

export interface ValueSpec { name: string; dims: (number | string)[]; elemType?: number }
export interface NodeSpec { op: string; inputs: string[]; outputs: string[]; name?: string; attrs?: onnxProto.onnx.IAttributeProto[]; domain?: string }
export interface InitSpec { name: string; dims: number[]; values?: Float32Array; raw?: Uint8Array; dataType?: number; externalData?: Record<string, string> }

export interface ModelSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: InitSpec[];
  opset?: number;
  /** Opsets of other domains, e.g. { 'com.microsoft': 1 }. */
  domains?: Record<string, number>;
}

const valueInfo = (v: ValueSpec) => ({
  name: v.name,
  type: { tensorType: { elemType: v.elemType ?? FLOAT, shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

function initializer(t: InitSpec): onnxProto.onnx.ITensorProto {
  const base = { name: t.name, dims: t.dims, dataType: t.dataType ?? FLOAT };
  if (t.externalData) return { ...base, dataLocation: 1, externalData: Object.entries(t.externalData).map(([key, value]) => ({ key, value })) };
  const raw = t.raw ?? new Uint8Array((t.values ?? new Float32Array(t.dims.reduce((a, b) => a * b, 1))).buffer);
  return { ...base, rawData: raw };
}

export function buildModel(spec: ModelSpec): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'onnx2wasm-tests',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }, ...Object.entries(spec.domains ?? {}).map(([domain, version]) => ({ domain, version }))],
    graph: {
      name: 'test',
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map(initializer),
      node: spec.nodes.map((n, i) => ({ opType: n.op, name: n.name ?? `${n.op}_${i}`, input: n.inputs, output: n.outputs, attribute: n.attrs ?? [], ...(n.domain ? { domain: n.domain } : {}) })),
    },
  }).finish();
}

export function intAttr(name: string, i: number): onnxProto.onnx.IAttributeProto {
  return { name, type: 2, i };
}

export function intsAttr(name: string, ints: number[]): onnxProto.onnx.IAttributeProto {
  return { name, type: 7, ints };
}

export function floatAttr(name: string, f: number): onnxProto.onnx.IAttributeProto {
  return { name, type: 1, f };
}

/** A body (If branch, Loop or Scan body) as a graph attribute; it may read the enclosing graph's values by name. */
export function graphAttr(name: string, body: { inputs?: ValueSpec[]; outputs: ValueSpec[]; nodes: NodeSpec[]; initializers?: InitSpec[] }): onnxProto.onnx.IAttributeProto {
  return {
    name, type: 5,
    g: {
      name,
      input: (body.inputs ?? []).map(valueInfo),
      output: body.outputs.map(valueInfo),
      initializer: (body.initializers ?? []).map(initializer),
      node: body.nodes.map((n, i) => ({ opType: n.op, name: n.name ?? `${name}_${n.op}_${i}`, input: n.inputs, output: n.outputs, attribute: n.attrs ?? [] })),
    },
  };
}
