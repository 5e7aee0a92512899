// MatMulInteger / QLinearMatMul expansions are exact: a reduction longer than one exact float32
// chunk (258 terms) still matches integer arithmetic, checked by running the imported graph's
// reference evaluators on extreme 8-bit values.
import { describe, expect, it } from 'vitest';
import { Graph, Tensor, getOp, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

const CODES: Record<string, number> = { float32: 1, uint8: 2, int8: 3, int32: 6 };

/** Imports a one-node model whose inputs are all initializers, then evaluates it node by node. */
function evaluateNode(op: string, inputs: Record<string, Tensor>): Tensor {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      initializer: Object.entries(inputs).map(([name, t]) => ({ name, dims: t.dims, dataType: CODES[t.dtype], rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) })),
      output: [{ name: 'y' }],
      node: [{ opType: op, name: 'n', input: Object.keys(inputs), output: ['y'] }],
    },
  });
  const graph: Graph = importModel(onnx.ModelProto.encode(proto).finish()).graph;
  const values = new Map(graph.constants);
  for (const node of graph.nodes) {
    const outs = getOp(node.op)!.evaluate(node, node.inputs.map((i) => values.get(i)!));
    node.outputs.forEach((o, k) => values.set(o, outs[k]!));
  }
  return values.get('y')!;
}

describe('integer matmul expansions', () => {
  const k = 600;
  const a = makeTensor('uint8', [2, k], Array.from({ length: 2 * k }, (_, i) => (i % 3 === 0 ? 0 : 255)));
  const b = makeTensor('int8', [k, 3], Array.from({ length: 3 * k }, (_, i) => (i % 5 === 0 ? 127 : -128)));
  const exact = (azp: number, bzp: number): number[] => {
    const out: number[] = [];
    for (let m = 0; m < 2; m++) for (let n = 0; n < 3; n++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += (a.data[m * k + j] as number - azp) * (b.data[j * 3 + n] as number - bzp);
      out.push(s);
    }
    return out;
  };

  it('MatMulInteger sums a long reduction exactly in int32', () => {
    const y = evaluateNode('MatMulInteger', { a, b, azp: makeTensor('uint8', [], [3]), bzp: makeTensor('int8', [], [-7]) });
    expect(y.dtype).toBe('int32');
    expect(toNumbers(y)).toEqual(exact(3, -7));
  });

  it('QLinearMatMul rescales, rounds and saturates', () => {
    const s = (v: number) => makeTensor('float32', [], [v]);
    const y = evaluateNode('QLinearMatMul', { a, sa: s(0.5), azp: makeTensor('uint8', [], [3]), b, sb: s(0.25), bzp: makeTensor('int8', [], [-7]), sy: s(4096), yzp: makeTensor('int8', [], [1]) });
    const want = exact(3, -7).map((c) => Math.min(127, Math.max(-128, Math.round(c * (0.5 * 0.25 / 4096)) + 1)));
    expect(y.dtype).toBe('int8');
    expect(toNumbers(y)).toEqual(want);
  });
});
