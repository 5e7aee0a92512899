// npm run fuzz -- --fold-compare [--seconds N] [--seed S]
// One semantics for every op (issue #19): each case is one op over special float values (±Inf,
// NaN, ±0, denormals, values that overflow or saturate), compiled twice — with the values as a
// graph input (the run-time kernel computes it) and as an initializer (constant folding computes
// it with the IR's reference evaluate) — and run by onnxruntime-node. The three must agree: bit
// for bit for exact ops, within a few ulps for transcendental ones, and always on NaN, ±Inf and
// the sign of zero. A disagreement is a finding.
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { compile } from 'onnx2wasm';
import { loadModel } from '@onnx2wasm/runtime';
import { SPECIAL_VALUES } from './hostile-models.js';
import { Rng, makeRng } from './rng.js';

const { onnx } = onnxProto;
const vi = (name: string, dims: number[], elemType = 1) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
const EXACT_UNARY = ['Relu', 'Neg', 'Abs', 'Floor', 'Ceil', 'Round', 'Sign', 'Identity'];
const APPROX_UNARY = ['Exp', 'Log', 'Sqrt', 'Sigmoid', 'Tanh', 'Erf', 'Reciprocal', 'Softplus'];
const BINARY = ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow'];
const REDUCE = ['ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceMean', 'ArgMax', 'ArgMin'];
const OTHER = ['Softmax', 'CastInt32', 'MaxPool', 'LayerNormalization', 'BatchNormalization', 'TopK', 'QuantizeInt8', 'QuantizeUint8'];

export interface FoldCase { op: string; x: Float32Array; bytes: (asInput: boolean) => Uint8Array; exact: boolean }

export const FOLD_OPS = [...EXACT_UNARY, ...APPROX_UNARY, ...BINARY, ...REDUCE, ...OTHER];

function makeFoldCase(rng: Rng): FoldCase {
  const op = rng.pick(FOLD_OPS);
  return foldCase(op, Float32Array.from({ length: 8 }, () => rng.pick(SPECIAL_VALUES)));
}

/** `op` over `x` (8 values, as [1, 2, 4]); binary ops take x and x reversed. */
export function foldCase(op: string, x: Float32Array): FoldCase {
  const n = x.length;
  const exact = !APPROX_UNARY.includes(op) && !['Pow', 'Softmax', 'LayerNormalization', 'BatchNormalization', 'ReduceMean'].includes(op);
  const bytes = (asInput: boolean) => {
    const xInit = { name: 'x', dataType: 1, dims: [1, 2, n / 2], rawData: new Uint8Array(x.buffer.slice(0)) };
    const inits: onnxProto.onnx.ITensorProto[] = asInput ? [] : [xInit];
    let node: onnxProto.onnx.INodeProto;
    let outType = 1, outDims = [1, 2, n / 2];
    if (BINARY.includes(op)) {
      inits.push({ name: 'b', dataType: 1, dims: [1, 2, n / 2], rawData: new Uint8Array(Float32Array.from(x).reverse().buffer) });
      node = { opType: op, input: ['x', 'b'], output: ['y'] };
    } else if (REDUCE.includes(op)) {
      const arg = op.startsWith('Arg');
      if (op === 'ReduceSum') {
        // Opset 13 moved ReduceSum's axes to an input (the others follow at 18).
        inits.push({ name: 'axes', dataType: 7, dims: [1], int64Data: [2] });
        node = { opType: op, input: ['x', 'axes'], output: ['y'] };
      } else node = { opType: op, input: ['x'], output: ['y'], attribute: [{ name: arg ? 'axis' : 'axes', type: arg ? 2 : 7, ...(arg ? { i: 2 } : { ints: [2] }) }] };
      outDims = [1, 2, 1];
      if (arg) outType = 7;
    } else if (op === 'Softmax') node = { opType: 'Softmax', input: ['x'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: -1 }] };
    else if (op === 'CastInt32') { node = { opType: 'Cast', input: ['x'], output: ['y'], attribute: [{ name: 'to', type: 2, i: 6 }] }; outType = 6; }
    else if (op === 'MaxPool') { node = { opType: 'MaxPool', input: ['x'], output: ['y'], attribute: [{ name: 'kernel_shape', type: 7, ints: [2] }] }; outDims = [1, 2, n / 2 - 1]; }
    else if (op === 'LayerNormalization') {
      inits.push({ name: 's', dataType: 1, dims: [n / 2], rawData: new Uint8Array(new Float32Array(n / 2).fill(1).buffer) });
      node = { opType: 'LayerNormalization', input: ['x', 's'], output: ['y'], attribute: [{ name: 'axis', type: 2, i: -1 }] };
    } else if (op === 'TopK') {
      inits.push({ name: 'k', dataType: 7, dims: [1], int64Data: [2] });
      node = { opType: 'TopK', input: ['x', 'k'], output: ['y', 'indices'] };
      outDims = [1, 2, 2];
    } else if (op === 'BatchNormalization') {
      // Channel 0 has var = 0 with epsilon 0 (scale' = Inf), channel 1 ordinary parameters.
      const param = (name: string, v: number[]) => inits.push({ name, dataType: 1, dims: [2], rawData: new Uint8Array(Float32Array.from(v).buffer) });
      param('scale', [1, 2]); param('bias', [0, -1]); param('mean', [0, 0.5]); param('var', [0, 1]);
      node = { opType: 'BatchNormalization', input: ['x', 'scale', 'bias', 'mean', 'var'], output: ['y'], attribute: [{ name: 'epsilon', type: 1, f: 0 }] };
    } else if (op === 'QuantizeInt8' || op === 'QuantizeUint8') {
      // Per tensor with a zero point inside the range: NaN, ±Inf and overflowing values saturate.
      outType = op === 'QuantizeInt8' ? 3 : 2;
      inits.push(
        { name: 's', dataType: 1, dims: [], rawData: new Uint8Array(Float32Array.of(0.5).buffer) },
        { name: 'z', dataType: outType, dims: [], rawData: Uint8Array.of(outType === 3 ? 3 : 100) },
      );
      node = { opType: 'QuantizeLinear', input: ['x', 's', 'z'], output: ['y'] };
    } else node = { opType: op, input: ['x'], output: ['y'] };
    return onnx.ModelProto.encode({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: { name: 'g', input: asInput ? [vi('x', [1, 2, n / 2])] : [], output: [vi('y', outDims, outType)], initializer: inits, node: [node] },
    }).finish();
  };
  return { op, x, bytes, exact };
}

type Values = ArrayLike<number | bigint>;

/** Why `a` and `b` disagree, or undefined. */
function disagreement(a: Values, b: Values, exact: boolean): string | undefined {
  if (a.length !== b.length) return `${a.length} vs ${b.length} elements`;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]), y = Number(b[i]);
    if (Number.isNaN(x) || Number.isNaN(y)) { if (Number.isNaN(x) !== Number.isNaN(y)) return `element ${i}: ${x} vs ${y}`; continue; }
    if (Object.is(x, y)) continue;
    if (x === y && (x !== 0 || exact)) return `element ${i}: ${Object.is(x, -0) ? '-0' : x} vs ${Object.is(y, -0) ? '-0' : y}`;
    if (x === y) continue;
    if (exact || !Number.isFinite(x) || !Number.isFinite(y)) return `element ${i}: ${x} vs ${y}`;
    if (Math.abs(x - y) > 1e-5 * Math.max(Math.abs(x), Math.abs(y)) + 1e-37) return `element ${i}: ${x} vs ${y}`;
  }
  return undefined;
}

export interface FoldResult { op: string; x: number[]; finding?: string; error?: string }

/**
 * Runs `fc` through the run-time kernel, constant folding and onnxruntime. `onnxruntime: false`
 * compares our two paths only (for ops whose onnxruntime result depends on its code path, see
 * docs/errors.md); `oursBitExact` requires those two to agree bit for bit even for an op that is
 * compared to onnxruntime within a tolerance.
 */
export async function runFoldCase(fc: FoldCase, opts: { onnxruntime?: boolean; oursBitExact?: boolean } = {}): Promise<FoldResult> {
  const base = { op: fc.op, x: Array.from(fc.x) };
  const feeds = { x: { dtype: 'float32' as const, dims: [1, 2, fc.x.length / 2], data: Float32Array.from(fc.x) } };
  let runTime: Values, folded: Values, reference: Values;
  try {
    const a = await compile(fc.bytes(true));
    runTime = (await (await loadModel({ wasm: a.wasm, weights: a.weights })).run(feeds)).y!.data as Values;
    const b = await compile(fc.bytes(false));
    folded = (await (await loadModel({ wasm: b.wasm, weights: b.weights })).run({})).y!.data as Values;
  } catch (e) {
    return { ...base, error: `${(e as { code?: string }).code ?? (e as Error).name}: ${(e as Error).message}` };
  }
  if (opts.onnxruntime === false) {
    const d = disagreement(runTime, folded, fc.exact || !!opts.oursBitExact);
    return d ? { ...base, finding: `run time vs folded: ${d}` } : base;
  }
  try {
    const s = await ort.InferenceSession.create(fc.bytes(true));
    reference = (await s.run({ x: new ort.Tensor('float32', Float32Array.from(fc.x), [1, 2, fc.x.length / 2]) })).y!.data as Values;
  } catch {
    reference = folded; // onnxruntime refuses the op: compare our two paths only
  }
  const problems = [
    ['run time vs onnxruntime', disagreement(runTime, reference, fc.exact)],
    ['folded vs onnxruntime', disagreement(folded, reference, fc.exact)],
    ['run time vs folded', disagreement(runTime, folded, fc.exact || !!opts.oursBitExact)],
  ].filter(([, d]) => d).map(([w, d]) => `${w}: ${d}`);
  return problems.length ? { ...base, finding: problems.join('; ') } : base;
}

export async function foldCompareCampaign(seed: number, seconds: number, log: (l: string) => void): Promise<{ cases: number; findings: FoldResult[]; errors: number }> {
  const rng = makeRng(seed);
  const t0 = performance.now();
  const findings: FoldResult[] = [];
  const seen = new Set<string>();
  let cases = 0, errors = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const r = await runFoldCase(makeFoldCase(rng));
    cases++;
    if (r.error) errors++;
    if (r.finding) {
      findings.push(r);
      const key = `${r.op}: ${r.finding.replace(/element \d+: /g, '')}`;
      if (!seen.has(key)) { seen.add(key); log(`finding: ${r.op} of [${r.x.map((v) => (Object.is(v, -0) ? '-0' : v)).join(', ')}]: ${r.finding}`); }
    }
  }
  return { cases, findings, errors };
}
