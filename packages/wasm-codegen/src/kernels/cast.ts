// Cast: one conversion per element over the flat tensor, with the ONNX semantics of
// scalar-types.ts `convert` (floats truncate toward zero, saturating; bool is x != 0). float32 ↔
// int32 runs four lanes at a time. Same-type casts copy bytes. `saturate` picks the float8 overflow rule.
import { castRounding, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../lowering.js';
import { convert, scalarType } from './scalar-types.js';

registerLowering({
  ops: ['Cast'],
  lower(ctx) {
    const { fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const saturate = ((ctx.node.attrs.saturate as number | undefined) ?? 1) !== 0;
    const from = scalarType(x.dtype), to = scalarType(y.dtype, saturate, castRounding(ctx.node));
    if (!from || !to) unsupported(ctx, `a cast from ${x.dtype} to ${y.dtype}`);
    const n = sizeOf(x.dims);
    if (n === 0) return [];
    if (from.dtype === to.dtype) return [fn.copy(y.addr, x.addr, n * from.bytes)];
    const j = fn.local('i32');
    const xAddr = x.addr;
    const scalar = (start: number) => fn.for(j, start, n, 1, [
      to.store(ctx, fn.mul(j.get(), to.bytes), convert(fn, from, to, from.load(ctx, fn.mul(j.get(), from.bytes), xAddr)), y.addr),
    ]);
    const pair = `${from.dtype}>${to.dtype}`;
    if (pair === 'float32>int32' || pair === 'int32>float32') {
      const n4 = n - (n % 4);
      const v = fn.vload(fn.shl(j.get(), 2), xAddr);
      return [
        fn.for(j, 0, n4, 4, [fn.vstore(fn.shl(j.get(), 2), pair === 'float32>int32' ? fn.vtoI32(v) : fn.vfromI32(v), y.addr)]),
        scalar(n4),
      ];
    }
    return [scalar(0)];
  },
});
