// First-run speed for every matmul-like kernel. V8 (Node 20, Chrome) runs a function's first calls
// in baseline (Liftoff) code and switches to optimized (TurboFan) code only on a later CALL (there
// is no on-stack replacement for wasm): a node's function, called once per inference, runs its
// whole first inference in baseline code, several times slower. So the sweep of one block of rows
// across all columns of a GEMM is its own function, called once per row block: V8 sees it called
// hundreds of times, tiers it up in the background after the first few calls, and the rest of the
// first inference runs optimized code.
// V8 compiles the optimized code in the background and a call made before it is ready still runs
// baseline code, so helpers are shared as widely as possible: sizes and strides are parameters,
// and the key holds only the epilogue and what the inner loop needs as a constant (the row stride
// of an unpacked A, whose rows are load offsets; a packed A's are fixed). A model then has a few
// helpers (one per epilogue, say), the first large GEMM tiers them up, and the later GEMMs run
// optimized code from their first call.
import type { Expr, FnBuilder, I32, WasmType } from '../../wasm-builder.js';
import type { Address, GemmSpec } from './gemm-spec.js';
import { keyedHelperName } from './helper-names.js';
import { hoister } from './hoist.js';

type EmitInline = (fn: FnBuilder, s: GemmSpec) => Expr[];

/** The run-time (Expr) integer fields of a spec, in parameter order; numbers stay in the key. */
const SIZE_FIELDS = ['N', 'K', 'aRowStride', 'aKStride', 'bKStride', 'bPanelStride', 'cRowStride', 'rRowStride'] as const;
type SizeField = (typeof SIZE_FIELDS)[number];

function sizeOf(s: GemmSpec, f: SizeField): I32 | undefined {
  return f === 'rRowStride' ? s.residual?.rRowStride : s[f];
}

/**
 * C = epilogue(A @ B) as emitGemm computes it, with every full block of `rows` rows swept by a
 * shared helper function (see above), and the last M % rows rows by the helper for that many rows.
 */
export function emitGemmInRowBlocks(fn: FnBuilder, s: GemmSpec, rows: number, inline: EmitInline): Expr[] {
  const pre: Expr[] = [];
  const hoist = hoister(fn, pre);
  const addr = (a: Address): (() => Expr) => (typeof a === 'number' ? () => fn.i(a) : a);
  const params = SIZE_FIELDS.filter((f) => sizeOf(s, f) !== undefined && !inKey(s, f));
  const sizes = new Map(params.map((f) => [f, hoist(sizeOf(s, f)!)] as const));
  const size = (f: SizeField): (() => I32) => sizes.get(f) ?? (() => sizeOf(s, f)!);
  const M = hoist(s.M);

  // Pointers of the block starting at row i (i a fresh expression per call).
  const rowAt = (base: () => Expr, stride: () => I32, i: () => Expr) => () => fn.add(base(), fn.shl(fn.mul(i(), stride()), 2));
  const shifted = (i: () => Expr): GemmSpec => ({
    ...s,
    // Fresh reads of the run-time sizes: the spec's own expressions were used by hoist above.
    N: size('N')(), K: size('K')(), aRowStride: size('aRowStride')(), aKStride: size('aKStride')(), bKStride: size('bKStride')(), cRowStride: size('cRowStride')(),
    ...(s.bPanelStride !== undefined ? { bPanelStride: size('bPanelStride')() } : {}),
    a: rowAt(s.a, size('aRowStride'), i),
    c: rowAt(s.c, size('cRowStride'), i),
    ...(s.bias ? { bias: { ...s.bias, addr: s.bias.per === 'row' ? () => fn.add(addr(s.bias!.addr)(), fn.shl(i(), 2)) : s.bias.addr } } : {}),
    ...(s.residual ? { residual: { ...s.residual, r: rowAt(s.residual.r, size('rRowStride'), i), rRowStride: size('rRowStride')() } } : {}),
  });
  // Rows [i, i + count) through the helper for blocks of `count` rows (only full blocks pack A).
  const call = (i: () => Expr, count: number): Expr => {
    const spec: GemmSpec = count === rows ? s : { ...s, aPack: undefined };
    const ps = SIZE_FIELDS.filter((f) => sizeOf(spec, f) !== undefined && !inKey(spec, f));
    const at = shifted(i);
    const args: Expr[] = [at.a(), at.b(), at.c()];
    if (at.bias) args.push(addr(at.bias.addr)());
    if (at.residual) args.push(at.residual.r());
    if (spec.aPack !== undefined) args.push(addr(at.aPack!)());
    if (at.bTail) args.push(at.bTail.b());
    for (const f of ps) args.push(fn.i(size(f)()));
    return fn.call(rowHelper(fn, spec, count, ps, inline), args);
  };

  const i = fn.local('i32');
  const m = M();
  if (typeof m === 'number') {
    const full = m - (m % rows);
    const out = [...pre, ...(full > 0 ? [fn.for(i, 0, full, rows, [call(() => i.get(), rows)])] : [])];
    if (m > full) out.push(call(() => fn.i(full), m - full));
    return out;
  }
  const mFull = hoist(fn.and(m, -rows)), mRest = hoist(fn.and(M(), rows - 1));
  // The last 1 .. rows-1 rows: a helper per count too (the node function keeps no GEMM loop of its own).
  let rest: Expr[] = [];
  for (let r = rows - 1; r >= 1; r--) {
    const body = [call(() => fn.i(mFull()), r)];
    rest = r === rows - 1 ? body : [fn.if(fn.eq(mRest(), r), body, rest)];
  }
  return [...pre, fn.for(i, 0, mFull(), rows, [call(() => i.get(), rows)]), fn.if(fn.ne(mRest(), 0), rest)];
}

/** Whether a size is a constant of the helper (part of its key) rather than a parameter. */
function inKey(s: GemmSpec, f: SizeField): boolean {
  const v = sizeOf(s, f);
  if (typeof v !== 'number') return false;
  // A compact B tail (packB) needs a static N; packing A's rows takes its vector path only for aKStride 1.
  if (f === 'N') return s.bTail !== undefined;
  if (f === 'aKStride') return v === 1;
  if (f === 'aRowStride') return s.aPack === undefined;
  return false;
}

/** The helper sweeping one block of `rows` rows for specs like `s`: built once per key and module. */
function rowHelper(fn: FnBuilder, s: GemmSpec, rows: number, params: SizeField[], inline: EmitInline): string {
  const constant = (f: SizeField) => (sizeOf(s, f) === undefined ? null : inKey(s, f) ? sizeOf(s, f) : 'param');
  const { name, first } = keyedHelperName(fn.module, 'gemm_rows', {
    rows, sizes: SIZE_FIELDS.map(constant), alpha: s.alpha ?? 1,
    bias: s.bias && { per: s.bias.per, scale: s.bias.scale ?? 1 }, residual: s.residual && { scale: s.residual.scale ?? 1 },
    activation: s.activation ?? null, aPack: s.aPack !== undefined, bTail: s.bTail?.kStride ?? null,
  });
  if (!first) return name;

  const types: WasmType[] = ['i32', 'i32', 'i32'];
  const next = () => { types.push('i32'); return types.length - 1; };
  const biasAt = s.bias ? next() : -1, resAt = s.residual ? next() : -1, packAt = s.aPack !== undefined ? next() : -1, tailAt = s.bTail ? next() : -1;
  const sizeAt = new Map(params.map((f) => [f, next()] as const));
  const h = fn.module.fn(name, types);
  const p = (k: number) => () => h.param(k).get();
  const value = (f: SizeField): I32 => (sizeAt.has(f) ? h.param(sizeAt.get(f)!).get() : sizeOf(s, f)!);
  const spec: GemmSpec = {
    ...s,
    M: rows, N: value('N'), K: value('K'),
    a: p(0), aRowStride: value('aRowStride'), aKStride: value('aKStride'),
    b: p(1), bKStride: value('bKStride'), ...(s.bPanelStride !== undefined ? { bPanelStride: value('bPanelStride') } : {}),
    c: p(2), cRowStride: value('cRowStride'),
    ...(s.bias ? { bias: { ...s.bias, addr: p(biasAt) } } : {}),
    ...(s.residual ? { residual: { ...s.residual, r: p(resAt), rRowStride: value('rRowStride') } } : {}),
    ...(s.aPack !== undefined ? { aPack: p(packAt) } : {}),
    ...(s.bTail ? { bTail: { ...s.bTail, b: p(tailAt) } } : {}),
  };
  h.finish(inline(h, spec));
  return name;
}
