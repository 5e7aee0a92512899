// Gemm: alpha * op(A) @ op(B) + beta * C, plus a fused epilogue (residual input 3, activation).
// A constant B is repacked at compile time into the panels the micro-kernel reads (packB); a
// run-time transposed B is transposed into scratch first. C, constant or not, becomes the
// micro-kernel's bias (row, column or scalar) or its residual matrix, scaled by beta in the epilogue.
import { Dim, Node, Tensor, dimMul, dimProduct, gemmAttrs, makeTensor, readActivation } from '@onnx2wasm/ir';
import { LowerContext, Operand, StaticContext, StaticOperand, registerLowering, staticViewIfAny, unsupported } from '../../lowering.js';
import { Expr, FnBuilder, I32 } from '../../wasm-builder.js';
import { Address, GemmSpec, aPackBytes, dynAddress, emitGemm, memAt, packsRowsOfA } from '../emit/gemm-core.js';
import { packB, packedB } from '../emit/gemm-pack.js';
import { emitGemmOrGemv } from '../emit/gemv-packed.js';
import { transposesA, transposesB } from '../emit/gemm-attrs.js';
import { transpose2d } from '../emit/transpose-weights.js';

/** Emits a plain [R, C] → [C, R] float32 transpose (static or run-time addresses and sizes). */
function emitTranspose(fn: FnBuilder, src: Address, dst: Address, rows: () => I32, cols: () => I32): Expr[] {
  const i = fn.local('i32'), j = fn.local('i32');
  return [fn.for(i, 0, rows(), 1, [fn.for(j, 0, cols(), 1, [
    fn.storeF32(...withValue(memAt(fn, dst, fn.shl(fn.add(fn.mul(j.get(), rows()), i.get()), 2)), fn.loadF32(...memAt(fn, src, fn.shl(fn.add(fn.mul(i.get(), cols()), j.get()), 2))))),
  ])])];
}

/** (address, offset) + value → storeF32's (address, value, offset). */
const withValue = ([addr, off]: [Expr, number], v: Expr): [Expr, Expr, number] => [addr, v, off];

/** How C (shape cd, broadcast to [M, N]) enters the epilogue. */
function cTerm(dims: Dim[], M: Dim, N: Dim): 'row' | 'col' | 'scalar' | 'full' | undefined {
  const d = [...new Array<Dim>(Math.max(0, 2 - dims.length)).fill(1), ...dims];
  if (d.length !== 2) return undefined;
  if (d[0] === 1 && d[1] === 1) return 'scalar';
  if (d[0] === 1 && d[1] === N) return 'col';
  if (d[0] === M && d[1] === 1) return 'row';
  if (d[0] === M && d[1] === N) return 'full';
  return undefined;
}

registerLowering({
  ops: ['Gemm'],
  runTimeDims: true,
  scratchBytes(node, inputs) {
    const a = inputs[0], b = inputs[1];
    if (!a || !b) return 0;
    return transposeBytes(node, b) + (packsA(node, a.dims, b.dims) ? aPackBytes(a.dims[transposesA(node) ? 0 : 1]!) : 0);
  },
  // Shapes only here: a constant transposed B (repacked at compile time) gets a scratch it never uses.
  runTimeScratchBytes(node, inputs) {
    return transposesB(node) ? dimMul(dimProduct(inputs[1]!.shape), 4) : 0;
  },
  lower(context) {
    const ctx = staticViewIfAny(context);
    if (!ctx) return lowerGemmRunTime(context);
    const o = (x: StaticOperand): GemmOperand => ({ name: x.name, dtype: x.dtype, shape: x.dims, constant: x.constant, addr: () => x.addr });
    const [a, b] = ctx.inputs;
    const aPack = packsA(ctx.node, a!.dims, b!.dims) ? ctx.scratch + transposeBytes(ctx.node, b!) : undefined;
    return lowerGemm({ ctx, fn: ctx.fn, ops: ctx.inputs.map((x) => x && o(x)), y: o(ctx.outputs[0]!), dim: (d) => d as number, scratch: ctx.scratch, aPack });
  },
});

function lowerGemmRunTime(ctx: LowerContext): Expr[] {
  const { fn } = ctx;
  const o = (x: Operand): GemmOperand => ({ name: x.name, dtype: x.dtype, shape: x.shape, constant: x.constant, addr: () => dynAddress(fn, x) });
  return lowerGemm({ ctx, fn, ops: ctx.inputs.map((x) => x && o(x)), y: o(ctx.outputs[0]!), dim: ctx.dim, scratch: () => fn.i(ctx.scratch()) });
}

/** Scratch for transposing a run-time B (a constant one is repacked at compile time), 16-byte aligned. */
function transposeBytes(node: Node, b: { dims: number[]; constant?: Tensor }): number {
  return transposesB(node) && !b.constant ? Math.ceil((b.dims[0]! * b.dims[1]! * 4) / 16) * 16 : 0;
}

/** Whether blocks of rows of A are packed before the micro-kernel (packsRowsOfA; not for a transposed A). */
function packsA(node: Node, a: number[], b: number[]): boolean {
  const transA = transposesA(node), transB = transposesB(node);
  const M = a[transA ? 1 : 0]!, K = a[transA ? 0 : 1]!, N = b[transB ? 0 : 1]!;
  return !transA && packsRowsOfA(M, K, N);
}

/** An operand as the Gemm plan reads it; `addr` is a thunk because reading a constant's address places it in the weights. */
interface GemmOperand { name: string; dtype: string; shape: Dim[]; constant?: Tensor; addr: () => Address }

/** What the plan needs from either context: static dims are numbers, run-time ones expressions. */
interface GemmView {
  ctx: StaticContext | LowerContext;
  fn: FnBuilder;
  ops: (GemmOperand | undefined)[];
  y: GemmOperand;
  dim(d: Dim): I32;
  scratch: Address;
  /** Scratch for GemmSpec.aPack, when the static kernel packs rows of A. */
  aPack?: Address;
}

/** One plan for static and run-time dims (rows of A, in practice): with static dims every size is a constant. */
function lowerGemm(v: GemmView): Expr[] {
  const { ctx, fn, y, dim } = v;
  const { node } = ctx;
  const [a, b, c, residual] = v.ops;
  if (y.dtype !== 'float32') unsupported(ctx, `dtype ${y.dtype}`);
  const transA = transposesA(node), transB = transposesB(node);
  const { alpha, beta } = gemmAttrs(node);
  const [M, N] = y.shape as [Dim, Dim];
  const K = a!.shape[transA ? 0 : 1]!;
  const at = (x: Address) => () => (typeof x === 'number' ? fn.i(x) : x());
  const pre: Expr[] = [];
  // Only touch the form of B the kernel reads (touching a constant's addr places it in the weights).
  // A constant B is read from panels packed at compile time (packB), a run-time transposed one from scratch.
  let bSpec: Pick<GemmSpec, 'b' | 'bKStride' | 'bPanelStride' | 'bTail'>;
  if (b!.constant) {
    const matrix = transB ? transpose2d(b!.constant) : b!.constant;
    const [rows, cols] = matrix.dims as [number, number];
    bSpec = packedB(fn, ctx.addWeight(packB(matrix), `gemmPanels:${b!.name}:${transB}`), rows, cols);
  } else if (transB) {
    pre.push(...emitTranspose(fn, b!.addr(), v.scratch, () => dim(N), () => dim(K)));
    bSpec = { b: at(v.scratch), bKStride: dim(N) };
  } else bSpec = { b: at(b!.addr()), bKStride: dim(N) };
  const spec: GemmSpec = {
    M: dim(M), N: dim(N), K: dim(K),
    a: at(a!.addr()), aRowStride: transA ? 1 : dim(K), aKStride: transA ? dim(M) : 1,
    ...bSpec,
    c: at(y.addr()), cRowStride: dim(N),
    alpha,
    ...(v.aPack !== undefined ? { aPack: v.aPack } : {}),
  };
  if (c && beta !== 0) {
    const term = cTerm(c.shape, M, N);
    if (!term) unsupported(ctx, `C of shape [${c.shape}] for a [${M},${N}] result`);
    if (term === 'full') spec.residual = { r: at(c.addr()), rRowStride: dim(N), scale: beta };
    else if (c.constant && (term === 'col' || term === 'row')) {
      spec.bias = { addr: ctx.addWeight(scaled(c.constant, beta), `gemmC:${c.name}:${beta}`), per: term };
    } else spec.bias = { addr: c.addr(), per: term, scale: beta };
  }
  if (residual) {
    if (spec.residual) unsupported(ctx, 'a fused residual together with a full-matrix C');
    if (residual.shape.length !== 2 || residual.shape[0] !== M || residual.shape[1] !== N) unsupported(ctx, `a fused residual of shape [${residual.shape}]`);
    spec.residual = { r: at(residual.addr()), rRowStride: dim(N) };
  }
  const act = readActivation(node);
  if (act) {
    spec.activation = act;
    spec.ctx = ctx;
  }
  return [...pre, ...emitGemmOrGemv(fn, spec)];
}

function scaled(t: Tensor, beta: number): Tensor {
  const src = t.data as Float32Array;
  return makeTensor('float32', [src.length], Array.from(src, (v) => v * beta));
}
