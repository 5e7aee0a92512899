// Nodes that work on each sample of a leading batch dim independently (a convolution, a pool, an
// elementwise op, a matmul whose rows are samples) run with a symbolic batch without a kernel for
// run-time dims: the static kernel is compiled for one sample on staging buffers, and a run-time
// loop copies sample b in, runs it, and copies its results out. The copies cost a pass over the
// node's operands; kernels that need the speed take run-time dims themselves (`runTimeDims`).
import { Dim, Graph, Node, argExtremeAttrs, concatAttrs, cumulativeAttrs, dimTerms, flattenAttrs, isStatic, layerNormalizationAttrs, reduceAttrs, softmaxAttrs, splitAttrs, transposeAttrs } from '@onnx2wasm/ir';
import { IN_PLACE_OPS } from './buffer-aliases.js';
import { transposesA } from './kernels/emit/gemm-attrs.js';

const ALWAYS = new Set([
  ...IN_PLACE_OPS, // every elementwise op
  'Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool',
  'BatchNormalization', 'InstanceNormalization', 'LRN', 'MatMul', 'Cast', 'PRelu', 'Sum', 'Mean', 'Identity',
  'NhwcConv', 'NhwcMaxPool', 'NhwcAveragePool', 'NhwcGlobalAveragePool', 'NhwcGlobalMaxPool',
]);

const AXIS_OPS = ['Gemm', 'Softmax', 'LogSoftmax', 'Hardmax', 'Concat', 'Split', 'LayerNormalization', 'Flatten', 'CumSum', 'ArgMax', 'ArgMin', 'Transpose', 'Reduce'];

/** Ops that can run per sample over a symbolic batch (some only for attributes that leave dim 0 alone). */
export const PER_SAMPLE_OPS: ReadonlySet<string> = new Set([...ALWAYS, ...AXIS_OPS]);

/** The one axis of the AXIS_OPS that have one, from each op's attribute record. */
function axisOf(n: Node): number {
  switch (n.op) {
    case 'Concat': return concatAttrs(n).axis;
    case 'Split': return splitAttrs(n).axis;
    case 'LayerNormalization': return layerNormalizationAttrs(n).axis;
    case 'Flatten': return flattenAttrs(n).axis;
    case 'CumSum': return cumulativeAttrs(n).axis;
    case 'ArgMax': case 'ArgMin': return argExtremeAttrs(n).axis;
    default: return softmaxAttrs(n).axis; // Softmax, LogSoftmax, Hardmax
  }
}

/** Ops that are per-sample only when their axis/axes/perm leave dim 0 alone. */
function keepsBatchAxis(n: Node, rank: number): boolean {
  const norm = (a: number) => (a < 0 ? a + rank : a);
  switch (n.op) {
    case 'Gemm': return !transposesA(n);
    case 'Softmax': case 'LogSoftmax': case 'Hardmax': case 'Concat': case 'Split': case 'LayerNormalization':
    case 'Flatten': case 'CumSum': case 'ArgMax': case 'ArgMin':
      return norm(axisOf(n)) > 0;
    case 'Transpose': return transposeAttrs(n).perm[0] === 0;
    case 'Reduce': {
      const { axes } = reduceAttrs(n);
      return axes.length > 0 && axes.every((a) => norm(a) > 0);
    }
    default: return false;
  }
}

/**
 * The batch dim (the leading dim every batched operand shares) when `n` can run per sample:
 * its op treats samples independently, every operand with a symbolic dim has it only at axis 0,
 * all such leading dims are the same, and every output is batched.
 */
export function perSampleBatch(g: Graph, n: Node): Dim | undefined {
  let batch: Dim | undefined;
  const values = [...n.inputs.filter(Boolean), ...n.outputs];
  for (const v of values) {
    const shape = g.types.get(v)!.shape;
    if (isStatic(shape)) continue;
    if (!shape.slice(1).every((d) => typeof d === 'number')) return undefined;
    const d = shape[0]!;
    if (batch === undefined) batch = d;
    else if (batch !== d) return undefined;
  }
  if (batch === undefined || dimTerms(batch).length === 0) return undefined;
  if (!n.outputs.every((o) => g.types.get(o)!.shape[0] === batch)) return undefined;
  const rank = g.types.get(n.outputs[0]!)!.shape.length;
  if (!ALWAYS.has(n.op) && !keepsBatchAxis(n, rank)) return undefined;
  // A matmul's second operand carrying the batch would be broadcast against it, not row-split.
  if ((n.op === 'MatMul' || n.op === 'Gemm') && !isStatic(g.types.get(n.inputs[1]!)!.shape) && g.types.get(n.inputs[0]!)!.shape.length < 3) return undefined;
  return batch;
}
