// Builds a one-node model around a custom-domain op (X [dims] + optional bias [last dim] → Y), the
// way scripts/make-example-model.mjs encodes its ModelProto. Tests and the benchmark use it.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

const floatInfo = (name, dims) => ({
  name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

/** bias: a Float32Array of the last dim, stored as an initializer, or undefined for no bias input. */
export function customOpModel({ domain, opType, dims, bias }) {
  const inputs = bias ? ['X', 'bias'] : ['X'];
  const graph = {
    name: `${opType}_model`,
    node: [{ opType, domain, name: opType.toLowerCase(), input: inputs, output: ['Y'] }],
    initializer: bias ? [{ name: 'bias', dims: [bias.length], dataType: FLOAT, rawData: new Uint8Array(bias.buffer.slice(0)) }] : [],
    input: [floatInfo('X', dims)],
    output: [floatInfo('Y', dims)],
  };
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 17 }, { domain, version: 1 }],
    producerName: 'onnx2wasm/examples/plugins/make-model.mjs',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
