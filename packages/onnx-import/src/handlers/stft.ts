// STFT (17): frames of frame_length samples every frame_step, each windowed and transformed.
// Constant frame_step, frame_length and window: one strided Conv whose output channels are the
// bins' real then imaginary parts (weights = window × DFT tables, built at import). The signal
// [B, L, 1|2] becomes [B, 1|2, L]; the Conv output [B, 2K, frames] becomes [B, frames, K, 2].
// Any of them fed at run time: the graph computes the frame count, gathers the frames
// ([B, frames, frame, 1|2], index f*step + t), multiplies by the window and by cosine and sine
// tables it builds from Range outputs (the angle's integer part t*k mod frame is exact), so the
// frames and bins are dims the run computes. A step or frame length that is not positive, a frame
// longer than the signal or a window of another length stops the run (SHAPE_OUT_OF_BOUNDS at the
// Expand of the frame starts, naming this node).
import { makeTensor, toNumbers } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { int64Vector } from './const-input.js';
import { optionalScalar, staticShape, tables } from './dft.js';

function constantStft(ctx: HandlerContext): void {
  const { node } = ctx;
  const [signal, , windowName] = node.inputs;
  const [batch, length, width] = staticShape(ctx, signal!) as [number, number, number];
  const step = optionalScalar(ctx, 1, 'frame_step');
  if (step === undefined || step <= 0) return ctx.fail('frame_step must be a positive constant');
  const window = windowName ? ctx.constantOf(windowName) : undefined;
  const frame = optionalScalar(ctx, 3, 'frame_length') ?? window?.dims[0];
  if (frame === undefined || frame <= 0 || frame > length) return ctx.fail(`frame_length ${String(frame)} must be positive and at most the signal length ${length}`);
  const w = window ? toNumbers(window) : new Array<number>(frame).fill(1);
  if (w.length !== frame) ctx.fail(`window length ${w.length} differs from frame_length ${frame}`);
  const onesided = (node.attrs.onesided ?? 1) !== 0;
  if (onesided && width !== 1) ctx.fail('onesided STFT needs a real signal');
  const { bins, c, s } = tables({ inLength: frame, n: frame, inverse: false, onesided });
  const cv = toNumbers(c), sv = toNumbers(s);
  // weights[out, channel, t]: real bins read (C, -S) from (re, im), imaginary bins (S, C).
  const weights = new Float32Array(2 * bins * width * frame);
  for (let k = 0; k < bins; k++) for (let t = 0; t < frame; t++) {
    const at = (out: number, ch: number) => (out * width + ch) * frame + t;
    weights[at(k, 0)] = w[t]! * cv[t * bins + k]!;
    weights[at(bins + k, 0)] = w[t]! * sv[t * bins + k]!;
    if (width === 2) {
      weights[at(k, 1)] = -w[t]! * sv[t * bins + k]!;
      weights[at(bins + k, 1)] = w[t]! * cv[t * bins + k]!;
    }
  }
  const [x] = ctx.emit('Transpose', [signal!], { perm: [0, 2, 1] });
  const wName = ctx.addConstant(makeTensor('float32', [2 * bins, width, frame], weights), 'stft_weights');
  const [y] = ctx.emit('Conv', [x!, wName], { kernel_shape: [frame], strides: [step], dilations: [1], pads: [0, 0], group: 1 });
  const frames = Math.floor((length - frame) / step) + 1;
  const [split] = ctx.emit('Reshape', [y!, ctx.addConstant(int64Vector([batch, 2, bins, frames]), 'stft_shape')]);
  ctx.emit('Transpose', [split!], { perm: [0, 3, 2, 1] }, node.outputs);
}

function runTimeStft(ctx: HandlerContext): void {
  const { node } = ctx;
  const [signal, stepName, windowName, frameName] = node.inputs as [string, string | undefined, string | undefined, string | undefined];
  const st = ctx.typeOf(signal);
  const width = st.shape[2];
  if (st.shape.length !== 3 || (width !== 1 && width !== 2)) ctx.fail(`signal [${st.shape}] must be [batch, length, 1 or 2]`);
  if (st.dtype !== 'float32') ctx.fail(`signal has dtype ${st.dtype}; only float32 is supported`);
  if (!stepName) ctx.fail('frame_step (input 1) is required');
  if (!windowName && !frameName) ctx.fail('needs a window (input 2) or a frame_length (input 3)');
  const onesided = (node.attrs.onesided ?? 1) !== 0;
  if (onesided && width !== 1) ctx.fail('onesided STFT needs a real signal');
  const i64 = (v: number) => ctx.addConstant(makeTensor('int64', [], [v]), 'stft_k');
  const vec = (v: number[]) => ctx.addConstant(int64Vector(v), 'stft_k');
  const f64c = (v: number) => ctx.addConstant(makeTensor('float64', [], [v]), 'stft_k');
  const op = (name: string, ...inputs: string[]) => ctx.emit(name, inputs)[0]!;
  const unsq = (v: string, axis: number) => ctx.emit('Unsqueeze', [v], { axes: [axis] })[0]!;
  const asInt64 = (v: string) => (ctx.typeOf(v).dtype === 'int64' ? v : ctx.emit('Cast', [v], { to: 'int64' })[0]!);
  const scalarOf = (v: string) => asInt64(ctx.typeOf(v).shape.length ? ctx.emit('Reshape', [v, vec([])])[0]! : v);
  const lengthOf = (v: string, axis: number) => ctx.emit('Gather', [op('Shape', v), i64(axis)], { axis: 0 })[0]!;
  const zero = i64(0), one = i64(1);
  const step = scalarOf(stepName);
  const windowLength = windowName ? lengthOf(windowName, 0) : undefined;
  const frame = frameName ? scalarOf(frameName) : windowLength!;
  const length = lengthOf(signal, 1);
  // Values that give no frames: the frame count becomes -1, which the Expand below refuses.
  let bad = op('Or', op('LessOrEqual', step, zero), op('Or', op('LessOrEqual', frame, zero), op('Greater', frame, length)));
  if (windowLength && frameName) bad = op('Or', bad, ctx.emit('Not', [op('Equal', windowLength, frame)])[0]!);
  const frames = ctx.emit('Where', [bad, i64(-1), op('Add', op('Div', op('Sub', length, frame), op('Max', step, one)), one)])[0]!;
  // Sample index f*step + t of tap t in frame f: [frames, frame].
  const t = ctx.emit('Range', [zero, frame, one])[0]!;
  const [f] = ctx.emit('Expand', [ctx.emit('Range', [zero, frames, one])[0]!, unsq(frames, 0)]);
  const index = op('Add', op('Mul', unsq(f!, 1), step), unsq(t, 0));
  const x = ctx.emit('Gather', [signal, index], { axis: 1 })[0]!; // [B, frames, frame, width]
  const framesT = ctx.emit('Transpose', [x], { perm: [0, 1, 3, 2] })[0]!; // [B, frames, width, frame]
  const xT = windowName ? op('Mul', framesT, windowName) : framesT;
  const bins = onesided ? op('Add', op('Div', frame, i64(2)), one) : frame;
  const k = ctx.emit('Range', [zero, bins, one])[0]!;
  const turns = ctx.emit('Mod', [op('Mul', unsq(t, 1), unsq(k, 0)), frame], { fmod: 0 })[0]!;
  // float64 angles: sin(pi) and cos(pi/2) then round to float32 residues of 1e-16, not 1e-7.
  const f64 = (v: string) => ctx.emit('Cast', [v], { to: 'float64' })[0]!;
  const angle = op('Div', op('Mul', f64(turns), f64c(2 * Math.PI)), f64(frame));
  const table = (fn: string) => ctx.emit('Cast', [op(fn, angle)], { to: 'float32' })[0]!;
  const c = op('MatMul', xT!, table('Cos')), s = op('MatMul', xT!, table('Sin')); // [B, frames, width, bins]
  const part = (v: string, p: number) => ctx.emit('Slice', [v, vec([p]), vec([p + 1]), vec([2])])[0]!;
  // (xr + j xi)(cos - j sin): real xr cos + xi sin, imaginary xi cos - xr sin.
  const re = width === 2 ? op('Add', part(c, 0), part(s, 1)) : c;
  const im = width === 2 ? op('Sub', part(c, 1), part(s, 0)) : op('Neg', s);
  ctx.emit('Transpose', [ctx.emit('Concat', [re, im], { axis: 2 })[0]!], { perm: [0, 1, 3, 2] }, node.outputs);
}

registerHandler('STFT', 17, (ctx) => {
  const runTime = ctx.node.inputs.slice(1).some((v) => v && !ctx.constantOf(v));
  if (runTime) runTimeStft(ctx);
  else constantStft(ctx);
});
