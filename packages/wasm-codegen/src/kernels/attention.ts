// Attention, float32, one (batch, head) at a time:
//   Kᵀ of the kv head → scratch (once per kv head, shared by its group of query heads),
//   scores = scale · Q·Kᵀ with the shared GEMM into a [S, T] scratch matrix,
//   per row: softcap (vector tanh), mask / causal / padding, a safe softmax (all-masked rows → 0),
//   copying the row into the optional score output at the requested stage,
//   Y = P·V with the shared GEMM.
// Causal and padding masks both mask a suffix of each row, so they reduce to one count of valid
// keys per row; a mask shorter than T masks the keys it does not cover.
import { attentionDims, attrFloat, attrInt, maskStrides } from '@onnx2wasm/ir';
import { LowerContext, registerLowering } from '../lowering.js';
import { Expr, Local } from '../wasm-builder.js';
import { emitGemm } from './gemm-core.js';
import { vexp, vtanh } from './math.js';

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Statements for one score row at `row` (T floats): everything between the two GEMMs. */
function scoreRow(ctx: LowerContext, row: Local, T: number, copyStage: (stage: number) => Expr[], valid: (n: Local) => Expr[] | undefined, maskRow: (() => Expr) | undefined): Expr[] {
  const { fn, node } = ctx;
  const softcap = attrFloat(node, 'softcap', 0);
  const isBool = ctx.inputs[3]?.dtype === 'bool';
  const T4 = T - (T % 4);
  const j = fn.local('i32'), m = fn.local('f32'), s = fn.local('f32'), x = fn.local('f32');
  const mv = fn.local('v128'), sv = fn.local('v128'), e = fn.local('v128');
  const at = (k = j) => fn.add(row.get(), fn.shl(k.get(), 2));
  const out: Expr[] = [...copyStage(0)];
  if (softcap > 0) {
    const capped = (v: Expr) => fn.vmul(vtanh(ctx, fn, fn.vmul(v, fn.vconst(1 / softcap))), fn.vconst(softcap));
    out.push(
      fn.for(j, 0, T4, 4, [fn.vstore(at(), capped(fn.vload(at())))]),
      fn.for(j, T4, T, 1, [fn.storeF32(at(), fn.vextract(capped(fn.vsplat(fn.loadF32(at()))), 0))]),
    );
  }
  out.push(...copyStage(1));
  // Add the mask, blank keys at or past the valid count n, and find the row max. The loops have
  // static bounds (the mask covers the first Tm keys); n is applied with a select.
  const n = fn.local('i32');
  const bound = valid(n);
  const Tm = maskRow ? ctx.inputs[3]!.dims[ctx.inputs[3]!.dims.length - 1]! : T;
  const maskValue = () => (isBool
    ? fn.fselect(fn.load8U(fn.add(maskRow!(), j.get())), fn.f32(0), fn.f32(-Infinity))
    : fn.loadF32(fn.add(maskRow!(), fn.shl(j.get(), 2))));
  const score = (masked: boolean) => {
    const v = masked ? fn.fadd(fn.loadF32(at()), maskValue()) : fn.loadF32(at());
    return bound ? fn.fselect(fn.ltS(j.get(), n.get()), v, fn.f32(-Infinity)) : v;
  };
  const update = (masked: boolean) => (masked || bound
    ? [x.set(score(masked)), fn.storeF32(at(), x.get()), m.set(fn.fmax(m.get(), x.get()))]
    : [m.set(fn.fmax(m.get(), fn.loadF32(at())))]);
  out.push(...(bound ?? []), m.set(fn.f32(-Infinity)));
  out.push(fn.for(j, 0, Tm, 1, update(!!maskRow)));
  out.push(fn.for(j, Tm, T, 1, [fn.storeF32(at(), fn.f32(-Infinity))]));
  out.push(...copyStage(2));
  // Softmax; a row with every key masked has max -inf and becomes zeros.
  out.push(fn.if(fn.feq(m.get(), fn.f32(-Infinity)), [fn.fill(row.get(), 0, 4 * T)], [
    mv.set(fn.vsplat(m.get())),
    sv.set(fn.vzero()),
    fn.for(j, 0, T4, 4, [e.set(vexp(ctx, fn, fn.vsub(fn.vload(at()), mv.get()))), fn.vstore(at(), e.get()), sv.set(fn.vadd(sv.get(), e.get()))]),
    s.set(fn.vsum(sv)),
    fn.for(j, T4, T, 1, [
      x.set(fn.vextract(vexp(ctx, fn, fn.vsplat(fn.fsub(fn.loadF32(at()), m.get()))), 0)),
      fn.storeF32(at(), x.get()),
      s.set(fn.fadd(s.get(), x.get())),
    ]),
    s.set(fn.fdiv(fn.f32(1), s.get())),
    mv.set(fn.vsplat(s.get())),
    fn.for(j, 0, T4, 4, [fn.vstore(at(), fn.vmul(fn.vload(at()), mv.get()))]),
    fn.for(j, T4, T, 1, [fn.storeF32(at(), fn.fmul(fn.loadF32(at()), s.get()))]),
  ]));
  out.push(...copyStage(3));
  return out;
}

registerLowering({
  ops: ['Attention'],
  scratchBytes(_node, [q, k]) {
    const S = q!.dims[2]!, T = k!.dims[2]!, D = k!.dims[3]!;
    return align16(4 * D * T) + 4 * S * T + 16;
  },
  lower(ctx) {
    const { fn, node } = ctx;
    const [q, k, v, mask, nonpad] = ctx.inputs;
    const [y, qkOut] = ctx.outputs;
    const { B, Hq, Hkv, S, T, D, Dv } = attentionDims(q!.dims, k!.dims, v!.dims);
    if (B * Hq * S * Dv === 0) return [];
    const G = Hq / Hkv;
    const causal = attrInt(node, 'is_causal', 0) !== 0;
    const fromNonpad = attrInt(node, 'causal_from_nonpad', 0) !== 0;
    const mode = attrInt(node, 'qk_matmul_output_mode', 0);
    const kt = ctx.scratch, scores = ctx.scratch + align16(4 * D * T);
    const b = fn.local('i32'), kh = fn.local('i32'), g = fn.local('i32'), h = fn.local('i32'), i = fn.local('i32');
    const t = fn.local('i32'), c = fn.local('i32'), kPtr = fn.local('i32'), vPtr = fn.local('i32');
    const limit = fn.local('i32'), off = fn.local('i32'), row = fn.local('i32');
    const bh = () => fn.add(fn.mul(b.get(), Hq), h.get());

    const [mb, mh, mi] = mask ? maskStrides(mask.dims) : [0, 0, 0];
    const eb = mask?.dtype === 'bool' ? 1 : 4;
    const maskRow = mask ? () => fn.add(mask.addr, fn.mul(fn.add(fn.add(fn.mul(b.get(), mb), fn.mul(h.get(), mh)), fn.mul(i.get(), mi)), eb)) : undefined;
    // Keys valid in row i (into n): a prefix, bounded by the causal frontier and nonpad.
    const valid = (n: Local): Expr[] | undefined => {
      if (!causal && !nonpad) return undefined;
      const atMost = (x: () => Expr) => n.set(fn.selectI(fn.ltS(x(), n.get()), x(), n.get()));
      const stmts = [n.set(fn.i(T))];
      if (causal) stmts.push(atMost(() => fn.add(fn.add(i.get(), off.get()), 1)));
      if (nonpad) stmts.push(atMost(() => limit.get()));
      return stmts;
    };
    const copyStage = (stage: number): Expr[] => (qkOut && stage === mode
      ? [fn.copy(fn.add(qkOut.addr, fn.shl(fn.add(fn.mul(bh(), S * T), fn.mul(i.get(), T)), 2)), row.get(), 4 * T)]
      : []);

    const perHead: Expr[] = [
      h.set(fn.add(fn.mul(kh.get(), G), g.get())),
      ...emitGemm(fn, {
        M: S, N: T, K: D,
        a: () => fn.add(q!.addr, fn.mul(bh(), 4 * S * D)), aRowStride: D, aKStride: 1,
        b: () => fn.i(kt), bKStride: T,
        c: () => fn.i(scores), cRowStride: T,
        alpha: attrFloat(node, 'scale', 1 / Math.sqrt(D)),
      }),
      fn.for(i, 0, S, 1, [row.set(fn.add(scores, fn.mul(i.get(), 4 * T))), ...scoreRow(ctx, row, T, copyStage, valid, maskRow)]),
      ...emitGemm(fn, {
        M: S, N: Dv, K: T,
        a: () => fn.i(scores), aRowStride: T, aKStride: 1,
        b: () => vPtr.get(), bKStride: Dv,
        c: () => fn.add(y!.addr, fn.mul(bh(), 4 * S * Dv)), cRowStride: Dv,
      }),
    ];
    const perKvHead: Expr[] = [
      kPtr.set(fn.add(k!.addr, fn.mul(fn.add(fn.mul(b.get(), Hkv), kh.get()), 4 * T * D))),
      vPtr.set(fn.add(v!.addr, fn.mul(fn.add(fn.mul(b.get(), Hkv), kh.get()), 4 * T * Dv))),
      fn.for(t, 0, T, 1, [fn.for(c, 0, D, 1, [
        fn.storeF32(fn.add(fn.mul(c.get(), 4 * T), fn.shl(t.get(), 2)), fn.loadF32(fn.add(kPtr.get(), fn.shl(fn.add(fn.mul(t.get(), D), c.get()), 2))), kt),
      ])]),
      fn.for(g, 0, G, 1, perHead),
    ];
    const perBatch: Expr[] = [];
    if (nonpad) perBatch.push(limit.set(fn.i64ToI32(fn.loadI64(fn.shl(b.get(), 3), nonpad.addr))));
    perBatch.push(off.set(fromNonpad ? fn.sub(limit.get(), S) : fn.i(attrInt(node, 'causal_offset', 0))));
    perBatch.push(fn.for(kh, 0, Hkv, 1, perKvHead));
    return [fn.for(b, 0, B, 1, perBatch)];
  },
});
