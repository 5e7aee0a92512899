// The only module that calls Binaryen. Kernels build code through these typed helpers, so the
// raw API (and its relaxed-SIMD gaps, see `fma`) is handled in one place.
import binaryen from 'binaryen';

/** A Binaryen expression. Wrapped so that a plain number always means an i32 constant. */
/** The exported global a failed run-time check sets to 1 before it traps (read by the runtime). */
export const CHECK_FAILED = 'check_failed';

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export type SimdGroup = 'i8x16' | 'i16x8' | 'i32x4' | 'f32x4' | 'v128';
/** Memory, constant and atomic ops have builders of their own; num()/simd() take the value ops. */
type NotValueOp = `load${string}` | `store${string}` | 'const' | 'atomic' | `${string}.${string}.${string}`;
/** The names of a binaryen op group: its functions, and `outer.inner` for nested groups (trunc_s.f32). */
type OpNames<O> = { [K in keyof O & string]: O[K] extends (...a: never[]) => unknown ? K : O[K] extends object ? `${K}.${keyof O[K] & string}` : never }[keyof O & string];
/**
 * A value op of a binaryen type group, by the name binaryen's declarations give it. Distributes over
 * a union of groups (a kernel's `t.wasm`): the name must exist in one of them, which catches typos;
 * which group it is used with is the kernel's own branching.
 */
export type NumOp<T extends NumType | SimdGroup> = T extends NumType | SimdGroup ? Exclude<OpNames<binaryen.Module[T]>, NotValueOp> : never;

export class Expr {
  constructor(readonly ref: number) {}
}
const E = (ref: number) => new Expr(ref);

/** Internal name of the one memory: expressions name it because it is created after the code. */
const MEM = 'mem';
export type WasmType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const TYPES: Record<WasmType, number> = {
  i32: binaryen.i32, i64: binaryen.i64, f32: binaryen.f32, f64: binaryen.f64, v128: binaryen.v128,
};

export interface ModuleOptions {
  /** Use relaxed-SIMD fused multiply-add in `fma`. */
  relaxed: boolean;
  /** A threaded build (thread-pool.ts): the memory is imported and shared, and atomics are allowed. */
  threads?: boolean;
}

/** A function-local variable. */
export class Local {
  constructor(private readonly m: binaryen.Module, readonly index: number, readonly type: WasmType) {}
  get(): Expr { return E(this.m.local.get(this.index, TYPES[this.type])); }
  set(v: Expr): Expr { return E(this.m.local.set(this.index, v.ref)); }
  tee(v: Expr): Expr { return E(this.m.local.tee(this.index, v.ref, TYPES[this.type])); }
}

export type I32 = Expr | number;

/** Builds one function body. Numbers passed where an i32 is expected become constants. */
export class FnBuilder {
  private readonly locals: WasmType[] = [];
  private labels = 0;
  constructor(readonly module: WasmModuleBuilder, private readonly m: binaryen.Module, readonly name: string, private readonly params: WasmType[] = []) {
    params.forEach((t) => this.locals.push(t));
  }

  get relaxed(): boolean { return this.module.options.relaxed; }

  local(type: WasmType): Local { this.locals.push(type); return new Local(this.m, this.locals.length - 1, type); }
  param(index: number): Local { return new Local(this.m, index, this.params[index]!); }

  // ---- i32 ----
  i(v: I32): Expr { return typeof v === 'number' ? E(this.m.i32.const(v | 0)) : v; }
  private r(v: I32): number { return typeof v === 'number' ? this.m.i32.const(v | 0) : v.ref; }
  add(a: I32, b: I32): Expr {
    if (typeof a === 'number' && typeof b === 'number') return this.i((a + b) | 0);
    if (b === 0) return this.i(a);
    if (a === 0) return this.i(b);
    return E(this.m.i32.add(this.r(a), this.r(b)));
  }
  sub(a: I32, b: I32): Expr { return b === 0 ? this.i(a) : E(this.m.i32.sub(this.r(a), this.r(b))); }
  mul(a: I32, b: I32): Expr {
    if (typeof a === 'number' && typeof b === 'number') return this.i(Math.imul(a, b));
    if (b === 1) return this.i(a);
    if (a === 1) return this.i(b);
    if (b === 0 || a === 0) return this.i(0);
    return E(this.m.i32.mul(this.r(a), this.r(b)));
  }
  divS(a: I32, b: I32): Expr { return E(this.m.i32.div_s(this.r(a), this.r(b))); }
  remS(a: I32, b: I32): Expr { return E(this.m.i32.rem_s(this.r(a), this.r(b))); }
  divU(a: I32, b: I32): Expr { return E(this.m.i32.div_u(this.r(a), this.r(b))); }
  remU(a: I32, b: I32): Expr { return E(this.m.i32.rem_u(this.r(a), this.r(b))); }
  shl(a: I32, b: I32): Expr { return E(this.m.i32.shl(this.r(a), this.r(b))); }
  and(a: I32, b: I32): Expr { return E(this.m.i32.and(this.r(a), this.r(b))); }
  or(a: I32, b: I32): Expr { return E(this.m.i32.or(this.r(a), this.r(b))); }
  ltS(a: I32, b: I32): Expr { return E(this.m.i32.lt_s(this.r(a), this.r(b))); }
  leS(a: I32, b: I32): Expr { return E(this.m.i32.le_s(this.r(a), this.r(b))); }
  gtS(a: I32, b: I32): Expr { return E(this.m.i32.gt_s(this.r(a), this.r(b))); }
  geS(a: I32, b: I32): Expr { return E(this.m.i32.ge_s(this.r(a), this.r(b))); }
  ltU(a: I32, b: I32): Expr { return E(this.m.i32.lt_u(this.r(a), this.r(b))); }
  geU(a: I32, b: I32): Expr { return E(this.m.i32.ge_u(this.r(a), this.r(b))); }
  eq(a: I32, b: I32): Expr { return E(this.m.i32.eq(this.r(a), this.r(b))); }
  ne(a: I32, b: I32): Expr { return E(this.m.i32.ne(this.r(a), this.r(b))); }
  eqz(a: I32): Expr { return E(this.m.i32.eqz(this.r(a))); }
  selectI(cond: Expr, a: I32, b: I32): Expr { return E(this.m.select(cond.ref, this.r(a), this.r(b))); }

  // ---- scalar memory ----
  loadI32(addr: I32, offset = 0): Expr { return E(this.m.i32.load(offset, 4, this.r(addr), MEM)); }
  storeI32(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.i32.store(offset, 4, this.r(addr), v.ref, MEM)); }
  loadI64(addr: I32, offset = 0): Expr { return E(this.m.i64.load(offset, 8, this.r(addr), MEM)); }
  storeI64(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.i64.store(offset, 8, this.r(addr), v.ref, MEM)); }
  loadF32(addr: I32, offset = 0): Expr { return E(this.m.f32.load(offset, 4, this.r(addr), MEM)); }
  storeF32(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.f32.store(offset, 4, this.r(addr), v.ref, MEM)); }
  loadF64(addr: I32, offset = 0): Expr { return E(this.m.f64.load(offset, 8, this.r(addr), MEM)); }
  storeF64(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.f64.store(offset, 8, this.r(addr), v.ref, MEM)); }
  load8U(addr: I32, offset = 0): Expr { return E(this.m.i32.load8_u(offset, 1, this.r(addr), MEM)); }
  load8S(addr: I32, offset = 0): Expr { return E(this.m.i32.load8_s(offset, 1, this.r(addr), MEM)); }
  store8(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.i32.store8(offset, 1, this.r(addr), v.ref, MEM)); }
  load16U(addr: I32, offset = 0): Expr { return E(this.m.i32.load16_u(offset, 2, this.r(addr), MEM)); }
  load16S(addr: I32, offset = 0): Expr { return E(this.m.i32.load16_s(offset, 2, this.r(addr), MEM)); }
  store16(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.i32.store16(offset, 2, this.r(addr), v.ref, MEM)); }
  i64ToI32(v: Expr): Expr { return E(this.m.i32.wrap(v.ref)); }
  i32ToI64(v: Expr): Expr { return E(this.m.i64.extend_s(v.ref)); }
  copy(dst: I32, src: I32, bytes: I32): Expr { return E(this.m.memory.copy(this.r(dst), this.r(src), this.r(bytes), MEM, MEM)); }
  fill(dst: I32, byte: I32, bytes: I32): Expr { return E(this.m.memory.fill(this.r(dst), this.r(byte), this.r(bytes), MEM)); }

  // ---- f32 ----
  f32(v: number): Expr { return E(this.m.f32.const(v)); }
  fadd(a: Expr, b: Expr): Expr { return E(this.m.f32.add(a.ref, b.ref)); }
  fsub(a: Expr, b: Expr): Expr { return E(this.m.f32.sub(a.ref, b.ref)); }
  fmul(a: Expr, b: Expr): Expr { return E(this.m.f32.mul(a.ref, b.ref)); }
  fdiv(a: Expr, b: Expr): Expr { return E(this.m.f32.div(a.ref, b.ref)); }
  fmax(a: Expr, b: Expr): Expr { return E(this.m.f32.max(a.ref, b.ref)); }
  fmin(a: Expr, b: Expr): Expr { return E(this.m.f32.min(a.ref, b.ref)); }
  fsqrt(a: Expr): Expr { return E(this.m.f32.sqrt(a.ref)); }
  fneg(a: Expr): Expr { return E(this.m.f32.neg(a.ref)); }
  fabs(a: Expr): Expr { return E(this.m.f32.abs(a.ref)); }
  ffloor(a: Expr): Expr { return E(this.m.f32.floor(a.ref)); }
  fceil(a: Expr): Expr { return E(this.m.f32.ceil(a.ref)); }
  flt(a: Expr, b: Expr): Expr { return E(this.m.f32.lt(a.ref, b.ref)); }
  fgt(a: Expr, b: Expr): Expr { return E(this.m.f32.gt(a.ref, b.ref)); }
  fge(a: Expr, b: Expr): Expr { return E(this.m.f32.ge(a.ref, b.ref)); }
  fne(a: Expr, b: Expr): Expr { return E(this.m.f32.ne(a.ref, b.ref)); }
  feq(a: Expr, b: Expr): Expr { return E(this.m.f32.eq(a.ref, b.ref)); }
  fselect(cond: Expr, a: Expr, b: Expr): Expr { return E(this.m.select(cond.ref, a.ref, b.ref)); }
  f32FromI32(a: Expr): Expr { return E(this.m.f32.convert_s.i32(a.ref)); }
  i32FromF32(a: Expr): Expr { return E(this.m.i32.trunc_s_sat.f32(a.ref)); }
  f32FromI64(a: Expr): Expr { return E(this.m.f32.convert_s.i64(a.ref)); }
  /** Reinterprets f32 bits as i32 and back: used by the exp approximation to build 2^n. */
  f32Bits(a: Expr): Expr { return E(this.m.i32.reinterpret(a.ref)); }
  f32FromBits(a: Expr): Expr { return E(this.m.f32.reinterpret(a.ref)); }

  // ---- f32x4 ----
  vload(addr: I32, offset = 0): Expr { return E(this.m.v128.load(offset, 4, this.r(addr), MEM)); }
  vstore(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.v128.store(offset, 4, this.r(addr), v.ref, MEM)); }
  /** Stores lane `lane` of an f32x4 as one f32 (partial-vector tails). */
  vstoreLane(addr: I32, v: Expr, lane: number, offset = 0): Expr { return E(this.m.f32.store(offset, 4, this.r(addr), this.m.f32x4.extract_lane(v.ref, lane), MEM)); }
  vsplat(x: Expr): Expr { return E(this.m.f32x4.splat(x.ref)); }
  vconst(x: number): Expr { return E(this.m.f32x4.splat(this.m.f32.const(x))); }
  vzero(): Expr { return E(this.m.v128.const([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])); }
  vloadSplat(addr: I32, offset = 0): Expr { return E(this.m.v128.load32_splat(offset, 4, this.r(addr), MEM)); }
  vadd(a: Expr, b: Expr): Expr { return E(this.m.f32x4.add(a.ref, b.ref)); }
  vsub(a: Expr, b: Expr): Expr { return E(this.m.f32x4.sub(a.ref, b.ref)); }
  vmul(a: Expr, b: Expr): Expr { return E(this.m.f32x4.mul(a.ref, b.ref)); }
  vdiv(a: Expr, b: Expr): Expr { return E(this.m.f32x4.div(a.ref, b.ref)); }
  /** NaN-propagating max/min (ONNX semantics); use vpmax for the fast form when NaN cannot occur. */
  vmax(a: Expr, b: Expr): Expr { return E(this.m.f32x4.max(a.ref, b.ref)); }
  vmin(a: Expr, b: Expr): Expr { return E(this.m.f32x4.min(a.ref, b.ref)); }
  vpmax(a: Expr, b: Expr): Expr { return E(this.m.f32x4.pmax(a.ref, b.ref)); }
  vpmin(a: Expr, b: Expr): Expr { return E(this.m.f32x4.pmin(a.ref, b.ref)); }
  vsqrt(a: Expr): Expr { return E(this.m.f32x4.sqrt(a.ref)); }
  vneg(a: Expr): Expr { return E(this.m.f32x4.neg(a.ref)); }
  vabs(a: Expr): Expr { return E(this.m.f32x4.abs(a.ref)); }
  vfloor(a: Expr): Expr { return E(this.m.f32x4.floor(a.ref)); }
  vceil(a: Expr): Expr { return E(this.m.f32x4.ceil(a.ref)); }
  vnearest(a: Expr): Expr { return E(this.m.f32x4.nearest(a.ref)); }
  vlt(a: Expr, b: Expr): Expr { return E(this.m.f32x4.lt(a.ref, b.ref)); }
  vgt(a: Expr, b: Expr): Expr { return E(this.m.f32x4.gt(a.ref, b.ref)); }
  vge(a: Expr, b: Expr): Expr { return E(this.m.f32x4.ge(a.ref, b.ref)); }
  vle(a: Expr, b: Expr): Expr { return E(this.m.f32x4.le(a.ref, b.ref)); }
  vand(a: Expr, b: Expr): Expr { return E(this.m.v128.and(a.ref, b.ref)); }
  vor(a: Expr, b: Expr): Expr { return E(this.m.v128.or(a.ref, b.ref)); }
  vxor(a: Expr, b: Expr): Expr { return E(this.m.v128.xor(a.ref, b.ref)); }
  vbitselect(a: Expr, b: Expr, mask: Expr): Expr { return E(this.m.v128.bitselect(a.ref, b.ref, mask.ref)); }
  /** Picks four f32 lanes from the eight of (a, b): lanes 0-3 are a's, 4-7 are b's (strided and shifted windows). */
  vshuffle(a: Expr, b: Expr, lanes: [number, number, number, number]): Expr {
    const bytes = lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
    return E(this.m.i8x16.shuffle(a.ref, b.ref, bytes));
  }
  vextract(v: Expr, lane: number): Expr { return E(this.m.f32x4.extract_lane(v.ref, lane)); }
  vreplace(v: Expr, lane: number, x: Expr): Expr { return E(this.m.f32x4.replace_lane(v.ref, lane, x.ref)); }
  /** f32x4 → i32x4 (saturating truncation) and back, plus integer lane ops used by exp. */
  vtoI32(a: Expr): Expr { return E(this.m.i32x4.trunc_sat_f32x4_s(a.ref)); }
  vfromI32(a: Expr): Expr { return E(this.m.f32x4.convert_i32x4_s(a.ref)); }
  /** Four 8-bit values at addr (one 32-bit load) widened to i32x4. */
  vload8x4(addr: I32, signed: boolean, offset = 0): Expr {
    const v = this.m.v128.load32_zero(offset, 1, this.r(addr), MEM);
    return E(signed ? this.m.i32x4.extend_low_i16x8_s(this.m.i16x8.extend_low_i8x16_s(v)) : this.m.i32x4.extend_low_i16x8_u(this.m.i16x8.extend_low_i8x16_u(v)));
  }
  /** i32x4 lanes already within the 8-bit range, narrowed and stored as four bytes at addr. */
  vstore8x4(addr: I32, v: Expr, signed: boolean, offset = 0): Expr {
    // The low four lanes come from the first operand; the second only fills the lanes not stored.
    const h = this.m.i16x8.narrow_i32x4_s(v.ref, this.vzero().ref);
    const b = signed ? this.m.i8x16.narrow_i16x8_s(h, this.vzero().ref) : this.m.i8x16.narrow_i16x8_u(h, this.vzero().ref);
    return E(this.m.i32.store(offset, 1, this.r(addr), this.m.i32x4.extract_lane(b, 0), MEM));
  }
  viadd(a: Expr, b: Expr): Expr { return E(this.m.i32x4.add(a.ref, b.ref)); }
  vishl(a: Expr, bits: number): Expr { return E(this.m.i32x4.shl(a.ref, this.m.i32.const(bits))); }
  visplat(x: I32): Expr { return E(this.m.i32x4.splat(this.r(x))); }
  vineg(a: Expr): Expr { return E(this.m.i32x4.neg(a.ref)); }
  /** 2^n as f32x4 for integer lanes n in [-126, 127]: (n + 127) << 23 reinterpreted. */
  vishlExp(n: Expr): Expr { return E(this.m.i32x4.shl(this.m.i32x4.add(n.ref, this.m.i32x4.splat(this.m.i32.const(127))), this.m.i32.const(23))); }
  // ---- integer SIMD on 8/16-bit data (kernels/int8) ----
  /** A Binaryen SIMD op by lane group and name, e.g. simd('i32x4', 'dot_i16x8_s', a, b); the name is typed like num()'s. */
  simd<G extends SimdGroup>(group: G, op: NumOp<G>, ...args: Expr[]): Expr {
    const f: unknown = Reflect.get(this.m[group], op);
    if (typeof f !== 'function') throw new Error(`binaryen has no ${group}.${op}`);
    return E((f as (...a: number[]) => number)(...args.map((a) => a.ref)));
  }
  /** i8x16.shuffle: byte i of the result is byte bytes[i] of (a, b) (0-15 from a, 16-31 from b). */
  shuffle8(a: Expr, b: Expr, bytes: number[]): Expr { return E(this.m.i8x16.shuffle(a.ref, b.ref, bytes)); }
  /** Eight 8-bit values at addr, sign- or zero-extended to i16x8 (v128.load8x8_s/u). */
  vload8x8(addr: I32, signed: boolean, offset = 0): Expr {
    return E(signed ? this.m.v128.load8x8_s(offset, 1, this.r(addr), MEM) : this.m.v128.load8x8_u(offset, 1, this.r(addr), MEM));
  }
  /** The low eight bytes of v stored at addr (one i64 store). */
  vstoreLow8(addr: I32, v: Expr, offset = 0): Expr { return E(this.m.i64.store(offset, 1, this.r(addr), this.m.i64x2.extract_lane(v.ref, 0), MEM)); }
  /** Two bytes at addr repeated over the vector (v128.load16_splat). */
  vload16Splat(addr: I32, offset = 0): Expr { return E(this.m.v128.load16_splat(offset, 1, this.r(addr), MEM)); }
  /** a * b + c: one relaxed-SIMD FMA in the relaxed build, mul + add otherwise. */
  fma(a: Expr, b: Expr, c: Expr): Expr {
    if (this.relaxed) return E(this.module.relaxedMadd(a.ref, b.ref, c.ref));
    return E(this.m.f32x4.add(this.m.f32x4.mul(a.ref, b.ref), c.ref));
  }
  /**
   * acc + a * b for a running sum: relaxed FMA in the relaxed build, else add(acc, mul) with the sum
   * as the first operand — evaluated first, so a chain of taps does not hoist every product's load
   * above the whole chain (which keeps every tap of an output live at once).
   */
  accumulate(acc: Expr, a: Expr, b: Expr): Expr {
    return this.relaxed ? this.fma(a, b, acc) : E(this.m.f32x4.add(acc.ref, this.m.f32x4.mul(a.ref, b.ref)));
  }
  /** Horizontal sum of the four lanes. */
  vsum(v: Local): Expr {
    return this.fadd(this.fadd(this.vextract(v.get(), 0), this.vextract(v.get(), 1)), this.fadd(this.vextract(v.get(), 2), this.vextract(v.get(), 3)));
  }

  // ---- any scalar type (non-float32 dtypes, integer kernels) ----
  /**
   * A Binaryen numeric op on one scalar type, e.g. num('i64', 'div_s', a, b) or
   * num('f64', 'convert_s.i32', x), for generic kernels that pick the type per dtype. The op name is
   * typed from binaryen's own declarations (NumOp), so a misspelt or wrong-type op fails the build,
   * not the one compile that emits that kernel for that dtype.
   */
  num<T extends NumType>(type: T, op: NumOp<T>, ...args: Expr[]): Expr {
    let target: unknown = Reflect.get(this.m, type);
    for (const part of op.split('.')) target = typeof target === 'object' && target !== null ? Reflect.get(target, part) : undefined;
    if (typeof target !== 'function') throw new Error(`no Binaryen op ${type}.${op}`);
    return E(Reflect.apply(target, undefined, args.map((a) => a.ref)) as number);
  }
  constOf(type: 'i32' | 'i64' | 'f32' | 'f64', value: number | bigint): Expr {
    // An attribute like Shrink's lambd = 0.5 used on an integer tensor: truncate, as a cast would.
    const int = () => (typeof value === 'bigint' ? value : BigInt(Number.isFinite(value) ? Math.trunc(value) : 0));
    if (type === 'i64') {
      // Binaryen 132 takes the i64 value as a BigInt.
      return E(this.m.i64.const(BigInt.asIntN(64, int())));
    }
    if (type === 'i32') return E(this.m.i32.const(Number(BigInt.asIntN(32, int()))));
    return E(type === 'f32' ? this.m.f32.const(Number(value)) : this.m.f64.const(Number(value)));
  }
  select(cond: Expr, a: Expr, b: Expr): Expr { return E(this.m.select(cond.ref, a.ref, b.ref)); }
  /** Calls a host function `module.name` (imported on first use), e.g. math.sin: f64 → f64. */
  callImport(module: string, name: string, args: Expr[], params: WasmType[], result: WasmType): Expr {
    const internal = this.module.importFunction(module, name, params, result);
    return E(this.m.call(internal, args.map((e) => e.ref), TYPES[result]));
  }

  // ---- atomics (threaded builds only: ModuleOptions.threads) ----
  atomicLoad(addr: I32): Expr { return E(this.m.i32.atomic.load(0, this.r(addr), MEM)); }
  atomicStore(addr: I32, v: I32): Expr { return E(this.m.i32.atomic.store(0, this.r(addr), this.r(v), MEM)); }
  /** Adds v and returns the old value. */
  atomicAdd(addr: I32, v: I32): Expr { return E(this.m.i32.atomic.rmw.add(0, this.r(addr), this.r(v), MEM)); }
  atomicStore64(addr: I32, v: Expr): Expr { return E(this.m.i64.atomic.store(0, this.r(addr), v.ref, MEM)); }
  atomicLoad64(addr: I32): Expr { return E(this.m.i64.atomic.load(0, this.r(addr), MEM)); }
  /** Stores `replacement` if the i64 at addr is `expected`; returns the old value either way. */
  atomicCmpxchg64(addr: I32, expected: Expr, replacement: Expr): Expr { return E(this.m.i64.atomic.rmw.cmpxchg(0, this.r(addr), expected.ref, replacement.ref, MEM)); }
  /** Blocks while the i32 at addr equals `expected` (no timeout); not allowed on a browser's main thread. */
  wait32(addr: I32, expected: Expr): Expr {
    return E(this.m.drop(this.m.memory.atomic.wait32(this.r(addr), expected.ref, this.constOf('i64', -1).ref, MEM)));
  }
  /** Wakes every thread waiting on addr. */
  // The count is a positive i32: V8 reads -1 (all, as u32 in the spec) as no thread at all.
  notifyAll(addr: I32): Expr { return E(this.m.drop(this.m.memory.atomic.notify(this.r(addr), this.m.i32.const(0x7fffffff), MEM))); }
  /** A mutable i32 global of this instance (WasmModuleBuilder.addGlobal): per thread in threaded builds. */
  globalGet(name: string): Expr { return E(this.m.global.get(name, binaryen.i32)); }
  globalSet(name: string, v: I32): Expr { return E(this.m.global.set(name, this.r(v))); }
  /** Calls entry `index` of a table made by WasmModuleBuilder.addTable. */
  callIndirect(table: string, index: I32): Expr { return E(this.m.call_indirect(table, this.r(index), [], binaryen.none, binaryen.none)); }

  // ---- control ----
  /** A block whose value is its last expression (statements first): lets a value need temporaries. */
  valueBlock(stmts: Expr[], type: WasmType): Expr { return E(this.m.block(null, stmts.map((e) => e.ref), TYPES[type])); }
  block(stmts: Expr[]): Expr { return stmts.length === 1 ? stmts[0]! : E(this.m.block(null, stmts.map((e) => e.ref), binaryen.none)); }
  if(cond: Expr, then: Expr[], otherwise?: Expr[]): Expr {
    return E(this.m.if(cond.ref, this.block(then).ref, otherwise ? this.block(otherwise).ref : undefined));
  }
  nop(): Expr { return E(this.m.nop()); }
  call(name: string, args: Expr[] = []): Expr { return E(this.m.call(name, args.map((e) => e.ref), binaryen.none)); }
  callValue(name: string, args: Expr[], type: WasmType): Expr { return E(this.m.call(name, args.map((e) => e.ref), TYPES[type])); }
  drop(e: Expr): Expr { return E(this.m.drop(e.ref)); }
  return(e?: Expr): Expr { return E(this.m.return(e?.ref)); }
  unreachable(): Expr { return E(this.m.unreachable()); }
  /**
   * Stops the run because a check on the run's values failed (an index out of range, an If branch
   * that cannot run): marks the exported `check_failed` global first, so the runtime tells bad input
   * from any other trap by data rather than by the engine's message.
   */
  failCheck(): Expr {
    this.module.markCheckFailedGlobal();
    return E(this.m.block(null, [this.m.global.set(CHECK_FAILED, this.m.i32.const(1)), this.m.unreachable()], binaryen.unreachable));
  }

  /**
   * for (v = start; v < end; v += step) body — emitted as a bottom-tested loop. When both bounds
   * are numbers the empty case is decided here; otherwise a guard is emitted.
   */
  for(v: Local, start: I32, end: I32, step: number, body: Expr[]): Expr {
    if (typeof start === 'number' && typeof end === 'number' && start >= end) return this.nop();
    // A run-time bound is read twice (guard and back-edge): keep it in a local so no node is shared.
    const pre: Expr[] = [];
    let endOf: () => I32 = () => end;
    if (typeof end !== 'number') {
      const bound = this.local('i32');
      pre.push(bound.set(end));
      endOf = () => bound.get();
    }
    const label = `L${this.labels++}`;
    const loop = E(this.m.loop(label, this.block([
      ...body,
      v.set(this.add(v.get(), step)),
      E(this.m.br(label, this.ltS(v.get(), endOf()).ref)),
    ]).ref));
    const init = v.set(this.i(start));
    if (typeof start === 'number' && typeof end === 'number') return this.block([init, loop]);
    return this.block([...pre, init, E(this.m.if(this.ltS(v.get(), endOf()).ref, loop.ref))]);
  }

  /** do { body } while (cond): the body runs at least once; `cond` is built after it. */
  doWhile(body: Expr[], cond: () => Expr): Expr {
    const label = `L${this.labels++}`;
    return E(this.m.loop(label, this.block([...body, E(this.m.br(label, cond().ref))]).ref));
  }

  /** Registers the function in the module. */
  finish(body: Expr[], result: WasmType | 'none' = 'none'): void {
    const extra = this.locals.slice(this.params.length).map((t) => TYPES[t]);
    const params = binaryen.createType(this.params.map((t) => TYPES[t]));
    this.m.addFunction(this.name, params, result === 'none' ? binaryen.none : TYPES[result], extra, this.block(body.length ? body : [this.nop()]).ref);
  }
}

export interface DataSegment { offset: number; data: Uint8Array }

/** One wasm module: functions, one exported memory, data segments and custom sections. */
export class WasmModuleBuilder {
  private readonly m = new binaryen.Module();
  private readonly functions = new Set<string>();
  constructor(readonly options: ModuleOptions) {
    let features = binaryen.Features.MVP | binaryen.Features.SIMD128 | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt |
      binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt | binaryen.Features.MutableGlobals;
    if (options.relaxed) features |= binaryen.Features.RelaxedSIMD;
    if (options.threads) features |= binaryen.Features.Atomics;
    this.m.setFeatures(features);
  }

  hasFunction(name: string): boolean { return this.functions.has(name); }

  /** Starts a function; call `finish` on the result to add it. */
  fn(name: string, params: WasmType[] = []): FnBuilder {
    if (this.functions.has(name)) throw new Error(`wasm function '${name}' is defined twice`);
    this.functions.add(name);
    return new FnBuilder(this, this.m, name, params);
  }

  relaxedMadd(a: number, b: number, c: number): number {
    // Binaryen's JS API has no builder for relaxed ops; its C API (untyped in binaryen's .d.ts) takes the op id.
    const simdTernary: (module: number, op: binaryen.Operations, a: number, b: number, c: number) => number = Reflect.get(binaryen, '_BinaryenSIMDTernary');
    return simdTernary(this.m.ptr, binaryen.RelaxedMaddVecF32x4, a, b, c);
  }

  exportFunction(name: string, as = name): void { this.m.addFunctionExport(name, as); }

  private readonly imports = new Map<string, string>();
  /** Declares (once) a function import; returns its internal name. */
  importFunction(module: string, name: string, params: WasmType[], result: WasmType): string {
    const key = `${module}.${name}`;
    let internal = this.imports.get(key);
    if (!internal) {
      internal = `import_${module}_${name}`;
      this.m.addFunctionImport(internal, module, name, binaryen.createType(params.map((t) => TYPES[t])), TYPES[result]);
      this.imports.set(key, internal);
    }
    return internal;
  }

  setMemory(pages: number, segments: DataSegment[], maxPages = 65536): void {
    const shared = !!this.options.threads;
    this.m.setMemory(pages, maxPages, 'memory', segments.map((s) => ({ offset: this.m.i32.const(s.offset), data: s.data, passive: false })), shared, false, MEM);
    // Every thread's instance must use the one memory: threaded builds import it (env.memory) and
    // still export it, so a loader finds it where it always does.
    if (shared) this.m.addMemoryImport(MEM, 'env', 'memory', true);
  }

  private checkFailed = false;
  /** Adds (once) the exported i32 global that FnBuilder.failCheck sets. */
  markCheckFailedGlobal(): void {
    if (this.checkFailed) return;
    this.checkFailed = true;
    this.addGlobal(CHECK_FAILED, 0);
    this.m.addGlobalExport(CHECK_FAILED, CHECK_FAILED);
  }

  /** A mutable i32 global starting at `init`. */
  addGlobal(name: string, init: number): void { this.m.addGlobal(name, binaryen.i32, true, this.m.i32.const(init)); }

  /** A table of functions of type () → () that call_indirect (FnBuilder.callIndirect) indexes. */
  addTable(name: string, funcs: string[]): void {
    this.m.addTable(name, funcs.length, funcs.length);
    this.m.addActiveElementSegment(name, `${name}_elems`, funcs, this.m.i32.const(0));
  }

  addCustomSection(name: string, data: Uint8Array): void { this.m.addCustomSection(name, data); }

  validate(): boolean { return !!this.m.validate(); }

  optimize(level = 3): void {
    binaryen.setOptimizeLevel(level);
    binaryen.setShrinkLevel(0);
    // Each node is its own function called once from run(); Binaryen would inline them all into
    // one huge run(), which V8 compiles to much slower code (measured: mobilenet_v2 27.6 → 19.0 ms,
    // shufflenet 23.1 → 9.5 ms, transformer with run-time dims 41 → 29 ms). Small helpers
    // called from several places are still inlined.
    binaryen.setOneCallerInlineMaxSize(0);
    this.m.optimize();
  }

  emitText(): string { return this.m.emitText(); }
  emitBinary(): Uint8Array { return this.m.emitBinary(); }
  dispose(): void { this.m.dispose(); }
}
