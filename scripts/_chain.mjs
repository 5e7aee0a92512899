import fs from 'node:fs';
import onnxProto from 'onnx-proto';
const { onnx } = onnxProto;
const vi = (name, dims) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const [n, op, out] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const nodes = [];
for (let i = 0; i < n; i++) nodes.push({ opType: op, name: `n${i}`, input: op === 'Add' ? [`v${i}`, `v${i}`] : [`v${i}`], output: [i === n - 1 ? 'y' : `v${i + 1}`] });
fs.writeFileSync(out, onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'g', input: [vi('v0', [1, 4])], output: [vi('y', [1, 4])], node: nodes } }).finish());
