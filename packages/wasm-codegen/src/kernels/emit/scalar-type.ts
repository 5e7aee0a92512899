// The shape of an element type as a wasm scalar (how kernels load, store and compute it), apart
// from the tables that fill it in (scalar-types.ts, low-precision-types.ts), which both use it.
import { DType } from '@onnx2wasm/ir';
import type { KernelHost } from '../../lowering.js';
import type { Expr, I32 } from '../../wasm-builder.js';

export type WasmScalar = 'i32' | 'i64' | 'f32' | 'f64';

export interface ScalarType {
  dtype: DType;
  wasm: WasmScalar;
  bytes: number;
  float: boolean;
  signed: boolean;
  load(ctx: KernelHost, addr: I32, offset?: number): Expr;
  store(ctx: KernelHost, addr: I32, value: Expr, offset?: number): Expr;
}
