// MelWeightMatrix (opset 17): triangular filters over the one-sided spectrum bins,
// [dft_length / 2 + 1, num_mel_bins]. The band edges are num_mel_bins + 2 points evenly spaced in
// mel (the step divides by that count, as the reference does), mapped back to hertz and then to an
// integer bin. Filter m rises from edge m to 1 at edge m+1 and falls to 0 at edge m+2.
// Constant inputs: the handler computes the matrix and makes it a constant of the graph.
// Inputs fed at run time: the graph computes the edges (float64, the mels rounded to float32 like
// the constant path) and each weight elementwise from the bin index and its filter's three edges,
// so both output dims are computed by the run. Values onnxruntime refuses (a lower or upper edge
// outside the spectrum bins, a sample rate that is not positive, a negative dft_length or mel
// count, a lower edge above the upper one) stop the run with SHAPE_OUT_OF_BOUNDS naming this node.
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { constScalar, outputDType, setOutput } from './signal-windows.js';
import { scalarOf } from './scalar-value.js';

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

function constantMatrix(ctx: HandlerContext): void {
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
}

function runTimeMatrix(ctx: HandlerContext): void {
  const names = [0, 1, 2, 3, 4].map((i) => ctx.node.inputs[i] || ctx.fail(`input ${i} is required`));
  for (const n of names) if (ctx.typeOf(n).shape.some((d) => d !== 1)) ctx.fail(`input '${n}' must be a scalar, got [${ctx.typeOf(n).shape}]`);
  const dtype = outputDType(ctx);
  const op = (name: string, ...inputs: string[]) => ctx.emit(name, inputs)[0]!;
  const scalar = (v: string) => scalarOf(ctx, v);
  const cast = (v: string, to: string) => (ctx.typeOf(v).dtype === to ? v : ctx.emit('Cast', [v], { to })[0]!);
  const i64 = (v: number) => ctx.addConstant(makeTensor('int64', [], [v]), 'mel_k');
  const f64 = (v: number) => ctx.addConstant(makeTensor('float64', [], [v]), 'mel_k');
  const [mels, dftLength, sampleRate] = names.slice(0, 3).map((n) => cast(scalar(n), 'int64')) as [string, string, string];
  const [lowHz, highHz] = names.slice(3).map((n) => cast(scalar(n), 'float64')) as [string, string];
  const real = (v: string) => cast(v, 'float64');
  const fround = (v: string) => real(cast(v, 'float32'));
  const log10 = (v: string) => op('Div', op('Log', v), f64(Math.LN10));
  const hzToMelG = (hz: string) => op('Mul', f64(2595), log10(op('Add', f64(1), op('Div', hz, f64(700)))));
  const melToHzG = (mel: string) => op('Mul', f64(700), op('Sub', op('Pow', f64(10), op('Div', mel, f64(2595))), f64(1)));
  const bins = op('Add', op('Div', dftLength, i64(2)), i64(1));
  // bin of a frequency: floor((dft_length + 1) * hz / sample_rate)
  const binOf = (hz: string) => op('Floor', op('Div', op('Mul', real(op('Add', dftLength, i64(1))), hz), real(sampleRate)));
  const outside = (hz: string) => op('Or', op('Less', binOf(hz), f64(0)), op('GreaterOrEqual', binOf(hz), real(bins)));
  const bad = [
    op('Less', mels, i64(0)), op('Less', dftLength, i64(0)), op('LessOrEqual', sampleRate, i64(0)),
    op('Greater', lowHz, highHz), outside(lowHz), outside(highHz),
  ].reduce((a, b) => op('Or', a, b));
  const lowMel = fround(hzToMelG(lowHz)), highMel = fround(hzToMelG(highHz));
  const step = fround(op('Div', op('Sub', highMel, lowMel), real(op('Add', mels, i64(2)))));
  // Filter m's edges are points m, m+1 and m+2: all three computed from one Range, so they share its dim.
  const m = real(ctx.emit('Range', [i64(0), mels, i64(1)])[0]!);
  const edge = (offset: number) => binOf(melToHzG(op('Add', op('Mul', op('Add', m, f64(offset)), step), lowMel))); // [mels]
  const [lo, mid, hi] = [edge(0), edge(1), edge(2)] as [string, string, string];
  // The rows: bins, or -1 for refused values, which the Expand refuses.
  const rows = ctx.emit('Where', [bad, i64(-1), bins])[0]!;
  const [checked] = ctx.emit('Expand', [ctx.emit('Range', [i64(0), bins, i64(1)])[0]!, ctx.emit('Unsqueeze', [rows], { axes: [0] })[0]!]);
  const j = ctx.emit('Unsqueeze', [real(checked!)], { axes: [1] })[0]!; // [bins, 1]
  // Below the centre the rising side (zero outside [lo, mid)), at it 1, above it the falling side (zero at and past hi).
  const rising = op('Div', op('Sub', j, lo), op('Sub', mid, lo));
  const falling = op('Div', op('Sub', hi, j), op('Sub', hi, mid));
  const zero = f64(0);
  const up = ctx.emit('Where', [op('Less', j, lo), zero, rising])[0]!;
  const down = ctx.emit('Where', [op('GreaterOrEqual', j, hi), zero, falling])[0]!;
  const w = ctx.emit('Where', [op('Less', j, mid), up, ctx.emit('Where', [op('Equal', j, mid), f64(1), down])[0]!])[0]!;
  ctx.emit('Cast', [w], { to: dtype }, ctx.node.outputs);
}

registerHandler('MelWeightMatrix', 17, (ctx) => {
  const runTime = ctx.node.inputs.some((v) => v && !ctx.constantOf(v));
  if (runTime) runTimeMatrix(ctx);
  else constantMatrix(ctx);
});
