// Run-time Loop: a trip count or condition known only at run time runs the body (emitted once) in
// a wasm loop with loop-carried values; 0 iterations, swaps of carried values, outer values read on
// every iteration and an If inside the body all match onnxruntime-node.
import { describe, expect, it } from 'vitest';
import { CompileError, compile } from 'onnx2wasm';
import { loadModel, type Tensor } from '@onnx2wasm/runtime';
import { buildModel, graphAttr, intAttr, intsAttr, type InitSpec, type ValueSpec } from './support/onnx-builder.js';
import { seededInput } from './support/models.js';
import { expectSameAsOrt } from './support/ort-compare.js';

const INT64 = 7, BOOL = 9;
const f32 = (dims: number[], seed: number): Tensor => ({ dtype: 'float32', dims, data: seededInput(dims, seed) });
const i64 = (v: number): Tensor => ({ dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(v)) });
const bool = (v: boolean): Tensor => ({ dtype: 'bool', dims: [], data: Uint8Array.of(v ? 1 : 0) });
const scalarF = (name: string, v: number): InitSpec => ({ name, dims: [], values: Float32Array.of(v) });
const bodyIn = (carried: ValueSpec[]): ValueSpec[] => [{ name: 'i', dims: [], elemType: INT64 }, { name: 'c_in', dims: [], elemType: BOOL }, ...carried];

async function load(bytes: Uint8Array) {
  const c = await compile(bytes, { verify: true });
  expect(c.summary.valueVariants).toBeUndefined();
  expect(c.graph.nodes.some((n) => n.op === 'LoopStart')).toBe(true);
  return loadModel({ wasm: c.wasm, weights: c.weights });
}

/** A Scan over xs [L, 2] (reversed) and ys [3, L] (axis 1): a carried sum, its trace on output axis 1, and ys halved, stacked in reverse. */
function scanModel(L: number | string): Uint8Array {
  return buildModel({
    opset: 11,
    inputs: [{ name: 'xs', dims: [L, 2] }, { name: 'ys', dims: [3, L] }],
    outputs: [{ name: 'sum', dims: [2] }, { name: 'sums', dims: [2, L] }, { name: 'prods', dims: [L, 3] }],
    initializers: [{ name: 's0', dims: [2], values: Float32Array.of(0, 1) }, scalarF('half', 0.5)],
    nodes: [{
      op: 'Scan', inputs: ['s0', 'xs', 'ys'], outputs: ['sum', 'sums', 'prods'], name: 'scan',
      attrs: [intAttr('num_scan_inputs', 2), intsAttr('scan_input_directions', [1, 0]), intsAttr('scan_input_axes', [0, 1]), intsAttr('scan_output_axes', [1, 0]), intsAttr('scan_output_directions', [0, 1]), graphAttr('body', {
        inputs: [{ name: 's', dims: [2] }, { name: 'x', dims: [2] }, { name: 'y', dims: [3] }],
        outputs: [{ name: 's2', dims: [2] }, { name: 'out', dims: [2] }, { name: 'p', dims: [3] }],
        nodes: [
          { op: 'Mul', inputs: ['s', 'half'], outputs: ['sh'] },
          { op: 'Add', inputs: ['sh', 'x'], outputs: ['s2'] },
          { op: 'Identity', inputs: ['s2'], outputs: ['out'] },
          { op: 'Mul', inputs: ['y', 'half'], outputs: ['p'] },
        ],
      })],
    }],
  });
}

describe('run-time Loop', () => {
  it('a run-time trip count (0, 1 and 7 iterations) with a carried value and the iteration number', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [3] }, { name: 'M', dims: [], elemType: INT64 }],
      outputs: [{ name: 'y', dims: [3] }],
      initializers: [scalarF('k', 0.5)],
      nodes: [{
        op: 'Loop', inputs: ['M', '', 'x'], outputs: ['y'], name: 'loop', attrs: [graphAttr('body', {
          inputs: bodyIn([{ name: 'v', dims: [3] }]),
          outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'v_next', dims: [3] }],
          nodes: [
            { op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] },
            { op: 'Cast', inputs: ['i'], outputs: ['fi'], attrs: [intAttr('to', 1)] },
            { op: 'Mul', inputs: ['v', 'k'], outputs: ['half'] },
            { op: 'Add', inputs: ['half', 'fi'], outputs: ['v_next'] },
          ],
        })],
      }],
    });
    const model = await load(bytes);
    for (const [m, seed] of [[0, 1], [1, 2], [7, 3], [0, 4]] as const) await expectSameAsOrt(model, bytes, { x: f32([3], seed), M: i64(m) });
  });

  it('a condition computed by the body (a while loop), from a run-time initial condition, including 0 iterations', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2, 2] }, { name: 'go', dims: [], elemType: BOOL }],
      outputs: [{ name: 'y', dims: [2, 2] }, { name: 'n', dims: [] }],
      initializers: [scalarF('limit', 40), scalarF('two', 2), scalarF('zero', 0), scalarF('one', 1)],
      nodes: [
        { op: 'Abs', inputs: ['x'], outputs: ['ax'] },
        { op: 'Add', inputs: ['ax', 'one'], outputs: ['start'] },
        {
          op: 'Loop', inputs: ['', 'go', 'start', 'zero'], outputs: ['y', 'n'], name: 'while', attrs: [graphAttr('body', {
            inputs: bodyIn([{ name: 'v', dims: [2, 2] }, { name: 'count', dims: [] }]),
            outputs: [{ name: 'more', dims: [], elemType: BOOL }, { name: 'v2', dims: [2, 2] }, { name: 'count2', dims: [] }],
            nodes: [
              { op: 'Mul', inputs: ['v', 'two'], outputs: ['v2'] },
              { op: 'Add', inputs: ['count', 'one'], outputs: ['count2'] },
              { op: 'ReduceSum', inputs: ['v2'], outputs: ['total'], attrs: [intAttr('keepdims', 0)] },
              { op: 'Less', inputs: ['total', 'limit'], outputs: ['more'] },
            ],
          })],
        },
      ],
    });
    const model = await load(bytes);
    for (const [go, seed] of [[true, 1], [false, 2], [true, 3]] as const) await expectSameAsOrt(model, bytes, { x: f32([2, 2], seed), go: bool(go) });
  });

  it('carried values that swap (Fibonacci), an outer value read on every iteration, an If in the body', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [4] }, { name: 'M', dims: [1], elemType: INT64 }],
      outputs: [{ name: 'a', dims: [4] }, { name: 'b', dims: [4] }],
      initializers: [{ name: 'two', dims: [], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(2n).buffer) }, { name: 'zero64', dims: [], dataType: INT64, raw: new Uint8Array(8) }],
      nodes: [
        { op: 'Sigmoid', inputs: ['x'], outputs: ['w'] }, // outer, read by the body every iteration
        { op: 'Neg', inputs: ['x'], outputs: ['b0'] },
        {
          op: 'Loop', inputs: ['M', '', 'x', 'b0'], outputs: ['a', 'b'], name: 'fib', attrs: [graphAttr('body', {
            inputs: bodyIn([{ name: 'p', dims: [4] }, { name: 'q', dims: [4] }]),
            outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'q_out', dims: [4] }, { name: 'sum', dims: [4] }],
            nodes: [
              { op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] },
              { op: 'Identity', inputs: ['q'], outputs: ['q_out'] },
              { op: 'Mod', inputs: ['i', 'two'], outputs: ['parity'] },
              { op: 'Equal', inputs: ['parity', 'zero64'], outputs: ['even'] },
              {
                op: 'If', inputs: ['even'], outputs: ['scaled'], attrs: [
                  graphAttr('then_branch', { outputs: [{ name: 's1', dims: [4] }], nodes: [{ op: 'Mul', inputs: ['p', 'w'], outputs: ['s1'] }] }),
                  graphAttr('else_branch', { outputs: [{ name: 's2', dims: [4] }], nodes: [{ op: 'Sub', inputs: ['p', 'w'], outputs: ['s2'] }] }),
                ],
              },
              { op: 'Add', inputs: ['scaled', 'q'], outputs: ['sum'] },
            ],
          })],
        },
      ],
    });
    const model = await load(bytes);
    for (const [m, seed] of [[0, 1], [1, 2], [6, 3]] as const) await expectSameAsOrt(model, bytes, { x: f32([4], seed), M: { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(m)) } });
  });

  it('an RNN cell loop between elementwise ops the optimizer fuses (nothing moves across the loop bounds)', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2, 8] }, { name: 'M', dims: [], elemType: INT64 }],
      outputs: [{ name: 'y', dims: [2, 8] }],
      initializers: [
        { name: 'W', dims: [8, 8], values: seededInput([8, 8], 9).map((v) => v * 0.3) }, { name: 'b', dims: [8], values: seededInput([8], 10) },
        scalarF('two', 2), scalarF('half', 0.5),
      ],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'Mul', inputs: ['r', 'half'], outputs: ['h0'] },
        {
          op: 'Loop', inputs: ['M', '', 'h0'], outputs: ['h'], name: 'rnn', attrs: [graphAttr('body', {
            inputs: bodyIn([{ name: 'hh', dims: [2, 8] }]),
            outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'h2', dims: [2, 8] }],
            nodes: [
              { op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] },
              { op: 'MatMul', inputs: ['hh', 'W'], outputs: ['mm'] },
              { op: 'Add', inputs: ['mm', 'b'], outputs: ['pre'] },
              { op: 'Add', inputs: ['pre', 'hh'], outputs: ['res'] },
              { op: 'Tanh', inputs: ['res'], outputs: ['h2'] },
            ],
          })],
        },
        { op: 'Sigmoid', inputs: ['h'], outputs: ['s'] },
        { op: 'Mul', inputs: ['s', 'two'], outputs: ['y'] },
      ],
    });
    const model = await load(bytes);
    for (const [m, seed] of [[3, 1], [0, 2], [12, 3]] as const) await expectSameAsOrt(model, bytes, { x: f32([2, 8], seed), M: i64(m) }, 1e-4);
  });

  it('a run-time Loop inside a run-time If branch', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [3] }, { name: 'M', dims: [], elemType: INT64 }, { name: 'flag', dims: [], elemType: BOOL }],
      outputs: [{ name: 'y', dims: [3] }],
      initializers: [scalarF('k', 1.25)],
      nodes: [{
        op: 'If', inputs: ['flag'], outputs: ['y'], name: 'choose', attrs: [
          graphAttr('then_branch', {
            outputs: [{ name: 'looped', dims: [3] }],
            nodes: [{
              op: 'Loop', inputs: ['M', '', 'x'], outputs: ['looped'], attrs: [graphAttr('body', {
                inputs: bodyIn([{ name: 'v', dims: [3] }]),
                outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'v2', dims: [3] }],
                nodes: [{ op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] }, { op: 'Mul', inputs: ['v', 'k'], outputs: ['v1'] }, { op: 'Neg', inputs: ['v1'], outputs: ['v2'] }],
              })],
            }],
          }),
          graphAttr('else_branch', { outputs: [{ name: 'e', dims: [3] }], nodes: [{ op: 'Abs', inputs: ['x'], outputs: ['e'] }] }),
        ],
      }],
    });
    const model = await load(bytes);
    for (const [flag, m, seed] of [[true, 3, 1], [false, 3, 2], [true, 0, 3], [true, 5, 4]] as const) await expectSameAsOrt(model, bytes, { x: f32([3], seed), M: i64(m), flag: bool(flag) });
  });

  it('a long static loop (400 iterations) is not unrolled: the body is emitted once', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [4] }],
      outputs: [{ name: 'y', dims: [4] }],
      initializers: [{ name: 'M', dims: [], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(400n).buffer) }, scalarF('k', 0.99), scalarF('c', 0.01)],
      nodes: [{
        op: 'Loop', inputs: ['M', '', 'x'], outputs: ['y'], name: 'long', attrs: [graphAttr('body', {
          inputs: bodyIn([{ name: 'v', dims: [4] }]),
          outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'v2', dims: [4] }],
          nodes: [{ op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] }, { op: 'Mul', inputs: ['v', 'k'], outputs: ['v1'] }, { op: 'Add', inputs: ['v1', 'c'], outputs: ['v2'] }],
        })],
      }],
    });
    const c = await compile(bytes, { verify: true });
    expect(c.graph.nodes.filter((n) => n.op === 'LoopStart')).toHaveLength(1);
    expect(c.graph.nodes.length).toBeLessThan(10);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    await expectSameAsOrt(model, bytes, { x: f32([4], 1) }, 1e-4);
  });

  it('scan outputs of a run-time trip count: buffers sized at run time (grow and rerun), 0, 3, 40 and 2 iterations', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2] }, { name: 'M', dims: [], elemType: INT64 }],
      outputs: [{ name: 'y', dims: [2] }, { name: 's', dims: ['n', 2] }],
      initializers: [scalarF('k', 1.25)],
      nodes: [{
        op: 'Loop', inputs: ['M', '', 'x'], outputs: ['y', 's'], name: 'scanning', attrs: [graphAttr('body', {
          inputs: bodyIn([{ name: 'v', dims: [2] }]),
          outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'v2', dims: [2] }, { name: 'row', dims: [2] }],
          nodes: [
            { op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] },
            { op: 'Mul', inputs: ['v', 'k'], outputs: ['v2'] },
            { op: 'Neg', inputs: ['v2'], outputs: ['row'] },
          ],
        })],
      }],
    });
    const model = await load(bytes);
    for (const [m, seed] of [[0, 1], [3, 2], [40, 3], [2, 4], [-5, 5]] as const) {
      const out = await expectSameAsOrt(model, bytes, { x: f32([2], seed), M: i64(m) });
      expect(out.s!.dims).toEqual([Math.max(0, m), 2]);
    }
  });

  it('carried values with run-time dims (a symbolic input length) that swap, with a scan output, for two lengths', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: ['n'] }, { name: 'M', dims: [], elemType: INT64 }],
      outputs: [{ name: 'a', dims: ['n'] }, { name: 'b', dims: ['n'] }, { name: 's', dims: ['m', 'n'] }],
      initializers: [scalarF('k', 0.75)],
      nodes: [
        { op: 'Neg', inputs: ['x'], outputs: ['b0'] },
        {
          op: 'Loop', inputs: ['M', '', 'x', 'b0'], outputs: ['a', 'b', 's'], name: 'swap', attrs: [graphAttr('body', {
            inputs: bodyIn([{ name: 'p', dims: ['n'] }, { name: 'q', dims: ['n'] }]),
            outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'q_out', dims: ['n'] }, { name: 'sum', dims: ['n'] }, { name: 'row', dims: ['n'] }],
            nodes: [
              { op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] },
              { op: 'Identity', inputs: ['q'], outputs: ['q_out'] },
              { op: 'Mul', inputs: ['p', 'k'], outputs: ['pk'] },
              { op: 'Add', inputs: ['pk', 'q'], outputs: ['sum'] },
              { op: 'Sub', inputs: ['sum', 'p'], outputs: ['row'] },
            ],
          })],
        },
      ],
    });
    const model = await load(bytes);
    for (const [n, m, seed] of [[3, 4, 1], [7, 2, 2], [5, 9, 4]] as const) await expectSameAsOrt(model, bytes, { x: f32([n], seed), M: i64(m) });
    // 0 iterations: onnxruntime gives the empty scan output dims [0, 0] (it has no iteration to
    // take the row shape from); ours keeps the row shape [0, n]. Both hold no element; the carried
    // values are compared as usual.
    const x = f32([3], 5);
    const ours = await model.run({ x, M: i64(0) });
    expect(ours.s!.dims).toEqual([0, 3]);
    expect(Array.from(ours.a!.data as Float32Array)).toEqual(Array.from(x.data as Float32Array));
    expect(Array.from(ours.b!.data as Float32Array)).toEqual(Array.from(x.data as Float32Array).map((v) => -v));
  });

  it("a while loop whose condition is TorchScript's `a and b` (an If giving bool[1] or bool[]) runs at run time", async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [3] }, { name: 'go', dims: [], elemType: BOOL }],
      outputs: [{ name: 'y', dims: [3] }, { name: 'k', dims: [1] }],
      initializers: [scalarF('decay', 0.7), scalarF('one', 1), { name: 'k0', dims: [1], values: Float32Array.of(0) }, { name: 'most', dims: [1], values: Float32Array.of(6) }, { name: 'step', dims: [1], values: Float32Array.of(1) }],
      nodes: [{
        op: 'Loop', inputs: ['', 'go', 'x', 'k0'], outputs: ['y', 'k'], name: 'while', attrs: [graphAttr('body', {
          inputs: bodyIn([{ name: 'v', dims: [3] }, { name: 'kin', dims: [1] }]),
          outputs: [{ name: 'more', dims: [] , elemType: BOOL }, { name: 'v2', dims: [3] }, { name: 'k2', dims: [1] }],
          nodes: [
            { op: 'Mul', inputs: ['v', 'decay'], outputs: ['v2'] },
            { op: 'Add', inputs: ['kin', 'step'], outputs: ['k2'] },
            { op: 'Abs', inputs: ['v2'], outputs: ['a'] },
            { op: 'ReduceSum', inputs: ['a'], outputs: ['total'], attrs: [intAttr('keepdims', 0)] },
            { op: 'Greater', inputs: ['total', 'one'], outputs: ['big'] },
            {
              op: 'If', inputs: ['big'], outputs: ['more'], name: 'and', attrs: [
                graphAttr('then_branch', { outputs: [{ name: 'under', dims: [1], elemType: BOOL }], nodes: [{ op: 'Less', inputs: ['k2', 'most'], outputs: ['under'] }] }),
                graphAttr('else_branch', { outputs: [{ name: 'no', dims: [], elemType: BOOL }], nodes: [{ op: 'Identity', inputs: ['big'], outputs: ['no'] }] }),
              ],
            },
          ],
        })],
      }],
    });
    const model = await load(bytes);
    const x = (v: number[]): Tensor => ({ dtype: 'float32', dims: [3], data: Float32Array.from(v) });
    // Stops when the sum falls under 1, or after 6 steps (large values), or never starts.
    for (const [v, go] of [[[1, 2, 3], true], [[100, 200, 300], true], [[0.1, 0.1, 0.1], true], [[1, 2, 3], false]] as const) await expectSameAsOrt(model, bytes, { x: x([...v]), go: bool(go) });
  });

  it('scan outputs of a Loop with only a run-time condition (no trip count) are refused with DYNAMIC_SHAPE naming the Loop', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [2] }, { name: 'go', dims: [], elemType: BOOL }],
      outputs: [{ name: 'y', dims: [2] }, { name: 's', dims: ['n', 2] }],
      nodes: [{
        op: 'Loop', inputs: ['', 'go', 'x'], outputs: ['y', 's'], name: 'scanning', attrs: [graphAttr('body', {
          inputs: bodyIn([{ name: 'v', dims: [2] }]),
          outputs: [{ name: 'c_out', dims: [], elemType: BOOL }, { name: 'v2', dims: [2] }, { name: 'row', dims: [2] }],
          nodes: [
            { op: 'Identity', inputs: ['c_in'], outputs: ['c_out'] },
            { op: 'Neg', inputs: ['v'], outputs: ['v2'] },
            { op: 'Identity', inputs: ['v2'], outputs: ['row'] },
          ],
        })],
      }],
    });
    const err = await compile(bytes, { valueVariants: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompileError);
    expect(err).toMatchObject({ code: 'DYNAMIC_SHAPE', node: 'scanning' });
    expect((err as Error).message).toMatch(/Loop node 'scanning': the initial condition 'go' \(input 1\).* must be known at compile time .*for its 1 scan output/);
  });

  it('scan outputs with a run-time condition (a static trip count bounds them), stopping early, running all, or 0 iterations', async () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [3] }, { name: 'go', dims: [], elemType: BOOL }],
      outputs: [{ name: 'y', dims: [3] }, { name: 'trace', dims: ['n', 3] }, { name: 'steps', dims: ['n'], elemType: INT64 }],
      initializers: [{ name: 'M', dims: [], dataType: INT64, raw: new Uint8Array(BigInt64Array.of(6n).buffer) }, scalarF('limit', 20), scalarF('k', 1.5)],
      nodes: [{
        op: 'Loop', inputs: ['M', 'go', 'x'], outputs: ['y', 'trace', 'steps'], name: 'loop', attrs: [graphAttr('body', {
          inputs: bodyIn([{ name: 'v', dims: [3] }]),
          outputs: [{ name: 'more', dims: [], elemType: BOOL }, { name: 'v2', dims: [3] }, { name: 'v2s', dims: [3] }, { name: 'i2', dims: [], elemType: INT64 }],
          nodes: [
            { op: 'Mul', inputs: ['v', 'k'], outputs: ['v2'] },
            { op: 'Identity', inputs: ['v2'], outputs: ['v2s'] },
            { op: 'Identity', inputs: ['i'], outputs: ['i2'] },
            { op: 'ReduceSum', inputs: ['v2'], outputs: ['total'], attrs: [intAttr('keepdims', 0)] },
            { op: 'Less', inputs: ['total', 'limit'], outputs: ['more'] },
          ],
        })],
      }],
    });
    const model = await load(bytes);
    const x = (v: number[]): Tensor => ({ dtype: 'float32', dims: [3], data: Float32Array.from(v) });
    // Stops after a few iterations; runs all 6 (small values); never starts (go = false).
    for (const [v, go] of [[[1, 2, 3], true], [[0.01, 0.02, 0.01], true], [[1, 1, 1], false], [[-1, 2, 0.5], true]] as const) {
      const out = await expectSameAsOrt(model, bytes, { x: x([...v]), go: bool(go) });
      if (!go) expect(out.trace!.dims).toEqual([0, 3]);
    }
  });

  it('a Scan too long to unroll runs as a real loop: reversed input, output on axis 1 and reversed', async () => {
    const L = 300;
    const bytes = scanModel(L);
    const c = await compile(bytes, { verify: true });
    expect(c.graph.nodes.some((n) => n.op === 'LoopStart')).toBe(true);
    const model = await loadModel({ wasm: c.wasm, weights: c.weights });
    for (const seed of [1, 2]) await expectSameAsOrt(model, bytes, { xs: f32([L, 2], seed), ys: f32([3, L], seed + 5) });
  });

  it('a Scan over a symbolic sequence length runs as a real loop: one compile for lengths 1, 6 and 40, reversed input, output on axis 1 and reversed', async () => {
    const bytes = scanModel('t');
    const model = await load(bytes);
    for (const [t, seed] of [[6, 1], [40, 2], [1, 3], [6, 4]] as const) await expectSameAsOrt(model, bytes, { xs: f32([t, 2], seed), ys: f32([3, t], seed + 5) });
  });
});
