// ScatterND: copies data to the output, then for every index tuple (in order) the k checked
// indices give an output offset where the update slab is copied (one memory.copy) or reduced
// element by element (add/mul/max/min). Any dtype; out-of-range indices trap. One kernel for
// static and run-time dims (a Loop's scan buffer sized by a run-time trip count): counts, slab
// size and strides are the operands' accessors, constants when the dims are static.
import { DTYPE_BYTES, scatterReduction } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, unsupported } from '../../lowering.js';
import { Expr } from '../../wasm-builder.js';
import { loadIndex, reduceLocals, reduceStore } from '../emit/index-util.js';
import { scalarType } from '../emit/scalar-types.js';

function lowerScatterNd(ctx: LowerContext): Expr[] {
  const { fn, node } = ctx;
  const x = ctx.inputs[0]!, ind = ctx.inputs[1]!, upd = ctx.inputs[2]!, y = ctx.outputs[0]!;
  const r = scatterReduction(node, x.dtype);
  const t = scalarType(x.dtype);
  if (!t) unsupported(ctx, `dtype ${x.dtype}`);
  const k = ind.shape[ind.shape.length - 1];
  if (typeof k !== 'number') unsupported(ctx, 'index tuples of run-time length');
  const elem = DTYPE_BYTES[x.dtype], ie = DTYPE_BYTES[ind.dtype];
  // Inference proves static shapes consistent; run-time ones are checked before anything is
  // written: updates must be indices' leading dims followed by the data's dims after the k indexed.
  const iRank = ind.shape.length, xRank = x.shape.length;
  const checks = x.static && ind.static && upd.static ? [] : [
    ...[...Array(iRank - 1).keys()].map((d) => fn.ne(ind.dim(d), upd.dim(d))),
    ...[...Array(xRank - k).keys()].map((d) => fn.ne(x.dim(k + d), upd.dim(iRank - 1 + d))),
  ].map((bad) => fn.if(bad, [fn.failCheck()]));
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
    ...checks,
    fn.copy(y.addr(), x.addr(), fn.mul(x.count(), elem)),
    slab.set(fn.i(x.count(k))),
    fn.for(q, 0, ind.count(0, -1), 1, body),
  ];
}

registerLowering({ ops: ['ScatterND'], runTimeDims: true, lower: lowerScatterNd });
