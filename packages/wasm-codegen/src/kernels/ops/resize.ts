// Resize, float32, from compile-time sampling tables: each resized axis gets a table of input byte
// offsets and one of weights (`count` taps per output position, see resize-taps.ts in the IR);
// axes the plan leaves unchanged are plain strided copies. The kernel walks the output in order
// and, per element, sums weight products over the taps of the resized axes. tf_crop_and_resize
// adds a per-position "inside" table: outside the input the element is extrapolation_value.
import { Node, isIdentityTaps, makeTensor, resizeAttrs, resizePlan, stridesOf } from '@onnx2wasm/ir';
import { StaticContext, StaticOperand, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { valueDims } from '../emit/value-shaped.js';
import { resizeNearestByValues } from '../emit/resize-values.js';
import { resizeInterpolateByValues } from '../emit/resize-interpolate.js';

/** Scales, sizes or roi are the node's inputs (read at run time), not attributes. */
const byValues = (node: Node): boolean => !!(node.inputs[1] || node.inputs[2] || node.inputs[3]);

/** `weights` is undefined when every tap weighs 1 (nearest): the kernel then skips the multiply. */
interface AxisTables { count: number; offsets: number; weights?: number; inside?: number }

function tables(ctx: StaticContext, x: StaticOperand): (AxisTables | undefined)[] {
  const plan = resizePlan(ctx.node, x.dims);
  const strides = stridesOf(x.dims);
  const crop = resizeAttrs(ctx.node).coordinateMode === 'tf_crop_and_resize';
  return plan.map((t, a) => {
    if (!crop && isIdentityTaps(t, x.dims[a]!)) return undefined;
    const key = `resize:${ctx.node.name}:${a}`;
    return {
      count: t.count,
      offsets: ctx.addWeight(makeTensor('int32', [t.index.length], Array.from(t.index, (i) => 4 * i * strides[a]!)), `${key}:offsets`),
      weights: t.weight.every((w) => w === 1) ? undefined : ctx.addWeight(makeTensor('float32', [t.weight.length], t.weight), `${key}:weights`),
      inside: crop ? ctx.addWeight(makeTensor('float32', [t.inside.length], t.inside), `${key}:inside`) : undefined,
    };
  });
}

registerLowering({
  ops: ['Resize'],
  // Scales, sizes or roi read at run time: the kernels of resize-values.ts (nearest) and
  // resize-interpolate.ts (the other modes, and any crop); run-time input dims with constant
  // scales keep running per sample.
  computedDims: valueDims(),
  runTimeDims: byValues,
  lower(context) {
    const { node } = context;
    if (byValues(node)) {
      const a = resizeAttrs(node);
      const copy = a.mode === 'nearest' && a.coordinateMode !== 'tf_crop_and_resize';
      return copy ? resizeNearestByValues(context) : resizeInterpolateByValues(context);
    }
    const ctx = staticViewIfAny(context);
    if (!ctx) unsupported(context, 'Resize with run-time input dims and constant scales outside a per-sample batch');
    const { fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    if (y.dims.some((d) => d === 0)) return [];
    const rank = x.dims.length;
    const axes = tables(ctx, x);
    const inStrides = stridesOf(x.dims).map((s) => 4 * s);
    const extrapolation = resizeAttrs(node).extrapolationValue;
    const o = y.dims.map(() => fn.local('i32'));
    const base = y.dims.map(() => fn.local('i32'));
    const out = fn.local('i32'), acc = fn.local('f32'), inside = fn.local('f32');
    const resized = axes.map((t, a) => (t ? a : -1)).filter((a) => a >= 0);

    // Sum over the taps of resized axes r.. of weight · x at byte offset `off`.
    const taps = (r: number, off: () => Expr, w: (() => Expr) | undefined): Expr[] => {
      if (r === resized.length) {
        const v = fn.loadF32(fn.add(off(), x.addr));
        return [acc.set(fn.fadd(acc.get(), w ? fn.fmul(w(), v) : v))];
      }
      const a = resized[r]!, t = axes[a]!;
      const k = fn.local('i32'), offK = fn.local('i32'), wK = fn.local('f32');
      // Byte offset of tap k of output position o[a] in the tables.
      const at = () => fn.shl(fn.add(fn.mul(o[a]!.get(), t.count), t.count === 1 ? 0 : k.get()), 2);
      const body = [offK.set(fn.add(off(), fn.loadI32(at(), t.offsets)))];
      let weight = w;
      if (t.weights !== undefined) {
        body.push(wK.set(w ? fn.fmul(w(), fn.loadF32(at(), t.weights)) : fn.loadF32(at(), t.weights)));
        weight = () => wK.get();
      }
      body.push(...taps(r + 1, () => offK.get(), weight));
      return t.count === 1 ? body : [fn.for(k, 0, t.count, 1, body)];
    };

    const element = (b: Local | undefined): Expr[] => {
      const stmts: Expr[] = [acc.set(fn.f32(0)), ...taps(0, () => (b ? b.get() : fn.i(0)), undefined)];
      let value = acc.get();
      const crop = resized.filter((a) => axes[a]!.inside !== undefined);
      if (crop.length) {
        stmts.push(inside.set(fn.f32(1)));
        for (const a of crop) stmts.push(inside.set(fn.fmul(inside.get(), fn.loadF32(fn.shl(o[a]!.get(), 2), axes[a]!.inside!))));
        value = fn.fselect(fn.fne(inside.get(), fn.f32(0)), acc.get(), fn.f32(extrapolation));
      }
      stmts.push(fn.storeF32(out.get(), value), out.set(fn.add(out.get(), 4)));
      return stmts;
    };

    // Output loops; `base` accumulates the input offset of the axes that are copied unchanged.
    const level = (a: number, parent: Local | undefined): Expr[] => {
      if (a === rank) return element(parent);
      const own = axes[a] ? parent : base[a]!;
      const setBase = axes[a] ? [] : [base[a]!.set(fn.add(parent ? parent.get() : fn.i(0), fn.mul(o[a]!.get(), inStrides[a]!)))];
      return [fn.for(o[a]!, 0, y.dims[a]!, 1, [...setBase, ...level(a + 1, own)])];
    };
    return [out.set(fn.i(y.addr)), ...level(0, undefined)];
  },
});
