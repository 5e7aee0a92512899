import { describe, expect, it } from 'vitest';
import { Graph, Node, functionNode, isFn } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { LowerContext, Lowering, StaticOperand, staticContext, staticView, staticViewIfAny, takesRunTimeDims } from './lowering.js';
import { runTimeContext } from './dynamic-dims.js';
import { WasmModuleBuilder } from './wasm-builder.js';

const node: Node = functionNode('add_0', 'Add', ['x', 'w'], ['y']);
const weight = { dtype: 'float32' as const, dims: [4], data: new Float32Array(4) };

function contexts() {
  const module = new WasmModuleBuilder({ relaxed: false });
  const fn = module.fn('f');
  const placed: string[] = [];
  const addWeight = (_d: unknown, key?: string) => { placed.push(key ?? ''); return 4096; };
  const base = { node, fn, module, addWeight, helper: () => 'h' };
  const x: StaticOperand = { name: 'x', dtype: 'float32', dims: [2, 4], addr: 64 };
  const w: StaticOperand = { name: 'w', dtype: 'float32', dims: [4], constant: weight, get addr() { return addWeight(weight, 'const:w'); } };
  const y: StaticOperand = { name: 'y', dtype: 'float32', dims: [2, 4], addr: 128 };
  const fixed = staticContext({ ...base, inputs: [x, w], outputs: [y], scratch: 256 });
  const g: Graph = {
    name: 'g', inputs: ['x'], outputs: ['y'], nodes: [node], constants: new Map([['w', weight]]),
    types: new Map([['x', { dtype: 'float32', shape: ['batch', 4] }], ['w', { dtype: 'float32', shape: [4] }], ['y', { dtype: 'float32', shape: ['batch', 4] }]]),
  };
  const table = { symbols: ['batch'], address: 16, bufferIndex: new Map([['x', 0], ['y', 1]]) };
  const { ctx: runTime } = runTimeContext(base, table, g, (v) => v, () => 0);
  return { fixed, runTime, placed };
}

describe('one lowering context', () => {
  it('gives static operands both views: i32 accessors that are the static numbers, and the static facts', () => {
    const { fixed, placed } = contexts();
    const x = fixed.inputs[0]!;
    expect([x.dim(0), x.dim(-1), x.count(), x.count(1), x.addr(), fixed.scratch(), fixed.dim(7)]).toEqual([2, 4, 8, 4, 64, 256, 7]);
    expect(x.static?.dims).toEqual([2, 4]);
    expect(placed).toEqual([]); // a constant is placed only when its address is read
    const view = staticView(fixed);
    expect([view.inputs[0]!.addr, view.outputs[0]!.dims, view.scratch]).toEqual([64, [2, 4], 256]);
    expect(view.inputs[1]!.addr).toBe(4096);
    expect(placed).toEqual(['const:w']);
  });

  it('has no static view with run-time dims: staticView fails with DYNAMIC_SHAPE naming the node', () => {
    const { runTime } = contexts();
    expect(runTime.inputs[0]!.static).toBeUndefined();
    expect(runTime.inputs[1]!.static?.dims).toEqual([4]); // a weight keeps its static facts
    expect(staticViewIfAny(runTime)).toBeUndefined();
    let err: unknown;
    try { staticView(runTime); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CodegenError);
    expect(err).toMatchObject({ code: 'DYNAMIC_SHAPE', node: 'add_0', op: 'Add' });
  });

  it('reads a dim of a static context only when it is a number', () => {
    const { fixed } = contexts();
    expect(() => fixed.dim('batch')).toThrow(CodegenError);
    expect(() => fixed.setDim('n', fixed.fn.i(1))).toThrow(CodegenError);
  });

  it('declares run-time dims once: always, per node, or not', () => {
    const lower = (_ctx: LowerContext) => [];
    const l = (runTimeDims: Lowering['runTimeDims']): Lowering => ({ ops: [], lower, runTimeDims });
    expect([takesRunTimeDims(l(true), node, []), takesRunTimeDims(l(undefined), node, []), takesRunTimeDims(l((n) => isFn(n, 'Add')), node, [])]).toEqual([true, false, true]);
  });
});
