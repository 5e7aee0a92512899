// DynamicQuantizeLinear(x) → (y, y_scale, y_zero_point): ONNX's run-time uint8 quantization of a
// float32 tensor, as its definition writes it in float32 steps:
//   lo = min(min(x), 0), hi = max(max(x), 0), scale = (hi - lo) / 255
//   zp = saturate(round_half_even(0 - lo / scale)) to uint8,  y = QuantizeLinear(x, scale, zp)
// One op (rather than the reductions, scalar steps and QuantizeLinear it stands for) so its kernel
// reads x twice — once for the range, once to quantize — in vectors. A range of 0 (x all zero)
// gives scale 0 and zero point 0, and y 0, as the steps do (0 / 0 is NaN, which saturates to 0).
import { expectDType, input, registerOp, OpDef } from '../op-registry.js';
import { makeTensor } from '../tensor.js';
import { roundHalfEven, saturateTo } from './quantize.js';

export const dynamicQuantizeLinear: OpDef = {
  name: 'DynamicQuantizeLinear',
  group: 'misc',
  description: 'run-time uint8 quantization: scale and zero point from the range of x (and 0)',
  infer(ctx) {
    expectDType(ctx, 0, ['float32']);
    return [{ dtype: 'uint8', shape: [...input(ctx, 0).shape] }, { dtype: 'float32', shape: [] }, { dtype: 'uint8', shape: [] }];
  },
  evaluate(_node, [x]) {
    const X = x!.data as Float32Array;
    let lo = 0, hi = 0;
    for (const v of X) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const scale = Math.fround(Math.fround(hi - lo) / 255);
    const zpT = makeTensor('uint8', [], [0]);
    // NaN (a range of 0, or NaN in x) saturates to 0 as the uint8 cast of the steps does.
    const z = Math.min(255, Math.max(0, roundHalfEven(Math.fround(0 - Math.fround(lo / scale)))));
    zpT.data[0] = Number.isNaN(z) ? 0 : z;
    const zp = zpT.data[0] as number;
    const y = makeTensor('uint8', [...x!.dims]);
    const Y = y.data as Uint8Array;
    for (let i = 0; i < X.length; i++) Y[i] = saturateTo(roundHalfEven(Math.fround(X[i]! / scale)) + zp, 0, 255);
    return [y, makeTensor('float32', [], [scale]), zpT];
  },
  flops(ctx) {
    return 4 * input(ctx, 0).shape.reduce<number>((p, d) => p * (typeof d === 'number' ? d : 1), 1);
  },
};

registerOp(dynamicQuantizeLinear);
