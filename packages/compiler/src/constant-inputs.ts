// constantInputs may give an input's value as plain numbers (`{ sr: 16000 }`, `--constant sr=16000`):
// the tensor takes the dtype and dims the model declares for that input (a single number also fills
// a one-element input of unknown dims; a list fills a rank-1 input of unknown length).
import { CompileError, DType, Tensor, TypedArray, makeTensor } from '@onnx2wasm/ir';
import { DecodedModel, declaredTypes } from '@onnx2wasm/onnx-import';

export type ConstantValue = { dtype: DType; dims: number[]; data: TypedArray } | number | number[];

export function resolveConstantInputs(model: DecodedModel, given: Record<string, ConstantValue> | undefined): Record<string, Tensor> | undefined {
  if (!given) return undefined;
  const declared = declaredTypes(model).inputs;
  const out: Record<string, Tensor> = {};
  for (const [name, v] of Object.entries(given)) {
    if (typeof v === 'object' && !Array.isArray(v)) { out[name] = v as Tensor; continue; }
    const values = Array.isArray(v) ? v : [v];
    if (!values.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new CompileError('INVALID_OPTION', `constantInputs['${name}'] must be a tensor, a number or a list of numbers`);
    const input = declared.find((d) => d.name === name);
    if (!input) throw new CompileError('INVALID_OPTION', `constantInputs: the model has no input '${name}' (inputs: ${declared.map((d) => d.name).join(', ') || 'none'})`);
    let dims = input.shape;
    if (dims.some((d) => d === undefined)) {
      if (dims.length === 1) dims = [values.length];
      else if (values.length === 1 && dims.length > 0) dims = dims.map(() => 1);
    }
    if (dims.some((d) => d === undefined)) throw new CompileError('INVALID_OPTION', `constantInputs['${name}']: input '${name}' has unknown dims [${input.shape.map((d) => d ?? '?')}]; give the value as a tensor with its dims`);
    const count = (dims as number[]).reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new CompileError('INVALID_OPTION', `constantInputs['${name}'] has ${values.length} value${values.length === 1 ? '' : 's'}, input '${name}' ${input.dtype}[${dims}] takes ${count}`);
    out[name] = makeTensor(input.dtype, dims as number[], values);
  }
  return out;
}
