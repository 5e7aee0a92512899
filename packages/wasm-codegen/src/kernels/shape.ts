// Shape and ConstantOfShape have compile-time results (all shapes are static by code generation,
// and fold-constants normally removes them); the kernels just write those values.
import { sizeOf } from '@onnx2wasm/ir';
import { registerLowering, unsupported } from '../lowering.js';
import { scalarType } from './scalar-types.js';

registerLowering({
  ops: ['Shape'],
  lower(ctx) {
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    const rank = x.dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const start = clamp(typeof node.attrs.start === 'number' ? node.attrs.start : 0);
    const dims = x.dims.slice(start, start + y.dims[0]!);
    return dims.map((d, i) => fn.storeI64(y.addr + 8 * i, fn.constOf('i64', d)));
  },
});

registerLowering({
  ops: ['ConstantOfShape'],
  lower(ctx) {
    const { fn, node } = ctx;
    const y = ctx.outputs[0]!;
    const t = scalarType(y.dtype);
    if (!t) unsupported(ctx, `dtype ${y.dtype}`);
    const n = sizeOf(y.dims);
    if (n === 0) return [];
    const v = node.attrs.value as { data: ArrayLike<number | bigint> } | undefined;
    const value = v ? v.data[0]! : 0;
    if (value === 0 || value === 0n) return [fn.fill(y.addr, 0, n * t.bytes)];
    const j = fn.local('i32');
    const c = t.dtype === 'float16' ? undefined : value;
    if (c === undefined) {
      // float16 attribute data holds the raw half bits: store them as they are.
      return [fn.for(j, 0, n, 1, [fn.store16(fn.shl(j.get(), 1), fn.i(Number(value)), y.addr)])];
    }
    return [fn.for(j, 0, n, 1, [t.store(ctx, fn.mul(j.get(), t.bytes), fn.constOf(t.wasm, t.dtype === 'bool' ? Number(!!c) : c), y.addr)])];
  },
});
