// NonZero with run-time values: int64 [rank, count] indices of the non-zero elements, in row-major
// order. The count is a value-dependent dim (bounded by the element count of x): a first pass
// counts, the count goes into the dims table (where later nodes and the runtime read it), and a
// second pass writes each hit's coordinates into row a at a * count + j. The output buffer is
// planned at the bound, so no count can write past it.
import { Dim, dimProduct } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { scalarType } from '../emit/scalar-types.js';

const countSymbol = (shape: Dim[]): string => {
  const d = shape[1];
  if (typeof d !== 'string') throw new Error(`NonZero's count is a static ${String(d)}; the node should have been folded`);
  return d;
};

function lowerNonZero(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}`);
  const h = ctx;
  const rank = x.shape.length;
  const i = fn.local('i32'), count = fn.local('i32'), j = fn.local('i32'), rem = fn.local('i32'), yAddr = fn.local('i32');
  const isHit = (): Expr => {
    const v = t.load(h, fn.add(x.addr(), fn.mul(i.get(), t.bytes)));
    return t.wasm === 'i32' ? fn.ne(v, 0) : fn.num(t.wasm, 'ne', v, fn.constOf(t.wasm, 0));
  };
  // Coordinates of flat index i, last axis first: row a gets i's index along axis a.
  const coords: Expr[] = [rem.set(i.get())];
  for (let a = rank - 1; a >= 0; a--) {
    const at = fn.add(yAddr.get(), fn.mul(fn.add(fn.mul(count.get(), a), j.get()), 8));
    const d = x.dim(a);
    coords.push(fn.storeI64(at, fn.i32ToI64(a === 0 ? rem.get() : fn.remU(rem.get(), d))));
    if (a > 0) coords.push(rem.set(fn.divU(rem.get(), x.dim(a))));
  }
  return [
    count.set(fn.i(0)),
    fn.for(i, 0, x.count(), 1, [fn.if(isHit(), [count.set(fn.add(count.get(), 1))])]),
    ctx.setDim(countSymbol(y.shape), count.get()),
    yAddr.set(fn.i(y.addr())),
    j.set(fn.i(0)),
    fn.for(i, 0, x.count(), 1, [fn.if(isHit(), [...coords, j.set(fn.add(j.get(), 1))])]),
  ];
}

registerLowering({
  ops: ['NonZero'],
  runTimeDims: true,
  alwaysRunTime: true,
  computedDims: (_node, [x], [y]) => [{ symbol: countSymbol(y!.shape), bound: dimProduct(x!.shape) }],
  lower(ctx) {
    // Static dims are reached only with no run-time dims at all, which NonZero's computed count rules out.
    return ctx.static ? unsupported(ctx, 'NonZero without its run-time count') : lowerNonZero(ctx);
  },
});
