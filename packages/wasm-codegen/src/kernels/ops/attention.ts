// Attention, float32, one (batch, head) at a time:
//   Kᵀ of the kv head → scratch as packed B panels (gemm-pack.ts; once per kv head, shared
//   by its group of query heads), and with static sizes V packed the same way,
//   scores = scale · Q·Kᵀ with the shared GEMM into a [S, T] scratch matrix,
//   per row: softcap (vector tanh), mask / causal / padding, a safe softmax (all-masked rows → 0),
//   copying the row into the optional score output at the requested stage,
//   Y = P·V with the shared GEMM.
// Causal and padding masks both mask a suffix of each row, so they reduce to one count of valid
// keys per row; a mask shorter than T masks the keys it does not cover.
// The same code serves static shapes (sizes are numbers, addresses offset immediates) and run-time
// dims (B, S, T and the mask's dims read from the dims table, operands and scratch placed per run).
import { Dim, Node, attentionAttrs, dimAdd, dimMul, dimProduct } from '@onnx2wasm/ir';
import { HelperHost, LowerContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32, Local } from '../../wasm-builder.js';
import { Address, PANEL, aPackBytes, dynAddress, emitGemm, memAt, packsRowsOfA } from '../emit/gemm-core.js';
import { emitPackPanels, packedBytes } from '../emit/gemm-pack.js';
import { vexp, vexpInto, vtanh } from '../emit/math.js';

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Everything the kernel reads: sizes as thunks (numbers when static), addresses as Address. */
interface AttentionView {
  node: Node;
  fn: FnBuilder;
  helpers: HelperHost;
  B: () => I32; Hq: number; Hkv: number; S: () => I32; T: () => I32; D: number; Dv: () => I32;
  q: Address; k: Address; v: Address; y: Address; qkOut?: Address;
  mask?: { addr: Address; bool: boolean; strides: (() => I32)[]; keys: () => I32 };
  nonpad?: Address;
  /** Kᵀ [D, T] as packed panels, and the [S, T] scores. */
  kt: Address; scores: Address;
  /** Static sizes only: V [T, Dv] as packed panels, and the GEMMs' aPack scratch (when they pack rows of A). */
  vPanels?: number; aPack?: { qk?: number; pv?: number };
}

/** Statements for one score row at `row` (T floats): everything between the two GEMMs. */
function scoreRow(w: AttentionView, row: Local, copyStage: (stage: number) => Expr[], valid: (n: Local) => Expr[] | undefined, maskRow: (() => Expr) | undefined): Expr[] {
  const { fn, node, T } = w;
  const { softcap } = attentionAttrs(node);
  const T4 = () => { const t = T(); return typeof t === 'number' ? t - (t % 4) : fn.and(t, -4); };
  const j = fn.local('i32'), m = fn.local('f32'), s = fn.local('f32'), x = fn.local('f32');
  const mv = fn.local('v128'), sv = fn.local('v128'), e = fn.local('v128');
  const at = (k = j) => fn.add(row.get(), fn.shl(k.get(), 2));
  const out: Expr[] = [...copyStage(0)];
  if (softcap > 0) {
    const capped = (v: Expr) => fn.vmul(vtanh(w.helpers, fn, fn.vmul(v, fn.vconst(1 / softcap))), fn.vconst(softcap));
    out.push(
      fn.for(j, 0, T4(), 4, [fn.vstore(at(), capped(fn.vload(at())))]),
      fn.for(j, T4(), T(), 1, [fn.storeF32(at(), fn.vextract(capped(fn.vsplat(fn.loadF32(at()))), 0))]),
    );
  }
  out.push(...copyStage(1));
  // Add the mask, blank keys at or past the valid count n, and find the row max. The loops run
  // over the keys the mask covers (Tm) and the rest; n is applied with a select.
  const n = fn.local('i32');
  const bound = valid(n);
  const Tm = maskRow ? w.mask!.keys : T;
  const maskValue = () => (w.mask!.bool
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
  if (!maskRow && !bound) {
    // Nothing to add or blank: the row max four lanes at a time.
    out.push(
      mv.set(fn.vconst(-Infinity)),
      fn.for(j, 0, T4(), 4, [mv.set(fn.vmax(mv.get(), fn.vload(at())))]),
      m.set(fn.fmax(fn.fmax(fn.vextract(mv.get(), 0), fn.vextract(mv.get(), 1)), fn.fmax(fn.vextract(mv.get(), 2), fn.vextract(mv.get(), 3)))),
      fn.for(j, T4(), T(), 1, update(false)),
    );
  } else out.push(fn.for(j, 0, Tm(), 1, update(!!maskRow)));
  if (maskRow) out.push(fn.for(j, Tm(), T(), 1, [fn.storeF32(at(), fn.f32(-Infinity))]));
  out.push(...copyStage(2));
  // Softmax; a row with every key masked has max -inf and becomes zeros.
  out.push(fn.if(fn.feq(m.get(), fn.f32(-Infinity)), [fn.fill(row.get(), 0, mulI(fn, 4, T()))], [
    mv.set(fn.vsplat(m.get())),
    sv.set(fn.vzero()),
    fn.for(j, 0, T4(), 4, [...vexpInto(fn, fn.vsub(fn.vload(at()), mv.get()), e, { nonPositive: true }), fn.vstore(at(), e.get()), sv.set(fn.vadd(sv.get(), e.get()))]),
    s.set(fn.vsum(sv)),
    fn.for(j, T4(), T(), 1, [
      x.set(fn.vextract(vexp(w.helpers, fn, fn.vsplat(fn.fsub(fn.loadF32(at()), m.get()))), 0)),
      fn.storeF32(at(), x.get()),
      s.set(fn.fadd(s.get(), x.get())),
    ]),
    s.set(fn.fdiv(fn.f32(1), s.get())),
    mv.set(fn.vsplat(s.get())),
    fn.for(j, 0, T4(), 4, [fn.vstore(at(), fn.vmul(fn.vload(at()), mv.get()))]),
    fn.for(j, T4(), T(), 1, [fn.storeF32(at(), fn.fmul(fn.loadF32(at()), s.get()))]),
  ]));
  out.push(...copyStage(3));
  return out;
}

/** a * b, folded in JS when both are static (static code stays as it was). */
function mulI(fn: FnBuilder, ...xs: I32[]): I32 {
  return xs.reduce<I32>((p, x) => (typeof p === 'number' && typeof x === 'number' ? p * x : fn.mul(p, x)), 1);
}

const base = (fn: FnBuilder, a: Address): I32 => (typeof a === 'number' ? a : a());

function emitAttention(w: AttentionView): Expr[] {
  const { fn, node, Hq, Hkv, D, S, T, Dv } = w;
  const G = Hq / Hkv;
  const attrs = attentionAttrs(node);
  const { isCausal: causal, causalFromNonpad: fromNonpad, qkMatmulOutputMode: mode } = attrs;
  const b = fn.local('i32'), kh = fn.local('i32'), g = fn.local('i32'), h = fn.local('i32'), i = fn.local('i32');
  const t = fn.local('i32'), c = fn.local('i32'), kPtr = fn.local('i32'), vPtr = fn.local('i32');
  const limit = fn.local('i32'), off = fn.local('i32'), row = fn.local('i32');
  const bh = () => fn.add(fn.mul(b.get(), Hq), h.get());

  const mask = w.mask;
  const eb = mask?.bool ? 1 : 4;
  const maskRow = mask ? () => fn.add(base(fn, mask.addr), fn.mul(fn.add(fn.add(fn.mul(b.get(), mask.strides[0]!()), fn.mul(h.get(), mask.strides[1]!())), fn.mul(i.get(), mask.strides[2]!())), eb)) : undefined;
  // Keys valid in row i (into n): a prefix, bounded by the causal frontier and nonpad.
  const valid = (n: Local): Expr[] | undefined => {
    if (!causal && !w.nonpad) return undefined;
    const atMost = (x: () => Expr) => n.set(fn.selectI(fn.ltS(x(), n.get()), x(), n.get()));
    const stmts = [n.set(fn.i(T()))];
    if (causal) stmts.push(atMost(() => fn.add(fn.add(i.get(), off.get()), 1)));
    if (w.nonpad) stmts.push(atMost(() => limit.get()));
    return stmts;
  };
  const qkOut = w.qkOut;
  const copyStage = (stage: number): Expr[] => (qkOut !== undefined && stage === mode
    ? [fn.copy(fn.add(base(fn, qkOut), fn.shl(fn.add(fn.mul(bh(), mulI(fn, S(), T())), fn.mul(i.get(), T())), 2)), row.get(), mulI(fn, 4, T()))]
    : []);

  const perHead: Expr[] = [
    h.set(fn.add(fn.mul(kh.get(), G), g.get())),
    ...emitGemm(fn, {
      M: S(), N: T(), K: D,
      a: () => fn.add(base(fn, w.q), fn.mul(bh(), mulI(fn, 4, S(), D))), aRowStride: D, aKStride: 1,
      b: () => fn.i(base(fn, w.kt)), bKStride: PANEL, bPanelStride: D * PANEL,
      c: () => fn.i(base(fn, w.scores)), cRowStride: T(),
      alpha: attrs.scale,
      ...(w.aPack?.qk !== undefined ? { aPack: w.aPack.qk } : {}),
    }),
    fn.for(i, 0, S(), 1, [row.set(fn.add(base(fn, w.scores), fn.mul(i.get(), mulI(fn, 4, T())))), ...scoreRow(w, row, copyStage, valid, maskRow)]),
    ...emitGemm(fn, {
      M: S(), N: Dv(), K: T(),
      a: () => fn.i(base(fn, w.scores)), aRowStride: T(), aKStride: 1,
      ...(w.vPanels !== undefined ? { b: () => fn.i(w.vPanels!), bKStride: PANEL, bPanelStride: mulI(fn, T(), PANEL) } : { b: () => vPtr.get(), bKStride: Dv() }),
      c: () => fn.add(base(fn, w.y), fn.mul(bh(), mulI(fn, 4, S(), Dv()))), cRowStride: Dv(),
      ...(w.aPack?.pv !== undefined ? { aPack: w.aPack.pv } : {}),
    }),
  ];
  const perKvHead: Expr[] = [
    kPtr.set(fn.add(base(fn, w.k), fn.mul(fn.add(fn.mul(b.get(), Hkv), kh.get()), mulI(fn, 4, T(), D)))),
    vPtr.set(fn.add(base(fn, w.v), fn.mul(fn.add(fn.mul(b.get(), Hkv), kh.get()), mulI(fn, 4, T(), Dv())))),
    ...transposeK(w, t, c, kPtr),
    ...(w.vPanels !== undefined ? emitPackPanels(fn, () => vPtr.get(), 4 * (Dv() as number), T() as number, Dv() as number, w.vPanels) : []),
    fn.for(g, 0, G, 1, perHead),
  ];
  const perBatch: Expr[] = [];
  if (w.nonpad !== undefined) perBatch.push(limit.set(fn.i64ToI32(fn.loadI64(...memAt(fn, w.nonpad, fn.shl(b.get(), 3))))));
  perBatch.push(off.set(fromNonpad ? fn.sub(limit.get(), S()) : fn.i(attrs.causalOffset)));
  perBatch.push(fn.for(kh, 0, Hkv, 1, perKvHead));
  return [fn.for(b, 0, w.B(), 1, perBatch)];
}

/**
 * Kᵀ of the kv head at kPtr into w.kt as packed B panels: Kᵀ[c, t] at panel t / PANEL, row c,
 * lane t % PANEL, i.e. element ((t / PANEL) * D + c) * PANEL + t % PANEL.
 */
function transposeK(w: AttentionView, t: Local, c: Local, kPtr: Local): Expr[] {
  const { fn, D } = w;
  const src = fn.local('i32'), dst = fn.local('i32');
  return [
    src.set(kPtr.get()),
    fn.for(t, 0, w.T(), 1, [
      dst.set(fn.add(fn.i(base(fn, w.kt)), fn.add(fn.mul(fn.divU(t.get(), PANEL), 4 * D * PANEL), fn.shl(fn.and(t.get(), PANEL - 1), 2)))),
      fn.for(c, 0, D, 1, [
        fn.storeF32(dst.get(), fn.loadF32(src.get())),
        dst.set(fn.add(dst.get(), 4 * PANEL)),
        src.set(fn.add(src.get(), 4)),
      ]),
    ]),
  ];
}

/** Element strides of a mask of shape `dims` broadcast against [B, Hq, S, *] (0 on broadcast axes). */
function maskStrides(dims: Dim[]): Dim[] {
  const padded = [...new Array<Dim>(4 - dims.length).fill(1), ...dims];
  return [0, 1, 2].map((a) => (padded[a] === 1 ? 0 : dimProduct(padded.slice(a + 1))));
}

/** Scratch: Kᵀ panels (T rounded up to PANEL keys; bounded by T + PANEL - 1 for run-time T), then the [S, T] scores. */
const scoresOffset = (D: number, T: Dim): Dim => dimMul(dimAdd(T, PANEL), 4 * D);

/**
 * Static sizes: after the scores, V as packed panels and the GEMMs' row-packing scratch, where
 * it pays (packsRowsOfA).
 */
function staticLayout(S: number, T: number, D: number, Dv: number) {
  const vPanels = align16(scoresOffset(D, T) as number + 4 * S * T);
  const packQk = packsRowsOfA(S, D, T), packPv = packsRowsOfA(S, T, Dv);
  const aPack = vPanels + packedBytes(T, Dv);
  const bytes = aPack + (packQk || packPv ? aPackBytes(Math.max(D, T)) : 0);
  return { vPanels, aPack: { ...(packQk ? { qk: aPack } : {}), ...(packPv ? { pv: aPack } : {}) }, bytes };
}

registerLowering({
  ops: ['Attention'],
  runTimeDims: true,
  scratchBytes(_node, [q, k, v]) {
    return staticLayout(q!.dims[2]!, k!.dims[2]!, k!.dims[3]!, v!.dims[3]!).bytes;
  },
  runTimeScratchBytes(_node, [q, k]) {
    const D = k!.shape[3]!;
    if (typeof D !== 'number') return 0; // the run-time kernel refuses it
    return dimAdd(scoresOffset(D, k!.shape[2]!), dimMul(dimMul(q!.shape[2]!, k!.shape[2]!), 4));
  },
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerAttentionRunTime(context);
    const [q, k, v, mask, nonpad] = ctx.inputs;
    const [y, qkOut] = ctx.outputs;
    const [B, Hq, S, D] = q!.dims as [number, number, number, number];
    const [, Hkv, T] = k!.dims as [number, number, number];
    const Dv = v!.dims[3]!;
    if (B * Hq * S * Dv === 0) return [];
    const strides = mask && maskStrides(mask.dims) as number[];
    const layout = staticLayout(S, T, D, Dv);
    return emitAttention({
      node: ctx.node, fn: ctx.fn, helpers: ctx,
      B: () => B, Hq, Hkv, S: () => S, T: () => T, D, Dv: () => Dv,
      q: q!.addr, k: k!.addr, v: v!.addr, y: y!.addr, qkOut: qkOut?.addr,
      mask: mask && { addr: mask.addr, bool: mask.dtype === 'bool', strides: strides!.map((s) => () => s), keys: () => mask.dims[mask.dims.length - 1]! },
      nonpad: nonpad?.addr,
      kt: ctx.scratch, scores: ctx.scratch + (scoresOffset(D, T) as number),
      vPanels: ctx.scratch + layout.vPanels,
      aPack: Object.fromEntries(Object.entries(layout.aPack).map(([k, at]) => [k, ctx.scratch + at])),
    });
  },
});

function lowerAttentionRunTime(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const [q, k, v, mask, nonpad] = ctx.inputs;
  const [y, qkOut] = ctx.outputs;
  const [, Hq, , D] = q!.shape;
  const Hkv = k!.shape[1]!;
  if (typeof Hq !== 'number' || typeof Hkv !== 'number' || typeof D !== 'number') unsupported(ctx, 'run-time head counts or head size, with run-time dims');
  const strides = mask && maskStrides(mask.shape);
  const scores = () => fn.add(ctx.scratch(), ctx.dim(scoresOffset(D, k!.shape[2]!)));
  return emitAttention({
    node: ctx.node, fn, helpers: ctx,
    B: () => q!.dim(0), Hq, Hkv, S: () => q!.dim(2), T: () => k!.dim(2), D, Dv: () => v!.dim(3),
    q: dynAddress(fn, q!), k: dynAddress(fn, k!), v: dynAddress(fn, v!), y: dynAddress(fn, y!), qkOut: qkOut && dynAddress(fn, qkOut),
    mask: mask && { addr: dynAddress(fn, mask), bool: mask.dtype === 'bool', strides: strides!.map((s) => () => ctx.dim(s)), keys: () => mask.dim(-1) },
    nonpad: nonpad && dynAddress(fn, nonpad),
    kt: () => fn.i(ctx.scratch()), scores,
  });
}
