// ScatterND: copies data to the output, then for every index tuple (in order) the k checked
// indices give an output offset where the update slab is copied (one memory.copy) or reduced
// element by element (add/mul/max/min). Any dtype; out-of-range indices trap. With run-time dims
// (a Loop's scan buffer sized by a run-time trip count) the same walk reads the dims at run time.
import { DTYPE_BYTES, ndPlan, scatterReduction } from '@onnx2wasm/ir';
import { LowerContext, byteSize, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { loadIndex, reduceLocals, reduceStore } from '../emit/index-util.js';
import { scalarType } from '../emit/scalar-types.js';
import { stridedLoops } from '../emit/strided-loops.js';

/** The kernel with run-time dims: index tuples, slab size and strides read from the dims table. */
function lowerRunTime(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, upd = ctx.inputs[2]!, y = ctx.outputs[0]!;
  const r = scatterReduction(node, x.dtype);
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}`);
  const k = ind.shape[ind.shape.length - 1];
  if (typeof k !== 'number') unsupported(ctx, 'index tuples of run-time length');
  const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
  const slab = fn.local('i32'), q = fn.local('i32'), i = fn.local('i32'), off = fn.local('i32'), e = fn.local('i32');
  const l = r === 'none' ? undefined : reduceLocals(fn, t);
  const body: Expr[] = [off.set(fn.i(y.addr()))];
  for (let j = 0; j < k; j++) {
    body.push(...loadIndex(fn, ind.dtype, () => fn.add(fn.i(ind.addr()), fn.mul(fn.add(fn.mul(q.get(), k), j), ie)), () => x.dim(j), i));
    body.push(off.set(fn.add(off.get(), fn.mul(i.get(), fn.mul(x.count(j + 1), elem)))));
  }
  const u = () => fn.add(fn.i(upd.addr()), fn.mul(fn.mul(q.get(), slab.get()), elem));
  if (r === 'none') body.push(fn.copy(off.get(), u(), fn.mul(slab.get(), elem)));
  else {
    const at = () => fn.add(off.get(), fn.mul(e.get(), elem));
    body.push(fn.for(e, 0, slab.get(), 1, [...reduceStore(ctx, t, r, at, t.load(ctx, fn.add(u(), fn.mul(e.get(), elem))), l!)]));
  }
  return [
    fn.copy(y.addr(), x.addr(), fn.mul(x.count(), elem)),
    slab.set(fn.i(x.count(k))),
    fn.for(q, 0, ind.count(0, -1), 1, body),
  ];
}

registerLowering({
  ops: ['ScatterND'],
  runTimeDims: true,
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerRunTime(context);
    const { fn, node } = ctx;
    const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, upd = ctx.inputs[2]!, y = ctx.outputs[0]!;
    const r = scatterReduction(node, x.dtype);
    const t = scalarType(x.dtype);
    if (!t) unsupported(ctx, `dtype ${x.dtype}`);
    const p = ndPlan(x.dims, ind.dims, 0);
    const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
    const slab = p.slab * elem;
    const init = byteSize(x) ? [fn.copy(y.addr, x.addr, byteSize(x))] : [];
    if (slab === 0 || p.tuples === 0) return init;
    const i = fn.local('i32'), off = fn.local('i32'), e = fn.local('i32');
    const l = r === 'none' ? undefined : reduceLocals(fn, t);
    return [...init, ...stridedLoops(fn, [upd.addr, ind.addr], [{ count: p.tuples, strides: [slab, p.k * ie] }], ([u, q]) => {
      const body: Expr[] = [off.set(fn.i(y.addr))];
      for (let j = 0; j < p.k; j++) {
        body.push(...loadIndex(fn, ind.dtype, () => fn.add(q!(), j * ie), p.dims[j]!, i), off.set(fn.add(off.get(), fn.mul(i.get(), p.strides[j]! * elem))));
      }
      if (r === 'none') return [...body, fn.copy(off.get(), u!(), slab)];
      const at = () => fn.add(off.get(), fn.mul(e.get(), elem));
      return [...body, fn.for(e, 0, p.slab, 1, [...reduceStore(ctx, t, r, at, t.load(ctx, fn.add(u!(), fn.mul(e.get(), elem))), l!)])];
    })];
  },
});
