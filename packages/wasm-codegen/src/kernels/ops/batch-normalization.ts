// BatchNormalization (inference, float32) as a per-channel affine map y = x * scale'[c] + shift'[c],
// with scale' = scale / sqrt(var + eps) and shift' = B - mean * scale'. Constant parameters are
// folded at compile time (in float64, rounded once); run-time ones in f32 once per plane.
// Planes of at least one vector run four lanes at a time.
import { Tensor, batchNormalizationAttrs, makeTensor } from '@onnx2wasm/ir';
import { StaticContext, registerLowering, staticView, unsupported } from '../../lowering.js';
import { Expr, Local } from '../../wasm-builder.js';

function foldedAffine(ctx: StaticContext): { scale: Tensor; shift: Tensor } | undefined {
  const params = [1, 2, 3, 4].map((i) => ctx.inputs[i]?.constant);
  if (params.some((p) => !p)) return undefined;
  const [scale, bias, mean, variance] = params as Tensor[];
  const eps = batchNormalizationAttrs(ctx.node).epsilon;
  const C = scale.data.length;
  const s = new Float32Array(C), t = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const k = Number(scale.data[c]) / Math.sqrt(Number(variance.data[c]) + eps);
    s[c] = k;
    t[c] = Number(bias.data[c]) - Number(mean.data[c]) * k;
  }
  return { scale: makeTensor('float32', [C], s), shift: makeTensor('float32', [C], t) };
}

/** Statements setting vs / vt to channel c's scale' / shift' splatted. */
function affineOf(ctx: StaticContext, c: Local, vs: Local, vt: Local): Expr[] {
  const { fn } = ctx;
  const at = () => fn.shl(c.get(), 2);
  const folded = foldedAffine(ctx);
  if (folded) {
    const sAddr = ctx.addWeight(folded.scale), tAddr = ctx.addWeight(folded.shift);
    return [vs.set(fn.vloadSplat(at(), sAddr)), vt.set(fn.vloadSplat(at(), tAddr))];
  }
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => ctx.inputs[i]!.addr) as [number, number, number, number];
  const k = fn.local('f32');
  return [
    k.set(fn.fdiv(fn.loadF32(at(), scale), fn.fsqrt(fn.fadd(fn.loadF32(at(), variance), fn.f32(batchNormalizationAttrs(ctx.node).epsilon))))),
    vs.set(fn.vsplat(k.get())),
    vt.set(fn.vsplat(fn.fsub(fn.loadF32(at(), bias), fn.fmul(fn.loadF32(at(), mean), k.get())))),
  ];
}

registerLowering({
  ops: ['BatchNormalization'],
  lower(context) {
    const ctx = staticView(context);
    const { fn } = ctx;
    const x = ctx.inputs[0]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const [N, C] = x.dims as [number, number];
    const inner = x.dims.slice(2).reduce((a, b) => a * b, 1);
    const n = fn.local('i32'), c = fn.local('i32'), i = fn.local('i32'), base = fn.local('i32');
    const vs = fn.local('v128'), vt = fn.local('v128'), v = fn.local('v128');
    const full = Math.floor(inner / 4) * 4;
    const at = () => fn.add(base.get(), fn.shl(i.get(), 2));
    const body: Expr[] = [
      base.set(fn.mul(fn.add(fn.mul(n.get(), C), c.get()), 4 * inner)),
      ...affineOf(ctx, c, vs, vt),
      fn.for(i, 0, full, 4, [fn.vstore(at(), fn.fma(fn.vload(at(), x.addr), vs.get(), vt.get()), y.addr)]),
    ];
    if (full < inner) {
      // The last vector reads up to 12 bytes past the plane (memory is padded) and stores only its live lanes.
      body.push(i.set(fn.i(full)));
      body.push(v.set(fn.fma(fn.vload(at(), x.addr), vs.get(), vt.get())));
      for (let l = 0; l < inner - full; l++) body.push(fn.vstoreLane(at(), v.get(), l, y.addr + 4 * l));
    }
    return [fn.for(n, 0, N, 1, [fn.for(c, 0, C, 1, body)])];
  },
});
