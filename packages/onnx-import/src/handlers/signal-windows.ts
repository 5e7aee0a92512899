// HannWindow, HammingWindow, BlackmanWindow and MelWeightMatrix (opset 17) depend only on their
// scalar inputs, which also fix the output shape, so a static compiler needs them at compile time:
// the handlers compute the whole tensor and make it a constant of the graph.
import { DType, Tensor, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { ONNX_DTYPES } from '../tensor-proto.js';

/** The value of scalar input `index`; fails naming every input that is computed at run time. */
function constScalar(ctx: HandlerContext, index: number): number {
  const name = ctx.node.inputs[index];
  if (!name) ctx.fail(`input ${index} is required`);
  const t = ctx.constantOf(name);
  if (!t) {
    const runTime = ctx.node.inputs.filter((n) => n && !ctx.constantOf(n)).map((n) => `'${n}'`);
    ctx.needValue(name, `inputs ${runTime.join(', ')} must be a compile-time constant (they fix the output shape or values)`);
  }
  const v = toNumbers(t);
  if (v.length !== 1) ctx.fail(`input '${name}' must be a scalar, got ${v.length} values`);
  return v[0]!;
}

function outputDType(ctx: HandlerContext): DType {
  const code = (ctx.node.attrs.output_datatype as number | undefined) ?? 1;
  const dtype = ONNX_DTYPES[code];
  if (!dtype) ctx.fail(`output_datatype ${code} is not supported`);
  return dtype;
}

function setOutput(ctx: HandlerContext, t: Tensor): void {
  const out = ctx.node.outputs[0];
  if (!out) ctx.fail('has no output');
  ctx.graph.constants.set(out, t);
  ctx.graph.types.set(out, { dtype: t.dtype, shape: [...t.dims] });
}

/** A generalized cosine window sum_k (-1)^k a_k cos(2 pi k n / N); N is size (periodic) or size - 1. */
function cosineWindow(coefficients: number[]) {
  return (ctx: HandlerContext) => {
    const size = constScalar(ctx, 0);
    if (!Number.isInteger(size) || size < 0) ctx.fail(`size must be a non-negative integer, got ${size}`);
    const periodic = ((ctx.node.attrs.periodic as number | undefined) ?? 1) !== 0;
    const n = periodic ? size : size - 1;
    const values = Array.from({ length: size }, (_, i) =>
      coefficients.reduce((s, a, k) => s + (k % 2 ? -a : a) * Math.cos((2 * Math.PI * k * i) / n), 0));
    setOutput(ctx, makeTensor(outputDType(ctx), [size], values));
  };
}

registerHandler('HannWindow', 17, cosineWindow([0.5, 0.5]));
registerHandler('HammingWindow', 17, cosineWindow([25 / 46, 21 / 46]));
registerHandler('BlackmanWindow', 17, cosineWindow([0.42, 0.5, 0.08]));

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

// Triangular filters over the one-sided spectrum bins [dft_length / 2 + 1, num_mel_bins]. The band
// edges are num_mel_bins + 2 points evenly spaced in mel (the step divides by that count, as the
// reference does), mapped back to hertz and then to an integer bin.
registerHandler('MelWeightMatrix', 17, (ctx) => {
  const [mels, dftLength, sampleRate] = [0, 1, 2].map((i) => constScalar(ctx, i)) as [number, number, number];
  const [lowHz, highHz] = [3, 4].map((i) => constScalar(ctx, i)) as [number, number];
  if (mels <= 0 || dftLength <= 0 || sampleRate <= 0) ctx.fail(`num_mel_bins, dft_length and sample_rate must be positive, got ${mels}, ${dftLength}, ${sampleRate}`);
  const bins = Math.floor(dftLength / 2) + 1;
  const lowMel = Math.fround(hzToMel(lowHz)), highMel = Math.fround(hzToMel(highHz));
  const step = Math.fround((highMel - lowMel) / (mels + 2));
  const edges = Array.from({ length: mels + 2 }, (_, i) => Math.floor(((dftLength + 1) * melToHz(i * step + lowMel)) / sampleRate));
  const w = new Array<number>(bins * mels).fill(0);
  const set = (bin: number, mel: number, v: number) => {
    if (bin < 0 || bin >= bins) ctx.fail(`a filter edge falls on bin ${bin}, outside the ${bins} spectrum bins`);
    w[bin * mels + mel] = v;
  };
  for (let m = 0; m < mels; m++) {
    const [lo, mid, hi] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    if (mid === lo) set(mid, m, 1);
    for (let j = lo; mid > lo && j <= mid; j++) set(j, m, (j - lo) / (mid - lo));
    for (let j = mid; j < hi; j++) set(j, m, (hi - j) / (hi - mid));
  }
  setOutput(ctx, makeTensor(outputDType(ctx), [bins, mels], w));
});
