#!/usr/bin/env node
// Writes examples/tiny-mlp/model.onnx: a 2-layer MLP classifier (64 features -> 128 hidden with ReLU
// -> 10 class scores with sigmoid) with seeded random weights. The file is committed; this script
// documents how it was made and regenerates it byte for byte. Only ops that already compile are used.
import { seededRandom } from '@onnx2wasm/ir';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../examples/tiny-mlp/model.onnx');
const [FEATURES, HIDDEN, CLASSES] = [64, 128, 10];

// The shared seeded generator: deterministic across machines, so the committed model can be regenerated exactly.
const next = seededRandom(2024);

// Uniform in ±sqrt(6 / fanIn) (He init), so activations keep a useful scale through the ReLU.
function weights(name, dims, fanIn) {
  const limit = Math.sqrt(6 / fanIn);
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (next() * 2 - 1) * limit);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) };
}

const floatInfo = (name, dims) => ({
  name,
  type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});
const transB = { name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 };

const graph = {
  name: 'tiny_mlp',
  node: [
    { opType: 'Gemm', name: 'fc1', input: ['input', 'fc1.weight', 'fc1.bias'], output: ['fc1_out'], attribute: [transB] },
    { opType: 'Relu', name: 'relu1', input: ['fc1_out'], output: ['hidden'] },
    { opType: 'Gemm', name: 'fc2', input: ['hidden', 'fc2.weight', 'fc2.bias'], output: ['logits'], attribute: [transB] },
    { opType: 'Sigmoid', name: 'sigmoid', input: ['logits'], output: ['scores'] },
  ],
  initializer: [
    weights('fc1.weight', [HIDDEN, FEATURES], FEATURES),
    weights('fc1.bias', [HIDDEN], FEATURES),
    weights('fc2.weight', [CLASSES, HIDDEN], HIDDEN),
    weights('fc2.bias', [CLASSES], HIDDEN),
  ],
  input: [floatInfo('input', [1, FEATURES])],
  output: [floatInfo('scores', [1, CLASSES])],
};

const model = onnx.ModelProto.create({
  irVersion: 7,
  opsetImport: [{ domain: '', version: 13 }],
  producerName: 'onnx2wasm/scripts/make-example-model.mjs',
  graph,
});
const bytes = onnx.ModelProto.encode(model).finish();
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, bytes);
console.log(`wrote ${path.relative(process.cwd(), OUT)} (${bytes.byteLength} bytes)`);
