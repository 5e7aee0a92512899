// MatMul (numpy semantics) on top of the shared register-blocked emitGemm. When B has no batch dims
// of its own, A's batch dims fold into M: one big GEMM over contiguous rows (the common
// "activations × weights" case), cache-blocked when K or N is large. Otherwise a loop over the
// broadcast batch dims runs one GEMM per matrix, each operand advancing by its own batch stride
// (0 where it is broadcast). A fused epilogue (bias per column, residual, activation) is applied
// by the micro-kernel before its stores. A constant B is read from panels packed at compile time
// (gemm-pack.ts), and long rows of A are interleaved per row block first (packsA).
import { Dim, Tensor, broadcastDims, makeTensor, dimMul, dimProduct, readActivation, sizeOf, stridesOf } from '@onnx2wasm/ir';
import { LowerContext, Operand, StaticContext, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { Address, GemmSpec, aPackBytes, dynAddress as address, emitGemm, memAt as at, packsRowsOfA } from '../emit/gemm-core.js';
import { packB, packedB } from '../emit/gemm-pack.js';
import { DEFAULT_BLOCKING, emitBlockedGemm } from '../emit/gemm-blocked.js';
import { emitGemv, gemvApplies } from '../emit/gemv-packed.js';
import { LoopDim, mergeDims, stridedLoops } from '../emit/strided-loops.js';

/** C[i, j] = bias[j] (+ R[i, j]) for a [rows, n] float32 C: four columns at a time, scalar tail. */
export function initWithBias(fn: FnBuilder, c: Address, bias: Address, r: Address | undefined, rows: I32, n: number): Expr[] {
  const i = fn.local('i32'), j = fn.local('i32');
  const n4 = n - (n % 4);
  const el = () => fn.shl(fn.add(fn.mul(i.get(), n), j.get()), 2);
  const col = () => fn.shl(j.get(), 2);
  const vec = () => (r === undefined ? fn.vload(...at(fn, bias, col())) : fn.vadd(fn.vload(...at(fn, bias, col())), fn.vload(...at(fn, r, el()))));
  const one = () => (r === undefined ? fn.loadF32(...at(fn, bias, col())) : fn.fadd(fn.loadF32(...at(fn, bias, col())), fn.loadF32(...at(fn, r, el()))));
  const [cv, cvOff] = at(fn, c, el());
  const [cs, csOff] = at(fn, c, el());
  return [fn.for(i, 0, rows, 1, [
    fn.for(j, 0, n4, 4, [fn.vstore(cv, vec(), cvOff)]),
    fn.for(j, n4, n, 1, [fn.storeF32(cs, one(), csOff)]),
  ])];
}

/**
 * A constant B (one [K, N] matrix, any leading 1 dims) read from its packed panels; only the packed
 * copy is placed, or none when B is a tied embedding whose panels are built at load (tied-weights.ts).
 */
function constantB(ctx: { fn: FnBuilder; addWeight: StaticContext['addWeight']; loadTimePanels?: StaticContext['loadTimePanels'] }, b: { name: string; constant?: Tensor }, K: number, N: number): Pick<GemmSpec, 'b' | 'bKStride' | 'bPanelStride' | 'bTail'> {
  const tied = ctx.loadTimePanels?.(b.name);
  if (tied !== undefined) return packedB(ctx.fn, tied, K, N);
  const matrix = makeTensor('float32', [K, N], b.constant!.data as Float32Array);
  return packedB(ctx.fn, ctx.addWeight(packB(matrix), `panelsB:${b.name}`), K, N);
}

/** Whether the GEMMs of A [.., M, K] × B [.., K, N] pack rows of A (packsRowsOfA; rows: M per matrix, or all of A's rows). */
function packsA(a: { dims: number[] }, b: { dims: number[] }): boolean {
  if (a.dims.length < 2 || b.dims.length < 2) return false;
  const M = a.dims[a.dims.length - 2]!, K = a.dims[a.dims.length - 1]!, N = b.dims[b.dims.length - 1]!;
  return packsRowsOfA(sizeOf(b.dims.slice(0, -2)) > 1 ? M : sizeOf(a.dims.slice(0, -1)), K, N);
}

/** packsA with run-time dims, decided on static K and N: returns K when rows of A are packed. */
function packsADynamic(a: { shape: Dim[] }, b: { shape: Dim[] }): number | undefined {
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const K = a.shape[a.shape.length - 1]!, N = b.shape[b.shape.length - 1]!;
  return typeof K === 'number' && typeof N === 'number' && packsRowsOfA(undefined, K, N) ? K : undefined;
}

registerLowering({
  ops: ['MatMul'],
  runTimeDims: true,
  scratchBytes(_node, inputs) {
    const a = inputs[0]!, b = inputs[1]!;
    return packsA(a, b) ? aPackBytes(a.dims[a.dims.length - 1]!) : 0;
  },
  runTimeScratchBytes(_node, inputs) {
    const K = packsADynamic(inputs[0]!, inputs[1]!);
    return K === undefined ? 0 : aPackBytes(K);
  },
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerMatMulDynamic(context);
    const { fn } = ctx;
    const a = ctx.inputs[0]!, b = ctx.inputs[1]!, y = ctx.outputs[0]!;
    if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
    const ad = a.dims.length === 1 ? [1, a.dims[0]!] : a.dims;
    const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : b.dims;
    const M = ad[ad.length - 2]!, K = ad[ad.length - 1]!, N = bd[bd.length - 1]!;
    const aBatch = ad.slice(0, -2), bBatch = bd.slice(0, -2);
    if (sizeOf(y.dims) === 0) return [];
    if (K === 0) return [fn.fill(y.addr, 0, sizeOf(y.dims) * 4)];
    const aAddr = a.addr;
    // Fused epilogue: per-column bias (input 2), residual of the output's shape (input 3), activation.
    const bias = ctx.inputs[2], residual = ctx.inputs[3];
    const act = readActivation(ctx.node);
    const epilogue: Partial<GemmSpec> = {
      ...(bias ? { bias: { addr: bias.addr, per: 'col' as const } } : {}),
      ...(act ? { activation: act, ctx } : {}),
      ...(packsA(a, b) ? { aPack: ctx.scratch } : {}),
    };

    if (sizeOf(bBatch) === 1) {
      const spec: GemmSpec = {
        M: sizeOf(aBatch) * M, N, K,
        a: () => fn.i(aAddr), aRowStride: K, aKStride: 1,
        ...(b.constant ? constantB(ctx, b, K, N) : { b: () => fn.i(b.addr), bKStride: N }),
        c: () => fn.i(y.addr), cRowStride: N,
        ...epilogue,
        ...(residual ? { residual: { r: () => fn.i(residual.addr), rRowStride: N } } : {}),
      };
      if (gemvApplies(spec)) return emitGemv(fn, spec);
      if (!bias || (K <= DEFAULT_BLOCKING.kc && N <= DEFAULT_BLOCKING.nc)) return bias ? emitGemm(fn, spec) : emitBlockedGemm(fn, spec);
      // The cache-blocked driver cannot offset a per-column bias by its run-time column chunk, so
      // C starts as bias (+ residual) and the product accumulates into it as a residual (R = C).
      const rows = sizeOf(aBatch) * M;
      const init = initWithBias(fn, y.addr, bias.addr, residual?.addr, rows, N);
      return [...init, ...emitBlockedGemm(fn, { ...spec, bias: undefined, residual: { r: () => fn.i(y.addr), rRowStride: N } })];
    }
    const batch = broadcastDims([aBatch, bBatch]);
    const pad = (d: number[]) => [...new Array(batch.length - d.length).fill(1), ...d];
    const pa = pad(aBatch), pb = pad(bBatch);
    const sa = stridesOf(pa), sb = stridesOf(pb), sy = stridesOf(batch);
    const loops: LoopDim[] = batch.map((count, d) => {
      const yStride = sy[d]! * M * N * 4;
      return { count, strides: [pa[d] === 1 ? 0 : sa[d]! * M * K * 4, pb[d] === 1 ? 0 : sb[d]! * K * N * 4, yStride, yStride] };
    });
    return stridedLoops(fn, [aAddr, b.addr, y.addr, residual ? residual.addr : 0], mergeDims(loops), ([pA, pB, pY, pR]) => emitGemm(fn, {
      M, N, K,
      a: pA!, aRowStride: K, aKStride: 1,
      b: pB!, bKStride: N,
      c: pY!, cRowStride: N,
      ...epilogue,
      ...(residual ? { residual: { r: pR!, rRowStride: N } } : {}),
    }));
  },
});

/**
 * MatMul with run-time dims: the same two plans as the static kernel. Sizes and strides are read
 * from the dims table; when B is one matrix every row of A is a row of one GEMM (cache-blocked
 * when K and N are static and large), else a loop nest over the broadcast batch dims.
 */
function lowerMatMulDynamic(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const [a, b, bias, residual] = ctx.inputs as [Operand, Operand, Operand?, Operand?];
  const y = ctx.outputs[0]!;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  // numpy promotion: a 1-D A is one row, a 1-D B one column (their added dim is not in Y).
  const vecA = a.shape.length === 1, vecB = b.shape.length === 1;
  const ad: Dim[] = vecA ? [1, a.shape[0]!] : a.shape, bd: Dim[] = vecB ? [b.shape[0]!, 1] : b.shape;
  const M = ad[ad.length - 2]!, K = ad[ad.length - 1]!, N = bd[bd.length - 1]!;
  const aBatch = ad.slice(0, -2), bBatch = bd.slice(0, -2);
  const act = readActivation(ctx.node);
  const biasAt = bias && address(fn, bias);
  const epilogue: Partial<GemmSpec> = {
    ...(biasAt !== undefined ? { bias: { addr: biasAt, per: 'col' as const } } : {}),
    ...(act ? { activation: act, ctx } : {}),
    ...(packsADynamic(a, b) !== undefined ? { aPack: () => fn.i(ctx.scratch()) } : {}),
  };
  const addr = (o: Operand) => () => fn.i(o.addr());

  if (bBatch.every((d) => d === 1)) {
    const rows = () => ctx.dim(dimProduct([...aBatch, M]));
    const spec: GemmSpec = {
      M: rows(), N: ctx.dim(N), K: ctx.dim(K),
      a: addr(a), aRowStride: ctx.dim(K), aKStride: 1,
      ...(b.constant ? constantB(ctx, b, K as number, N as number) : { b: addr(b), bKStride: ctx.dim(N) }),
      c: addr(y), cRowStride: ctx.dim(N),
      ...epilogue,
      ...(residual ? { residual: { r: addr(residual), rRowStride: ctx.dim(N) } } : {}),
    };
    const blockable = typeof K === 'number' && typeof N === 'number' && !(K <= DEFAULT_BLOCKING.kc && N <= DEFAULT_BLOCKING.nc);
    if (!blockable) return emitGemm(fn, spec);
    if (!bias) return emitBlockedGemm(fn, spec);
    // As in the static kernel: C starts as bias (+ residual), the blocked product accumulates into it.
    const init = initWithBias(fn, address(fn, y), biasAt!, residual && address(fn, residual), rows(), N as number);
    return [...init, ...emitBlockedGemm(fn, { ...spec, bias: undefined, residual: { r: addr(y), rRowStride: N as number } })];
  }
  // Batched: one GEMM per broadcast batch index; an operand's batch stride is 0 where its dim is 1.
  const yBatch = y.shape.slice(0, y.shape.length - (vecA ? 0 : 1) - (vecB ? 0 : 1));
  const pad = (d: Dim[]) => [...new Array<Dim>(yBatch.length - d.length).fill(1), ...d];
  const pa = pad(aBatch), pb = pad(bBatch);
  const stride = (dims: Dim[], d: number, tail: Dim[]): Dim => {
    if (dims[d] === 1) return 0;
    if (dims[d] !== yBatch[d]) unsupported(ctx, `broadcasting batch dim ${dims[d]} against ${yBatch[d]}, with run-time dims`);
    return dimMul(dimProduct([...dims.slice(d + 1), ...tail]), 4);
  };
  const levels = yBatch.map((count, d) => ({ count, strides: [stride(pa, d, [M, K]), stride(pb, d, [K, N]), stride(yBatch, d, [M, N])] }))
    .filter((l) => l.count !== 1);
  const ptrs = [addr(a), addr(b), addr(y), residual ? addr(residual) : () => fn.i(0)];
  const nest = (level: number, parent: (() => Expr)[]): Expr[] => {
    if (level === levels.length) {
      const [pA, pB, pY, pR] = parent as [() => Expr, () => Expr, () => Expr, () => Expr];
      return emitGemm(fn, {
        M: ctx.dim(M), N: ctx.dim(N), K: ctx.dim(K),
        a: pA, aRowStride: ctx.dim(K), aKStride: 1,
        b: pB, bKStride: ctx.dim(N),
        c: pY, cRowStride: ctx.dim(N),
        ...epilogue,
        ...(residual ? { residual: { r: pR, rRowStride: ctx.dim(N) } } : {}),
      });
    }
    const { count, strides } = levels[level]!;
    const locals = parent.map(() => fn.local('i32'));
    const idx = fn.local('i32');
    // The residual walks like Y.
    const step = (k: number) => ctx.dim(strides[Math.min(k, 2)]!);
    return [
      ...locals.map((l, k) => l.set(parent[k]!())),
      fn.for(idx, 0, ctx.dim(count), 1, [
        ...nest(level + 1, locals.map((l) => () => l.get())),
        ...locals.map((l, k) => l.set(fn.add(l.get(), step(k)))),
      ]),
    ];
  };
  return nest(0, ptrs);
}
