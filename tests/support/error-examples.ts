// One small way to cause each error code through the public API. docs/errors.md quotes their
// messages, and tests/errors-doc.test.ts checks that the quotes are still what the code prints.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { replaceMetaSection } from '../../scripts/fuzz/corrupt-module.js';
import { MODELS_DIR } from './models.js';
import { buildModel, intAttr } from './onnx-builder.js';

export interface ErrorExample { code: string; what: string; cause(): Promise<unknown> }

const MLP = path.join(MODELS_DIR, 'mlp.onnx');
const relu = buildModel({ inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y', dims: [1, 4] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'relu' }] });

async function mlpModel() {
  const c = await compile(MLP);
  return { c, model: await loadModel({ wasm: c.wasm, weights: c.weights }) };
}

function externalModel(location: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-doc-'));
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, buildModel({
    inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y', dims: [1, 3] }],
    initializers: [{ name: 'W', dims: [4, 3], externalData: { location } }],
    nodes: [{ op: 'Gemm', inputs: ['x', 'W'], outputs: ['y'] }],
  }));
  return file;
}

export const COMPILE_EXAMPLES: ErrorExample[] = [
  { code: 'INVALID_MODEL', what: 'mlp.onnx cut to 5000 bytes', cause: async () => compile(fs.readFileSync(MLP).subarray(0, 5000)) },
  { code: 'INVALID_MODEL', what: 'an external data path out of the folder', cause: async () => compile(externalModel('../weights.bin')) },
  { code: 'INVALID_MODEL', what: 'opset 999', cause: async () => compile(buildModel({ inputs: [{ name: 'x', dims: [1] }], outputs: [{ name: 'y', dims: [1] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], opset: 999 })) },
  {
    code: 'UNSUPPORTED_OP', what: 'two unknown ops, reported together',
    cause: async () => compile(buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'y', dims: [1, 4] }],
      nodes: [{ op: 'NoSuchOp', inputs: ['x'], outputs: ['t'], name: 'n1' }, { op: 'OtherOp', inputs: ['t'], outputs: ['y'], name: 'n2' }],
    })),
  },
  {
    code: 'SHAPE_MISMATCH', what: 'a Gemm whose inner dims differ',
    cause: async () => compile(buildModel({ inputs: [{ name: 'a', dims: [2, 3] }, { name: 'b', dims: [4, 5] }], outputs: [{ name: 'y', dims: [2, 5] }], nodes: [{ op: 'Gemm', inputs: ['a', 'b'], outputs: ['y'], name: 'fc' }] })),
  },
  {
    code: 'DTYPE_MISMATCH', what: 'float32 + int64',
    cause: async () => compile(buildModel({ inputs: [{ name: 'a', dims: [2, 3] }, { name: 'b', dims: [2, 3], elemType: 7 }], outputs: [{ name: 'y', dims: [2, 3] }], nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'], name: 'add' }] })),
  },
  {
    code: 'INVALID_ATTRIBUTE', what: 'Softmax axis out of range',
    cause: async () => compile(buildModel({ inputs: [{ name: 'a', dims: [2, 3] }], outputs: [{ name: 'y', dims: [2, 3] }], nodes: [{ op: 'Softmax', inputs: ['a'], outputs: ['y'], name: 'sm', attrs: [intAttr('axis', 5)] }] })),
  },
  {
    code: 'DYNAMIC_SHAPE', what: 'a Reshape target of run-time length',
    cause: async () => compile(buildModel({ inputs: [{ name: 'x', dims: [2, 3] }, { name: 's', dims: ['n'] }], outputs: [{ name: 'y', dims: ['a', 'b'] }], nodes: [{ op: 'Cast', inputs: ['s'], outputs: ['shape'], attrs: [intAttr('to', 7)] }, { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], name: 'reshape' }] })),
  },
  {
    code: 'MEMORY_LIMIT', what: 'a Gemm producing [100000, 100000]',
    cause: async () => compile(buildModel({ inputs: [{ name: 'x', dims: [100000, 1] }], outputs: [{ name: 'y', dims: [100000, 100000] }], initializers: [{ name: 'w', dims: [1, 100000] }], nodes: [{ op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'] }] })),
  },
  { code: 'MEMORY_LIMIT', what: 'mlp.onnx with maxMemoryBytes 100000', cause: async () => compile(MLP, { maxMemoryBytes: 100_000 }) },
  { code: 'INVALID_OPTION', what: 'inputShapes for an input the model does not have', cause: async () => compile(relu, { inputShapes: { input: [1, 4] } }) },
  { code: 'IO_ERROR', what: 'a model path that does not exist', cause: async () => compile('/nonexistent/model.onnx') },
  { code: 'IO_ERROR', what: 'an external data file that does not exist', cause: async () => compile(externalModel('weights.bin')) },
];

export const RUNTIME_EXAMPLES: ErrorExample[] = [
  { code: 'INVALID_MODULE', what: 'bytes that are not wasm', cause: async () => loadModel({ wasm: new Uint8Array([1, 2, 3]) }) },
  {
    code: 'INVALID_MODULE', what: 'metadata whose input slot lies past the memory',
    cause: async () => {
      const { c } = await mlpModel();
      const meta = JSON.parse(JSON.stringify(c.meta));
      meta.inputs[0].offset = 2 ** 32;
      return loadModel({ wasm: replaceMetaSection(c.wasm, new TextEncoder().encode(JSON.stringify(meta))), weights: c.weights });
    },
  },
  { code: 'WEIGHTS_MISMATCH', what: 'no weights', cause: async () => loadModel({ wasm: (await mlpModel()).c.wasm }) },
  { code: 'WEIGHTS_MISMATCH', what: 'weights of another size', cause: async () => { const { c } = await mlpModel(); return loadModel({ wasm: c.wasm, weights: c.weights.subarray(4) }); } },
  { code: 'MISSING_INPUT', what: 'run({})', cause: async () => (await mlpModel()).model.run({}) },
  {
    code: 'UNKNOWN_INPUT', what: 'an input the model does not have',
    cause: async () => (await mlpModel()).model.run({ input: { dtype: 'float32', dims: [1, 784], data: new Float32Array(784) }, mask: { dtype: 'float32', dims: [1], data: new Float32Array(1) } }),
  },
  { code: 'DTYPE_MISMATCH', what: 'float64 for float32', cause: async () => (await mlpModel()).model.run({ input: { dtype: 'float64', dims: [1, 784], data: new Float64Array(784) } }) },
  {
    code: 'SHAPE_OUT_OF_BOUNDS', what: 'TopK with a run-time k of 9 on an axis of 5',
    cause: async () => {
      const c = await compile(buildModel({ opset: 11, inputs: [{ name: 'x', dims: [5] }, { name: 'k', dims: [1], elemType: 7 }], outputs: [{ name: 'v', dims: ['k'] }, { name: 'i', dims: ['k'], elemType: 7 }], nodes: [{ op: 'TopK', inputs: ['x', 'k'], outputs: ['v', 'i'], name: 'topk' }] }));
      const model = await loadModel({ wasm: c.wasm, weights: c.weights });
      return model.run({ x: { dtype: 'float32', dims: [5], data: new Float32Array(5) }, k: { dtype: 'int64', dims: [1], data: BigInt64Array.of(9n) } });
    },
  },
  {
    code: 'SHAPE_OUT_OF_BOUNDS', what: 'batch 3 where maxShapes bounds it to 2',
    cause: async () => {
      const c = await compile(buildModel({ inputs: [{ name: 'x', dims: ['batch', 4] }], outputs: [{ name: 'y', dims: ['batch', 4] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'relu' }] }), { maxShapes: { x: [2, 4] } });
      const model = await loadModel({ wasm: c.wasm, weights: c.weights });
      return model.run({ x: { dtype: 'float32', dims: [3, 4], data: new Float32Array(12) } });
    },
  },
  { code: 'SHAPE_MISMATCH', what: 'dims [784] for [1, 784]', cause: async () => (await mlpModel()).model.run({ input: { dtype: 'float32', dims: [784], data: new Float32Array(784) } }) },
  { code: 'INVALID_INPUT', what: 'a Float64Array for float32', cause: async () => (await mlpModel()).model.run({ input: { dtype: 'float32', dims: [1, 784], data: new Float64Array(784) as never } }) },
  { code: 'INVALID_INPUT', what: 'too few elements', cause: async () => (await mlpModel()).model.run({ input: { dtype: 'float32', dims: [1, 784], data: new Float32Array(100) } }) },
  {
    code: 'INVALID_INPUT', what: 'a detached buffer',
    cause: async () => {
      const data = new Float32Array(784);
      structuredClone(data.buffer, { transfer: [data.buffer] });
      return (await mlpModel()).model.run({ input: { dtype: 'float32', dims: [1, 784], data } });
    },
  },
  {
    code: 'EXECUTION_FAILED', what: 'Gather with index 7 into 3 rows',
    cause: async () => {
      const c = await compile(buildModel({
        inputs: [{ name: 'idx', dims: [2], elemType: 7 }], outputs: [{ name: 'y', dims: [2, 2] }],
        initializers: [{ name: 'data', dims: [3, 2] }], nodes: [{ op: 'Gather', inputs: ['data', 'idx'], outputs: ['y'], name: 'gather' }],
      }));
      const m = await loadModel({ wasm: c.wasm, weights: c.weights });
      return m.run({ idx: { dtype: 'int64', dims: [2], data: new BigInt64Array([0n, 7n]) } });
    },
  },
  {
    code: 'UNSUPPORTED_VALUE', what: 'ReduceSum axes [3] on a rank-3 input (value variants)',
    cause: async () => {
      const c = await compile(buildModel({
        opset: 13, inputs: [{ name: 'x', dims: [3, 4, 5] }, { name: 'axes', dims: [1], elemType: 7 }], outputs: [{ name: 'y', dims: ['a', 'b', 'c'] }],
        nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'], name: 'sum' }],
      }));
      const m = await loadModel({ wasm: c.wasm, weights: c.weights });
      return m.run({ x: { dtype: 'float32', dims: [3, 4, 5], data: new Float32Array(60) }, axes: { dtype: 'int64', dims: [1], data: new BigInt64Array([3n]) } });
    },
  },
];

/** Runs an example; returns the error's class name, code and message. */
export async function causeError(e: ErrorExample): Promise<{ name: string; code: string; message: string }> {
  try {
    await e.cause();
  } catch (err) {
    const x = err as Error & { code?: string };
    return { name: x.name, code: String(x.code), message: x.message };
  }
  throw new Error(`${e.code} example '${e.what}' did not fail`);
}
