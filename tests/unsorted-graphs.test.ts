// Graphs whose nodes are not in topological order (ONNX Runtime accepts them, fp16 converters emit
// them) import in dependency order, bodies of If included; a cycle is INVALID_MODEL naming its nodes.
import { describe, expect, it } from 'vitest';
import { CompileError, compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { buildModel, graphAttr, intAttr } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const BOOL = 9;

describe('unsorted graphs', () => {
  it('a graph listing consumers before producers (as fp16 converters do) matches onnxruntime-node', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2, 8] }],
      outputs: [{ name: 'y', dims: [2, 8] }],
      initializers: [{ name: 'w', dims: [8], values: seededInput([8], 3) }],
      nodes: [
        { op: 'Relu', inputs: ['sum'], outputs: ['y'], name: 'last' },
        { op: 'Add', inputs: ['scaled', 'graph_input_cast_0'], outputs: ['sum'], name: 'add' },
        { op: 'Mul', inputs: ['graph_input_cast_0', 'w'], outputs: ['scaled'], name: 'mul' },
        { op: 'Cast', inputs: ['x'], outputs: ['graph_input_cast_0'], name: 'cast', attrs: [intAttr('to', 1)] },
      ],
    });
    const c = await compile(bytes);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    await expectSameAsOrt(model, bytes, { x: { dtype: 'float32', dims: [2, 8], data: seededInput([2, 8], 1) } });
  });

  it('an If branch that reads an outer value defined after the If, with its own nodes out of order', async () => {
    // onnxruntime-node sorts the outer graph but not bodies: it checks ours against the sorted body.
    const build = (branchSorted: boolean) => buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [4] }],
      outputs: [{ name: 'y', dims: [4] }],
      initializers: [{ name: 'cond', dims: [], dataType: BOOL, raw: new Uint8Array([1]) }],
      nodes: [
        {
          op: 'If', inputs: ['cond'], outputs: ['y'], name: 'if',
          attrs: [
            graphAttr('then_branch', {
              outputs: [{ name: 't', dims: [4] }],
              nodes: branchSorted
                ? [{ op: 'Sigmoid', inputs: ['later'], outputs: ['t0'] }, { op: 'Neg', inputs: ['t0'], outputs: ['t'] }]
                : [{ op: 'Neg', inputs: ['t0'], outputs: ['t'] }, { op: 'Sigmoid', inputs: ['later'], outputs: ['t0'] }],
            }),
            graphAttr('else_branch', { outputs: [{ name: 'e', dims: [4] }], nodes: [{ op: 'Abs', inputs: ['later'], outputs: ['e'] }] }),
          ],
        },
        { op: 'Exp', inputs: ['x'], outputs: ['later'], name: 'later' },
      ],
    });
    const c = await compile(build(false));
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    await expectSameAsOrt(model, build(true), { x: { dtype: 'float32', dims: [4], data: seededInput([4], 2) } });
  });

  it('a cycle is INVALID_MODEL naming the nodes on it', async () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [4] }],
      outputs: [{ name: 'y', dims: [4] }],
      nodes: [
        { op: 'Add', inputs: ['x', 'b'], outputs: ['a'], name: 'first' },
        { op: 'Relu', inputs: ['a'], outputs: ['b'], name: 'second' },
        { op: 'Neg', inputs: ['b'], outputs: ['y'], name: 'out' },
      ],
    });
    const err = await compile(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err).toMatchObject({ code: 'INVALID_MODEL' });
    expect((err as Error).message).toMatch(/cycle: 'first' → 'second' → 'first'|cycle: 'second' → 'first' → 'second'/);
  });
});
