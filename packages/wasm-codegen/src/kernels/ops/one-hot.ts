// OneHot: fills the output with the off value, then for every index writes the on value at its
// position along the new axis. Both values and the indices are read at run time (the depth is the
// output's static dim). Indices of any numeric type are truncated to i64 first, so a huge index
// cannot wrap into range; out-of-range indices leave their row all off, as the spec says.
import { DTYPE_BYTES, oneHotAxis, sizeOf } from '@onnx2wasm/ir';
import { registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { convert, scalarType } from '../emit/scalar-types.js';
import { valueDims } from '../emit/value-shaped.js';
import { oneHotByValues } from '../emit/value-shaped-ops.js';

registerLowering({
  ops: ['OneHot'],
  // A depth read at run time (the only dim OneHot can compute) takes the run-time kernel.
  runTimeDims: true,
  computedDims: valueDims(),
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return oneHotByValues(context);
    const { fn, node } = ctx;
    const ind = ctx.inputs[0]!, vals = ctx.inputs[2]!, y = ctx.outputs[0]!;
    const it = scalarType(ind.dtype), vt = scalarType(vals.dtype), i64 = scalarType('int64')!;
    if (!it || !vt) unsupported(ctx, `dtypes ${ind.dtype} / ${vals.dtype}`);
    const axis = oneHotAxis(node, ind.dims.length);
    const depth = y.dims[axis]!;
    const inner = sizeOf(ind.dims.slice(axis)), total = sizeOf(y.dims);
    if (total === 0) return [];
    const elem = DTYPE_BYTES[vals.dtype];
    const k = fn.local('i32'), o = fn.local('i32'), r = fn.local('i32'), src = fn.local('i32');
    const off = fn.local(vt.wasm), on = fn.local(vt.wasm), v = fn.local('i64'), i = fn.local('i32');
    const depth64 = (x: number) => fn.constOf('i64', x);
    return [
      off.set(vt.load(ctx, vals.addr)),
      on.set(vt.load(ctx, vals.addr + elem)),
      fn.for(k, 0, total, 1, [vt.store(ctx, fn.mul(k.get(), elem), off.get(), y.addr)]),
      src.set(fn.i(ind.addr)),
      fn.for(o, 0, sizeOf(ind.dims.slice(0, axis)), 1, [
        fn.for(r, 0, inner, 1, [
          v.set(convert(fn, it, i64, it.load(ctx, src.get()))),
          src.set(fn.add(src.get(), it.bytes)),
          fn.if(fn.and(fn.num('i64', 'ge_s', v.get(), depth64(-depth)), fn.num('i64', 'lt_s', v.get(), depth64(depth))), [
            i.set(fn.i64ToI32(v.get())),
            fn.if(fn.ltS(i.get(), 0), [i.set(fn.add(i.get(), depth))]),
            vt.store(ctx, fn.mul(fn.add(fn.mul(fn.add(fn.mul(o.get(), depth), i.get()), inner), r.get()), elem), on.get(), y.addr),
          ]),
        ]),
      ]),
    ];
  },
});
