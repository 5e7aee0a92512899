// Helpers for handlers that turn ONNX's "attribute in old opsets, input in new ones" forms
// (axes, shapes, starts/ends) into one canonical IR form.
import { Tensor, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { HandlerContext } from '../handler-registry.js';

/** The integers of a constant input, undefined when the input is omitted; fails when it is computed at run time. */
export function constInts(ctx: HandlerContext, index: number, what: string): number[] | undefined {
  const name = ctx.node.inputs[index];
  if (!name) return undefined;
  const t = ctx.constantOf(name);
  if (!t) ctx.needValue(name, `${what} (input ${index}) must be a constant (an initializer or a Constant node); computed ${what} are not supported`);
  if (t.dtype !== 'int64' && t.dtype !== 'int32') ctx.fail(`${what} (input ${index}) must be an integer tensor, got ${t.dtype}`);
  return toNumbers(t);
}

/** The integers of a constant input the op cannot do without. */
export function requireConstInts(ctx: HandlerContext, index: number, what: string): number[] {
  return constInts(ctx, index, what) ?? ctx.fail(`${what} (input ${index}) is required`);
}

/** An integer-list attribute, undefined when absent. */
export function intsAttr(ctx: HandlerContext, name: string): number[] | undefined {
  const v = ctx.node.attrs[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) ctx.fail(`attribute '${name}' must be a list of integers`);
  return v as number[];
}

export function int64Vector(values: number[]): Tensor {
  return makeTensor('int64', [values.length], values);
}
