// Test support: imports a one-node ONNX model whose inputs are all initializers and runs the
// emitted IR nodes through their reference evaluators, so a handler's expansion can be checked
// against values worked out by hand.
import { Graph, Tensor, getOp } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';
import { ONNX_DTYPES } from '../tensor-proto.js';

const CODES = new Map(Object.entries(ONNX_DTYPES).map(([code, dtype]) => [dtype, Number(code)]));

export function evaluateNode(op: string, opset: number, inputs: Record<string, Tensor>, outputs: string[], attribute: object[] = [], domain = ''): Tensor[] {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: domain ? [{ domain: '', version: 26 }, { domain, version: opset }] : [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      initializer: Object.entries(inputs).map(([name, t]) => ({ name, dims: t.dims, dataType: CODES.get(t.dtype), rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) })),
      output: outputs.map((name) => ({ name })),
      node: [{ opType: op, domain, name: 'n', input: Object.keys(inputs), output: outputs, attribute }],
    },
  });
  const graph: Graph = importModel(onnx.ModelProto.encode(proto).finish()).graph;
  const values = new Map(graph.constants);
  for (const node of graph.nodes) {
    const outs = getOp(node.op)!.evaluate(node, node.inputs.map((i) => values.get(i)!));
    node.outputs.forEach((o, k) => values.set(o, outs[k]!));
  }
  return outputs.map((o) => values.get(o)!);
}
