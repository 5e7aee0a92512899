// GlobalAveragePool / GlobalMaxPool: reduce all spatial axes of an NC... tensor to size 1.
import { OpDef, expectDType, fail, input, registerOp } from '../op-registry.js';
import { makeTensor, sizeOf } from '../tensor.js';

function globalPoolDef(name: string, kind: 'average' | 'max'): OpDef {
  return {
    name,
    group: 'reduce',
    description: `${kind} over all spatial axes, keeping them as size 1`,
    infer(ctx) {
      const dtype = expectDType(ctx, 0, ['float32', 'float64']);
      const x = input(ctx, 0).shape;
      if (x.length < 3) fail(ctx.node, `input X has rank ${x.length} (shape [${x}]); expected N, C and at least one spatial axis`);
      return [{ dtype, shape: [x[0]!, x[1]!, ...x.slice(2).map(() => 1)] }];
    },
    evaluate(_node, [x]) {
      const [N, C] = x!.dims as [number, number];
      const plane = sizeOf(x!.dims.slice(2));
      const y = makeTensor(x!.dtype, [N, C, ...x!.dims.slice(2).map(() => 1)]);
      const X = x!.data as Float32Array;
      for (let p = 0; p < N * C; p++) {
        let acc = kind === 'max' ? -Infinity : 0;
        for (let i = 0; i < plane; i++) {
          const v = X[p * plane + i]!;
          if (kind === 'average') acc += v;
          else if (!Number.isNaN(acc) && (Number.isNaN(v) || v > acc)) acc = v; // NaN wins, like f32x4.max
        }
        (y.data as Float32Array)[p] = kind === 'max' ? acc : acc / plane;
      }
      return [y];
    },
    flops(ctx) {
      return sizeOf(input(ctx, 0).shape as number[]);
    },
  };
}

registerOp(globalPoolDef('GlobalAveragePool', 'average'));
registerOp(globalPoolDef('GlobalMaxPool', 'max'));
