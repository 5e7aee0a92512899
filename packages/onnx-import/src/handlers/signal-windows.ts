// HannWindow, HammingWindow and BlackmanWindow (opset 17) depend only on their scalar size, which
// also fixes the output shape: with a constant size the handlers compute the whole tensor and make
// it a constant of the graph; a size fed at run time becomes a graph (Range over the positions,
// cosines in float64) whose length the run computes. MelWeightMatrix is in mel-weight-matrix.ts.
import { DType, Tensor, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { ONNX_DTYPES } from '../tensor-proto.js';
import { scalarOf } from './scalar-value.js';

/** The value of scalar input `index`; fails naming every input that is computed at run time. */
export function constScalar(ctx: HandlerContext, index: number): number {
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

export function outputDType(ctx: HandlerContext): DType {
  const code = (ctx.node.attrs.output_datatype as number | undefined) ?? 1;
  const dtype = ONNX_DTYPES[code];
  if (!dtype) ctx.fail(`output_datatype ${code} is not supported`);
  return dtype;
}

export function setOutput(ctx: HandlerContext, t: Tensor): void {
  const out = ctx.node.outputs[0];
  if (!out) ctx.fail('has no output');
  ctx.graph.constants.set(out, t);
  ctx.graph.types.set(out, { dtype: t.dtype, shape: [...t.dims] });
}

/** A generalized cosine window sum_k (-1)^k a_k cos(2 pi k n / N); N is size (periodic) or size - 1. */
function cosineWindow(coefficients: number[]) {
  return (ctx: HandlerContext) => {
    const sizeName = ctx.node.inputs[0];
    if (sizeName && !ctx.constantOf(sizeName)) return runTimeWindow(ctx, sizeName, coefficients);
    const size = constScalar(ctx, 0);
    if (!Number.isInteger(size) || size < 0) ctx.fail(`size must be a non-negative integer, got ${size}`);
    const periodic = ((ctx.node.attrs.periodic as number | undefined) ?? 1) !== 0;
    const n = periodic ? size : size - 1;
    const values = Array.from({ length: size }, (_, i) =>
      coefficients.reduce((s, a, k) => s + (k % 2 ? -a : a) * Math.cos((2 * Math.PI * k * i) / n), 0));
    setOutput(ctx, makeTensor(outputDType(ctx), [size], values));
  };
}

/** The same window for a size read at run time: sum_k (-1)^k a_k cos(2 pi k n / N) over n = 0 .. size - 1, in float64. */
function runTimeWindow(ctx: HandlerContext, sizeName: string, coefficients: number[]): void {
  const t = ctx.typeOf(sizeName);
  if ((t.dtype !== 'int64' && t.dtype !== 'int32') || !t.shape.every((d) => d === 1)) ctx.fail(`size must be one int32 or int64, got ${t.dtype}[${t.shape}]`);
  const size = scalarOf(ctx, sizeName);
  const int = (v: number, hint: string) => ctx.addConstant(makeTensor(t.dtype, [], [v]), hint);
  const f64 = (v: number, hint: string) => ctx.addConstant(makeTensor('float64', [], [v]), hint);
  // A negative size gives an empty Range, as onnxruntime's empty window.
  const [positions] = ctx.emit('Range', [int(0, 'start'), size, int(1, 'step')]);
  const [n] = ctx.emit('Cast', [positions!], { to: 'float64' });
  const periodic = ((ctx.node.attrs.periodic as number | undefined) ?? 1) !== 0;
  const [span] = periodic ? [size] : ctx.emit('Sub', [size, int(1, 'one')]);
  const [denominator] = ctx.emit('Cast', [span!], { to: 'float64' });
  const [phase] = ctx.emit('Div', [ctx.emit('Mul', [n!, f64(2 * Math.PI, 'two_pi')])[0]!, denominator!]);
  let sum = ctx.emit('Mul', [ctx.emit('Cos', [ctx.emit('Mul', [phase!, f64(0, 'k0')])[0]!])[0]!, f64(coefficients[0]!, 'a0')])[0]!;
  for (let k = 1; k < coefficients.length; k++) {
    const [cos] = ctx.emit('Cos', [ctx.emit('Mul', [phase!, f64(k, `k${k}`)])[0]!]);
    sum = ctx.emit('Add', [sum, ctx.emit('Mul', [cos!, f64(k % 2 ? -coefficients[k]! : coefficients[k]!, `a${k}`)])[0]!])[0]!;
  }
  const out = ctx.node.outputs[0];
  if (!out) ctx.fail('has no output');
  ctx.emit('Cast', [sum], { to: outputDType(ctx) }, [out!]);
}

registerHandler('HannWindow', 17, cosineWindow([0.5, 0.5]));
registerHandler('HammingWindow', 17, cosineWindow([25 / 46, 21 / 46]));
registerHandler('BlackmanWindow', 17, cosineWindow([0.42, 0.5, 0.08]));
