// Step 2 of an inference: the parsed request checked against the model's metadata and turned into
// the runtime's tensors. Every mismatch is a 400 naming the input and what was expected, before
// the request takes a model instance.
import type { Tensor } from '@onnx2wasm/runtime';
import { datatypeByName, datatypeName, floatToBf16, floatToHalf } from './datatypes.js';
import { BadRequestError } from './errors.js';
import type { InferRequest, RequestInput } from './parse-request.js';
import type { ModelVersionInfo } from './backend.js';

function flatten(data: unknown, out: unknown[]): void {
  if (Array.isArray(data)) for (const x of data) flatten(x, out);
  else out.push(data);
}

function fromJson(input: RequestInput, count: number, dtype: string): Tensor['data'] {
  const values: unknown[] = [];
  flatten(input.data, values);
  if (values.length !== count) throw new BadRequestError(`input '${input.name}': shape [${input.shape}] needs ${count} elements, data has ${values.length}`);
  const dt = datatypeByName(input.datatype)!;
  const arr = new dt.array(count);
  const bad = (i: number) => new BadRequestError(`input '${input.name}': data[${i}] = ${JSON.stringify(values[i])} is not a valid ${input.datatype} value`);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (dtype === 'bool') {
      if (typeof v !== 'boolean' && v !== 0 && v !== 1) throw bad(i);
      arr[i] = v ? 1 : 0;
    } else if (typeof v !== 'number' || (!Number.isFinite(v) && !dtype.startsWith('float') && dtype !== 'bfloat16')) {
      throw bad(i);
    } else if (dtype === 'int64' || dtype === 'uint64') {
      if (!Number.isSafeInteger(v)) throw bad(i);
      (arr as BigInt64Array)[i] = BigInt(v);
    } else if (dtype === 'float16') {
      arr[i] = floatToHalf(v);
    } else if (dtype === 'bfloat16') {
      arr[i] = floatToBf16(v);
    } else {
      if (!dtype.startsWith('float') && !Number.isInteger(v)) throw bad(i);
      arr[i] = v;
    }
  }
  return arr;
}

function fromBinary(input: RequestInput, count: number): Tensor['data'] {
  const dt = datatypeByName(input.datatype)!;
  const need = count * dt.array.BYTES_PER_ELEMENT;
  if (input.binary!.byteLength !== need) throw new BadRequestError(`input '${input.name}': shape [${input.shape}] of ${input.datatype} needs ${need} bytes, binary_data_size is ${input.binary!.byteLength}`);
  // parseInferRequest gives a view only where it is 8-aligned, else a fresh copy (aligned at 0).
  return new dt.array(input.binary!.buffer as ArrayBuffer, input.binary!.byteOffset, count);
}

/** Checks the request against the model and returns the feeds for `run`. */
export function validateRequest(req: InferRequest, model: ModelVersionInfo): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const input of req.inputs) {
    const spec = model.inputs.find((s) => s.name === input.name);
    if (!spec) throw new BadRequestError(`model '${model.name}' has no input '${input.name}' (inputs: ${model.inputs.map((s) => s.name).join(', ')})`);
    const expected = datatypeName(spec.dtype);
    if (input.datatype !== expected) throw new BadRequestError(`input '${input.name}': expected datatype ${expected}, got ${input.datatype}`);
    if (!datatypeByName(input.datatype)) throw new BadRequestError(`input '${input.name}': datatype ${input.datatype} is not supported over this protocol`);
    const ok = input.shape.length === spec.dims.length && spec.dims.every((d, i) => typeof d !== 'number' || d === input.shape[i]);
    if (!ok) throw new BadRequestError(`input '${input.name}': expected shape [${spec.dims.map((d) => (typeof d === 'number' ? d : -1))}], got [${input.shape}]`);
    const count = input.shape.reduce((a, b) => a * b, 1);
    const data = input.binary ? fromBinary(input, count) : fromJson(input, count, spec.dtype);
    feeds[input.name] = { dtype: spec.dtype as Tensor['dtype'], dims: input.shape, data };
  }
  const missing = model.inputs.filter((s) => !feeds[s.name]);
  if (missing.length) throw new BadRequestError(`missing input(s) ${missing.map((s) => `'${s.name}'`).join(', ')} of model '${model.name}'`);
  for (const o of req.outputs ?? []) {
    if (!model.outputs.some((s) => s.name === o.name)) throw new BadRequestError(`model '${model.name}' has no output '${o.name}' (outputs: ${model.outputs.map((s) => s.name).join(', ')})`);
  }
  return feeds;
}
