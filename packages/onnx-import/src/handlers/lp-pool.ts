// LpPool (opsets 1, 2, 11, 18) = (Σ |x|^p)^(1/p) over each window. The window sum is an
// AveragePool that counts padding (padding adds |0|^p = 0) times the window size, so LpPool
// expands to Abs → x^p → AveragePool → × size → ^(1/p), with squares and Sqrt for p = 2.
// ceil_mode windows that hang past the padding would divide by fewer taps: rejected.
import { makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { resolveWindow, unsupportedAttr } from './window-attrs.js';

function lpPool(ctx: HandlerContext): void {
  const { node } = ctx;
  const x = node.inputs[0]!;
  const shape = ctx.typeOf(x).shape;
  if (shape.length < 3) ctx.fail(`input X has rank ${shape.length}; expected N, C and at least one spatial axis`);
  const kernel = node.attrs.kernel_shape;
  if (!Array.isArray(kernel)) return ctx.fail("attribute 'kernel_shape' is required");
  if (node.attrs.ceil_mode) unsupportedAttr(ctx, 'ceil_mode 1');
  const p = Number(node.attrs.p ?? 2);
  if (!(p > 0)) ctx.fail(`p ${p} must be positive`);
  const scalar = (v: number, hint: string) => ctx.addConstant(makeTensor('float32', [], [v]), hint);
  const [abs] = ctx.emit('Abs', [x]);
  const powered = p === 1 ? abs! : p === 2 ? ctx.emit('Mul', [abs!, abs!])[0]! : ctx.emit('Pow', [abs!, scalar(p, 'p')])[0]!;
  const window = resolveWindow(ctx, shape.slice(2), kernel as number[]);
  const [mean] = ctx.emit('AveragePool', [powered], { ...window, ceil_mode: 0, count_include_pad: 1 });
  const size = (kernel as number[]).reduce((a, b) => a * b, 1);
  const sum = ctx.emit('Mul', [mean!, scalar(size, 'size')], {}, p === 1 ? node.outputs : 1)[0]!;
  if (p === 2) ctx.emit('Sqrt', [sum], {}, node.outputs);
  else if (p !== 1) ctx.emit('Pow', [sum, scalar(1 / p, 'inverse_p')], {}, node.outputs);
}

registerHandler('LpPool', 1, lpPool);
