// RNN / GRU / LSTM, float32. Directions are unrolled; batch rows and time steps are loops. Per
// step the gate pre-activations W·x_t + R·h + biases are row dot products (four lanes at a time)
// into a scratch vector, then one pass over the hidden units applies the cell: the new hidden
// state goes to a second buffer, is copied into Y and becomes the state. Y starts zeroed, so steps
// past a sequence's length stay 0.
import { GATES, recurrentConfig } from '@onnx2wasm/ir';
import { StaticContext, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';
import { vexp, vtanh } from '../emit/math.js';
import { F32_UNARY } from '../emit/vector-functions.js';

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * One gate activation on a local, as in the IR's ACTIVATIONS table: the function's f32x4 form
 * (vector-functions.ts) on a splat where it has one, else the gate-only forms below.
 */
function activate(ctx: StaticContext, [name, a, b]: [string, number, number], v: Local): Expr {
  const { fn } = ctx;
  const lane = (e: Expr) => fn.vextract(e, 0);
  const vector = F32_UNARY[name];
  if (vector) return lane(vector(ctx, fn, [() => fn.vsplat(v.get())], [a, b]));
  switch (name) {
    case 'Affine': return fn.fadd(fn.fmul(fn.f32(a), v.get()), fn.f32(b));
    case 'ThresholdedRelu': return fn.fselect(fn.fgt(v.get(), fn.f32(a)), v.get(), fn.f32(0));
    case 'ScaledTanh': return fn.fmul(fn.f32(a), lane(vtanh(ctx, fn, fn.vsplat(fn.fmul(fn.f32(b), v.get())))));
    case 'Elu': return fn.fselect(fn.fge(v.get(), fn.f32(0)), v.get(), fn.fmul(fn.f32(a), fn.fsub(lane(vexp(ctx, fn, fn.vsplat(v.get()))), fn.f32(1))));
    case 'Softsign': return fn.fdiv(v.get(), fn.fadd(fn.f32(1), fn.fabs(v.get())));
    default: return unsupported(ctx, `activation '${name}'`);
  }
}

registerLowering({
  ops: ['RNN', 'GRU', 'LSTM'],
  scratchBytes(node, [, w]) {
    const H = w!.dims[1]! / GATES[node.op as keyof typeof GATES];
    return 4 * align16(4 * H) + align16(4 * w!.dims[1]!) + 16;
  },
  lower(context) {
    const ctx = staticView(context);
    const { fn, node } = ctx;
    const [x, w, r, bias, lens, h0, c0, peep] = ctx.inputs;
    const [y, yh, yc] = ctx.outputs;
    const c = recurrentConfig(node, x!.dims);
    const { kind, T, B, I, H } = c;
    const G = GATES[kind];
    const hB = ctx.scratch, cB = hB + align16(4 * H), newB = cB + align16(4 * H), rhB = newB + align16(4 * H), pre = rhB + align16(4 * H);
    const b = fn.local('i32'), s = fn.local('i32'), t = fn.local('i32'), L = fn.local('i32'), j = fn.local('i32'), k = fn.local('i32'), q = fn.local('i32');
    const xPtr = fn.local('i32'), acc = fn.local('f32'), accV = fn.local('v128'), v = fn.local('f32');
    const gi = fn.local('f32'), gf = fn.local('f32'), gc = fn.local('f32'), go = fn.local('f32'), z = fn.local('f32'), cNew = fn.local('f32');
    const clip = (e: Expr) => (c.clip > 0 ? fn.fmin(fn.fmax(e, fn.f32(-c.clip)), fn.f32(c.clip)) : e);
    const at = (base: number, i: Expr) => fn.add(base, fn.shl(i, 2));

    /** acc = Σ a[i]·v[i], i < n (rows of W or R against x_t or a state vector). */
    const dot = (a: () => Expr, vec: () => Expr, n: number): Expr[] => {
      const n4 = n - (n % 4);
      const ai = () => fn.add(a(), fn.shl(q.get(), 2)), vi = () => fn.add(vec(), fn.shl(q.get(), 2));
      return [
        accV.set(fn.vzero()),
        fn.for(q, 0, n4, 4, [accV.set(fn.vadd(accV.get(), fn.vmul(fn.vload(ai()), fn.vload(vi()))))]),
        acc.set(fn.vsum(accV)),
        fn.for(q, n4, n, 1, [acc.set(fn.fadd(acc.get(), fn.fmul(fn.loadF32(ai()), fn.loadF32(vi()))))]),
      ];
    };

    const direction = (d: number): Expr[] => {
      const f = c.functions[d]!;
      const row = (m: number, n: number) => () => fn.add(fn.mul(fn.add(j.get(), d * G * H), 4 * n), m);
      const biasAt = (rec: boolean, idx: Expr) => fn.loadF32(fn.shl(idx, 2), bias!.addr + 4 * (d * 2 * G * H + (rec ? G * H : 0)));
      /** pre[j] = W[j]·x_t + R[j]·state + biases, for rows [from, to). */
      const preacts = (from: number, to: number, state: number, recurrent = true): Expr => fn.for(j, from, to, 1, [
        ...dot(row(w!.addr, I), () => xPtr.get(), I),
        v.set(acc.get()),
        ...(recurrent ? dot(row(r!.addr, H), () => fn.i(state), H) : [acc.set(fn.f32(0))]),
        acc.set(fn.fadd(v.get(), acc.get())),
        ...(bias ? [acc.set(fn.fadd(acc.get(), fn.fadd(biasAt(false, j.get()), recurrent ? biasAt(true, j.get()) : fn.f32(0))))] : []),
        fn.storeF32(at(pre, j.get()), acc.get()),
      ]);
      const preAt = (gate: number) => fn.loadF32(at(pre, fn.add(k.get(), gate * H)));
      const peepAt = (gate: number) => fn.loadF32(fn.shl(k.get(), 2), peep!.addr + 4 * (d * 3 * H + gate * H));
      const applied = (fi: number, e: Expr) => [v.set(clip(e)), v.set(activate(ctx, f[fi]!, v))];

      let cell: Expr[];
      if (kind === 'RNN') {
        cell = [preacts(0, H, hB), fn.for(k, 0, H, 1, [...applied(0, preAt(0)), fn.storeF32(at(newB, k.get()), v.get())])];
      } else if (kind === 'GRU') {
        const hk = () => fn.loadF32(at(hB, k.get()));
        cell = [
          preacts(0, 2 * H, hB),
          fn.for(k, 0, H, 1, [...applied(0, preAt(1)), fn.storeF32(at(rhB, k.get()), c.linearBeforeReset ? v.get() : fn.fmul(v.get(), hk()))]),
          // h gate: x part only, then the recurrent part against h (before reset) or r ⊙ h.
          preacts(2 * H, 3 * H, hB, false),
          fn.for(k, 0, H, 1, [
            j.set(fn.add(k.get(), 2 * H)),
            ...dot(row(r!.addr, H), () => fn.i(c.linearBeforeReset ? hB : rhB), H),
            ...(bias ? [acc.set(fn.fadd(acc.get(), biasAt(true, j.get())))] : []),
            ...(c.linearBeforeReset ? [acc.set(fn.fmul(acc.get(), fn.loadF32(at(rhB, k.get()))))] : []),
            ...applied(1, fn.fadd(preAt(2), acc.get())),
            gc.set(v.get()),
            ...applied(0, preAt(0)),
            z.set(v.get()),
            fn.storeF32(at(newB, k.get()), fn.fadd(fn.fmul(fn.fsub(fn.f32(1), z.get()), gc.get()), fn.fmul(z.get(), hk()))),
          ]),
        ];
      } else {
        const ck = () => fn.loadF32(at(cB, k.get()));
        const withPeep = (gate: number, pGate: number, state: () => Expr) => (peep ? fn.fadd(preAt(gate), fn.fmul(peepAt(pGate), state())) : preAt(gate));
        cell = [
          preacts(0, 4 * H, hB),
          fn.for(k, 0, H, 1, [
            ...applied(0, withPeep(0, 0, ck)), gi.set(v.get()),
            ...(c.inputForget ? [gf.set(fn.fsub(fn.f32(1), gi.get()))] : [...applied(0, withPeep(2, 2, ck)), gf.set(v.get())]),
            ...applied(1, preAt(3)), gc.set(v.get()),
            cNew.set(fn.fadd(fn.fmul(gf.get(), ck()), fn.fmul(gi.get(), gc.get()))),
            fn.storeF32(at(cB, k.get()), cNew.get()),
            ...applied(0, withPeep(1, 1, () => cNew.get())), go.set(v.get()),
            v.set(cNew.get()),
            v.set(activate(ctx, f[2]!, v)),
            fn.storeF32(at(newB, k.get()), fn.fmul(go.get(), v.get())),
          ]),
        ];
      }
      const stateInit = (buf: number, init: typeof h0) => (init
        ? fn.copy(buf, fn.add(init.addr, fn.mul(fn.add(b.get(), d * B), 4 * H)), 4 * H)
        : fn.fill(buf, 0, 4 * H));
      const stateOut = (out: typeof y, buf: number) => (out ? [fn.copy(fn.add(out.addr, fn.mul(fn.add(b.get(), d * B), 4 * H)), buf, 4 * H)] : []);
      return [fn.for(b, 0, B, 1, [
        L.set(lens ? fn.loadI32(fn.shl(b.get(), 2), lens.addr) : fn.i(T)),
        L.set(fn.selectI(fn.gtS(L.get(), T), T, L.get())),
        stateInit(hB, h0), stateInit(cB, kind === 'LSTM' ? c0 : undefined),
        // Static bounds (the builder's loops read the end twice): steps past L are skipped.
        fn.for(s, 0, T, 1, [fn.if(fn.ltS(s.get(), L.get()), [
          t.set(c.reverse[d] ? fn.sub(fn.sub(L.get(), 1), s.get()) : s.get()),
          xPtr.set(fn.add(x!.addr, fn.mul(fn.add(fn.mul(t.get(), B), b.get()), 4 * I))),
          ...cell,
          fn.copy(hB, newB, 4 * H),
          fn.copy(fn.add(y!.addr, fn.mul(fn.add(fn.mul(fn.add(fn.mul(t.get(), c.D), d), B), b.get()), 4 * H)), newB, 4 * H),
        ])]),
        ...stateOut(yh, hB), ...stateOut(yc, cB),
      ])];
    };
    return [fn.fill(y!.addr, 0, 4 * T * c.D * B * H), ...Array.from({ length: c.D }, (_, d) => direction(d)).flat()];
  },
});
