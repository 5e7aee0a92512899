// The tensor types a model declares, read without importing it: graph inputs, outputs, value_info
// and initializers. Value variants (compiler) choose and size the candidate values of small integer
// inputs by them, and they are needed exactly when the import is what fails.
import { DType } from '@onnx2wasm/ir';
import type { DecodedModel } from './import-model.js';
import { ValueInfoProto, toNum } from './proto.js';
import { dtypeFromOnnx } from './tensor-proto.js';

/** A declared shape; a symbolic or unknown dim is undefined. */
export type DeclaredShape = (number | undefined)[];

export interface DeclaredTypes {
  /** Graph inputs that have no initializer. */
  inputs: { name: string; dtype: DType; shape: DeclaredShape }[];
  /** Every declared tensor's shape, inputs included. */
  shapes: DeclaredShape[];
}

const dim = (d: unknown): number | undefined => {
  const n = d === undefined || d === null ? NaN : toNum(d);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};
const shapeOf = (v: ValueInfoProto): DeclaredShape => (v.type?.tensorType?.shape?.dim ?? []).map((d) => ((d.dimParam ?? '') === '' ? dim(d.dimValue) : undefined));

export function declaredTypes(model: DecodedModel): DeclaredTypes {
  const g = model.graph!;
  const init = new Set((g.initializer ?? []).map((t) => t.name));
  const inputs = (g.input ?? []).filter((v) => v.type?.tensorType && !init.has(v.name)).map((v) => ({
    name: v.name ?? '', dtype: dtypeFromOnnx(v.type!.tensorType!.elemType, `input '${v.name}'`), shape: shapeOf(v),
  }));
  const infos = [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])];
  return { inputs, shapes: [...infos.map(shapeOf), ...(g.initializer ?? []).map((t) => (t.dims ?? []).map(dim))] };
}
