// RotaryEmbedding, float32: loops over (batch, position, head) with one cos/sin row per
// (batch, position) (a cos/sin batch of 1 is shared by every batch row). The split form rotates
// (x[k], x[k + R]) four pairs at a time; the interleaved form rotates (x[2k], x[2k + 1]) one pair at
// a time. The unrotated tail of each head vector is copied. Planned on dim expressions, so batch
// and sequence may be run-time (head count and head size stay static).
import { Dim, Node, dimDiv, dimMul, rotaryEmbeddingAttrs, rotaryHeads } from '@onnx2wasm/ir';
import { LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { staticDim } from '../emit/dynamic-util.js';

interface Layout { B: Dim; S: Dim; H: number; D: number; R: number; strides: { b: Dim; h: Dim; s: Dim } }

function layoutOf(node: Node, dims: Dim[], fail: (what: string) => never): Layout {
  let B: Dim, S: Dim, H: Dim, D: Dim | undefined, strides: Layout['strides'];
  if (dims.length === 4) {
    [B, H, S, D] = dims as [Dim, Dim, Dim, Dim];
    strides = { b: dimMul(dimMul(H, S), D), h: dimMul(S, D), s: D };
  } else {
    H = rotaryHeads(node);
    [B, S] = dims as [Dim, Dim];
    D = dimDiv(dims[2]!, H);
    strides = { b: dimMul(S, dims[2]!), s: dims[2]!, h: D ?? 0 };
  }
  if (typeof H !== 'number' || typeof D !== 'number') fail(`heads and head size must be static, got [${dims}]`);
  // rotary_embedding_dim 0 means the whole head.
  const given = rotaryEmbeddingAttrs(node).rotaryEmbeddingDim;
  const rd = given === 0 ? D : given;
  return { B, S, H, D, R: rd / 2, strides };
}

interface Addrs { x: () => I32; cos: () => I32; sin: () => I32; y: () => I32 }

function rotary(fn: FnBuilder, node: Node, L: Layout, sharedRows: boolean, a: Addrs, dim: (d: Dim) => I32): Expr[] {
  const { H, D, R } = L;
  const { interleaved } = rotaryEmbeddingAttrs(node);
  const b = fn.local('i32'), s = fn.local('i32'), h = fn.local('i32'), k = fn.local('i32');
  const px = fn.local('i32'), py = fn.local('i32'), pc = fn.local('i32'), ps = fn.local('i32');
  const x1 = fn.local('f32'), x2 = fn.local('f32'), c = fn.local('f32'), sn = fn.local('f32');
  const v1 = fn.local('v128'), v2 = fn.local('v128'), vc = fn.local('v128'), vs = fn.local('v128');
  const R4 = interleaved ? 0 : R - (R % 4);
  // Element offsets of a pair inside the head vector.
  const first = (): I32 => (interleaved ? fn.shl(k.get(), 1) : k.get());
  const second = (): I32 => (interleaved ? fn.add(fn.shl(k.get(), 1), 1) : fn.add(k.get(), R));
  const at = (p: typeof px, e: I32) => fn.add(p.get(), fn.shl(e, 2));
  const row = (p: typeof pc) => fn.add(p.get(), fn.shl(k.get(), 2));
  const perHead: Expr[] = [
    px.set(fn.add(a.x(), fn.mul(fn.add(fn.add(fn.mul(b.get(), dim(L.strides.b)), fn.mul(s.get(), dim(L.strides.s))), fn.mul(h.get(), dim(L.strides.h))), 4))),
    py.set(fn.add(fn.sub(px.get(), a.x()), a.y())),
    fn.for(k, 0, R4, 4, [
      v1.set(fn.vload(at(px, k.get()))), v2.set(fn.vload(at(px, fn.add(k.get(), R)))),
      vc.set(fn.vload(row(pc))), vs.set(fn.vload(row(ps))),
      fn.vstore(at(py, k.get()), fn.vsub(fn.vmul(vc.get(), v1.get()), fn.vmul(vs.get(), v2.get()))),
      fn.vstore(at(py, fn.add(k.get(), R)), fn.vadd(fn.vmul(vs.get(), v1.get()), fn.vmul(vc.get(), v2.get()))),
    ]),
    fn.for(k, R4, R, 1, [
      x1.set(fn.loadF32(at(px, first()))), x2.set(fn.loadF32(at(px, second()))),
      c.set(fn.loadF32(row(pc))), sn.set(fn.loadF32(row(ps))),
      fn.storeF32(at(py, first()), fn.fsub(fn.fmul(c.get(), x1.get()), fn.fmul(sn.get(), x2.get()))),
      fn.storeF32(at(py, second()), fn.fadd(fn.fmul(sn.get(), x1.get()), fn.fmul(c.get(), x2.get()))),
    ]),
  ];
  if (2 * R < D) perHead.push(fn.copy(fn.add(py.get(), 8 * R), fn.add(px.get(), 8 * R), 4 * (D - 2 * R)));
  const rowIndex = (): Expr => (sharedRows ? s.get() : fn.add(fn.mul(b.get(), dim(L.S)), s.get()));
  return [fn.for(b, 0, dim(L.B), 1, [fn.for(s, 0, dim(L.S), 1, [
    pc.set(fn.add(a.cos(), fn.mul(rowIndex(), 4 * R))),
    ps.set(fn.add(a.sin(), fn.mul(rowIndex(), 4 * R))),
    fn.for(h, 0, H, 1, perHead),
  ])])];
}

registerLowering({
  ops: ['RotaryEmbedding'],
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerRotaryEmbeddingRunTime(context);
    const x = ctx.inputs[0]!, cos = ctx.inputs[1]!, sin = ctx.inputs[2]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const L = layoutOf(ctx.node, x.dims, (w) => unsupported(ctx, w));
    const shared = cos.dims[0] === 1 && L.B !== 1;
    return rotary(ctx.fn, ctx.node, L, shared, { x: () => x.addr, cos: () => cos.addr, sin: () => sin.addr, y: () => y.addr }, staticDim);
  },
  runTimeDims(node, [x, cos]) {
    if (!x || !cos) return false;
    try {
      const L = layoutOf(node, x.shape, () => { throw new Error('run-time heads'); });
      return cos.shape[0] === 1 || cos.shape[0] === L.B;
    } catch { return false; } // per sample, as before run-time kernels
  },
});

function lowerRotaryEmbeddingRunTime(ctx: LowerContext): Expr[] {
  const x = ctx.inputs[0]!, cos = ctx.inputs[1]!, sin = ctx.inputs[2]!, y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  const L = layoutOf(ctx.node, x.shape, (w) => unsupported(ctx, w));
  if (cos.shape[0] !== 1 && cos.shape[0] !== L.B) unsupported(ctx, `cos batch ${cos.shape[0]} against input batch ${L.B}`);
  const shared = cos.shape[0] === 1 && L.B !== 1;
  return rotary(ctx.fn, ctx.node, L, shared, { x: () => x.addr(), cos: () => cos.addr(), sin: () => sin.addr(), y: () => y.addr() }, ctx.dim);
}
