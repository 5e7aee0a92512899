// Whole models built to attack the compiler rather than mutations of real ones (issue #19): Loops
// nested deep or with large trip counts, files that declare millions of nodes or dims, long
// chains of elementwise ops, and small graphs over special float values. Every one must compile
// or fail with a typed error (LIMIT_EXCEEDED, mostly) within the case's time limit.
import onnxProto from 'onnx-proto';
import { varint } from './mutate-bytes.js';
import { Rng } from './rng.js';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.IGraphProto;

const vi = (name: string, dims: number[], elemType = 1) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const scalar = (dataType: number, v: number) => ({ name: 't', dataType, dims: [], ...(dataType === 7 ? { int64Data: [v] } : { int32Data: [v] }) });
const encode = (graph: Graph, opset = 13) => onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph }).finish();

/** Loops nested `depth` deep with trip count `trip` each (Scan-free), around a Relu. */
export function nestedLoops(depth: number, trip: number): Uint8Array {
  let body: Graph = {
    name: 'b0', input: [vi('i0', [], 7), vi('c0', [], 9), vi('x0', [1, 4])], output: [vi('c0o', [], 9), vi('x0o', [1, 4])],
    node: [{ opType: 'Relu', input: ['x0'], output: ['x0o'] }, { opType: 'Identity', input: ['c0'], output: ['c0o'] }],
  };
  for (let d = 1; d < depth; d++) {
    body = {
      name: `b${d}`, input: [vi(`i${d}`, [], 7), vi(`c${d}`, [], 9), vi(`x${d}`, [1, 4])], output: [vi(`c${d}o`, [], 9), vi(`x${d}o`, [1, 4])],
      node: [
        { opType: 'Constant', output: [`T${d}`], attribute: [{ name: 'value', type: 4, t: scalar(7, trip) }] },
        { opType: 'Constant', output: [`C${d}`], attribute: [{ name: 'value', type: 4, t: scalar(9, 1) }] },
        { opType: 'Loop', name: `loop${d}`, input: [`T${d}`, `C${d}`, `x${d}`], output: [`x${d}o`], attribute: [{ name: 'body', type: 5, g: body }] },
        { opType: 'Identity', input: [`c${d}`], output: [`c${d}o`] },
      ],
    };
  }
  return encode({
    name: 'g', input: [vi('x', [1, 4])], output: [vi('y', [1, 4])], initializer: [{ ...scalar(7, trip), name: 'T' }, { ...scalar(9, 1), name: 'C' }],
    node: [{ opType: 'Loop', name: 'top', input: ['T', 'C', 'x'], output: ['y'], attribute: [{ name: 'body', type: 5, g: body }] }],
  });
}

const CHAIN_OPS = ['Relu', 'Abs', 'Neg', 'Sigmoid', 'Tanh', 'Add', 'Mul', 'Sub', 'Max'];

/** `n` chained elementwise ops (binary ones read the running value twice). */
export function longChain(n: number, rng: Rng): Uint8Array {
  const node = Array.from({ length: n }, (_, i) => {
    const op = rng.pick(CHAIN_OPS);
    const binary = ['Add', 'Mul', 'Sub', 'Max'].includes(op);
    return { opType: op, name: `n${i}`, input: binary ? [`v${i}`, `v${i}`] : [`v${i}`], output: [i === n - 1 ? 'y' : `v${i + 1}`] };
  });
  return encode({ name: 'g', input: [vi('v0', [1, 8])], output: [vi('y', [1, 8])], node });
}

/** `n` chained nodes of one op (Add reads the running value twice). */
export function chainOf(n: number, op: 'Relu' | 'Add'): Uint8Array {
  const node = Array.from({ length: n }, (_, i) => ({ opType: op, name: `n${i}`, input: op === 'Add' ? [`v${i}`, `v${i}`] : [`v${i}`], output: [i === n - 1 ? 'y' : `v${i + 1}`] }));
  return encode({ name: 'g', input: [vi('v0', [1, 4])], output: [vi('y', [1, 4])], node });
}

/** A ModelProto whose graph declares `n` empty nodes: two bytes each, decoded into n objects. */
export function emptyNodes(n: number): Uint8Array {
  const graph = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) graph[2 * i] = 0x0a;
  return new Uint8Array([0x3a, ...varint(graph.byteLength), ...graph]);
}

/** An initializer with `n` packed dims (all 1 or all large): its message must stay short. */
export function manyDims(n: number, big: boolean): Uint8Array {
  const dims = new Array<number>(n).fill(big ? 1000 : 1);
  return encode({
    name: 'g', input: [vi('x', [1])], output: [vi('y', [1])],
    initializer: [{ name: 'W', dataType: 1, dims, rawData: new Uint8Array(4) }],
    node: [{ opType: 'Add', input: ['x', 'W'], output: ['y'] }],
  });
}

export const SPECIAL_VALUES = [0, -0, 1, -1, Infinity, -Infinity, NaN, 3e38, -3e38, 1e-45, -1e-45, 1.17549435e-38, 89, -104, 3e9, -3e9, 0.5, -0.5, 2.5];

export interface HostileCase {
  kind: string; bytes: Uint8Array; what: string;
  /**
   * Set when running the compiled model would take too long to be worth it: loops the compiler
   * keeps as run-time loops instead of unrolling run all their iterations (5000^3 is a real hang,
   * in onnxruntime too). The compile is what these cases test.
   */
  compileOnly?: boolean;
}

/** Iterations a compiled hostile model may run in a case; beyond it the case only compiles. */
const RUN_ITERATIONS = 1e6;

/** One hostile model, sized so that a correct compiler answers within a few seconds. */
export function hostileModel(rng: Rng): HostileCase {
  const kind = rng.pick(['nested-loops', 'deep-nesting', 'empty-nodes', 'many-dims', 'long-chain'] as const);
  switch (kind) {
    case 'nested-loops': {
      const depth = 1 + rng.int(4), trip = rng.pick([2, 10, 100, 500, 1000, 5000]);
      return { kind, bytes: nestedLoops(depth, trip), what: `Loops nested ${depth} deep, trip count ${trip} each`, compileOnly: trip ** depth > RUN_ITERATIONS };
    }
    case 'deep-nesting': {
      const depth = rng.pick([20, 33, 100, 400]);
      return { kind, bytes: nestedLoops(depth, 1), what: `Loops nested ${depth} deep, trip count 1` };
    }
    case 'empty-nodes': {
      const n = rng.pick([1000, 100_000, 1_000_001, 3_000_000]);
      return { kind, bytes: emptyNodes(n), what: `${n} empty nodes` };
    }
    case 'many-dims': {
      const n = rng.pick([64, 10_000, 1_000_000]), big = rng.chance(0.5);
      return { kind, bytes: manyDims(n, big), what: `an initializer with ${n} dims of ${big ? 1000 : 1}` };
    }
    case 'long-chain': {
      const n = rng.pick([100, 1000, 3000]);
      return { kind, bytes: longChain(n, rng), what: `${n} chained elementwise ops` };
    }
  }
}
