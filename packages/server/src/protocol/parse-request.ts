// Step 1 of an inference: the request body → a structurally valid inference request. JSON alone,
// or (binary data extension) a JSON header of Inference-Header-Content-Length bytes followed by
// the binary tensors of the inputs that carry a binary_data_size parameter, in input order.
import { BadRequestError } from './errors.js';

export interface RequestInput {
  name: string;
  shape: number[];
  datatype: string;
  /** JSON data as sent (flat or nested); undefined when binary. */
  data?: unknown;
  /** The tensor's bytes (binary data extension). */
  binary?: Uint8Array;
}
export interface RequestOutput { name: string; binary?: boolean }
export interface InferRequest {
  id?: string;
  inputs: RequestInput[];
  /** The outputs asked for; undefined: all, encoded as binaryOutputs says. */
  outputs?: RequestOutput[];
  /** The binary_data_output request parameter. */
  binaryOutputs: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseHeaderLength(value: string | null, total: number): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > total) throw new BadRequestError(`Inference-Header-Content-Length must be a byte count within the body (${total} bytes), got '${value}'`);
  return n;
}

function parseJson(bytes: Uint8Array): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new BadRequestError(`the request is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(body)) throw new BadRequestError('the request must be a JSON object with "inputs"');
  return body;
}

function parseInput(raw: unknown, i: number): RequestInput & { binarySize?: number } {
  if (!isObject(raw)) throw new BadRequestError(`inputs[${i}] must be an object with name, shape, datatype and data`);
  const { name, shape, datatype, data, parameters } = raw;
  if (typeof name !== 'string') throw new BadRequestError(`inputs[${i}].name must be a string`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new BadRequestError(`input '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  if (typeof datatype !== 'string') throw new BadRequestError(`input '${name}': datatype must be a string such as "FP32"`);
  const size = isObject(parameters) ? parameters.binary_data_size : undefined;
  if (size !== undefined) {
    if (!(Number.isSafeInteger(size) && (size as number) >= 0)) throw new BadRequestError(`input '${name}': binary_data_size must be a byte count, got ${JSON.stringify(size)}`);
    if (data !== undefined) throw new BadRequestError(`input '${name}' has both data and binary_data_size`);
    return { name, shape, datatype, binarySize: size as number };
  }
  if (data === undefined) throw new BadRequestError(`input '${name}' has no data (give "data", or binary_data_size with binary data after the JSON)`);
  return { name, shape, datatype, data };
}

function parseOutputs(raw: unknown): RequestOutput[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw new BadRequestError('outputs must be a list of { "name" }');
  return raw.map((o, i) => {
    if (!isObject(o) || typeof o.name !== 'string') throw new BadRequestError(`outputs[${i}] must be an object with a name`);
    const b = isObject(o.parameters) ? o.parameters.binary_data : undefined;
    if (b !== undefined && typeof b !== 'boolean') throw new BadRequestError(`output '${o.name}': binary_data must be true or false`);
    return { name: o.name, ...(b !== undefined ? { binary: b } : {}) };
  });
}

export function parseInferRequest(body: Uint8Array, headerLength: string | null): InferRequest {
  const jsonLength = parseHeaderLength(headerLength, body.byteLength) ?? body.byteLength;
  const json = parseJson(body.subarray(0, jsonLength));
  if (!Array.isArray(json.inputs) || json.inputs.length === 0) throw new BadRequestError('the request needs "inputs": a non-empty list of tensors');
  if (json.id !== undefined && typeof json.id !== 'string') throw new BadRequestError('id must be a string');
  const params = isObject(json.parameters) ? json.parameters : {};
  if (params.binary_data_output !== undefined && typeof params.binary_data_output !== 'boolean') throw new BadRequestError('binary_data_output must be true or false');
  let offset = jsonLength;
  const inputs = json.inputs.map((raw, i) => {
    const { binarySize, ...input } = parseInput(raw, i);
    if (binarySize === undefined) return input;
    if (offset + binarySize > body.byteLength) throw new BadRequestError(`input '${input.name}': binary_data_size ${binarySize} runs past the end of the body (${body.byteLength - offset} bytes left after the JSON header${headerLength === null ? '; binary data needs the Inference-Header-Content-Length header' : ''})`);
    // A view when the bytes sit aligned for any element type (readBody places them so), else a copy.
    const binary = (body.byteOffset + offset) % 8 === 0 ? body.subarray(offset, offset + binarySize) : body.slice(offset, offset + binarySize);
    offset += binarySize;
    return { ...input, binary };
  });
  if (offset !== body.byteLength) throw new BadRequestError(`the body has ${body.byteLength - offset} bytes after the JSON header that no input's binary_data_size accounts for`);
  const names = new Set<string>();
  for (const x of inputs) {
    if (names.has(x.name)) throw new BadRequestError(`input '${x.name}' is given twice`);
    names.add(x.name);
  }
  return { ...(json.id !== undefined ? { id: json.id as string } : {}), inputs, outputs: parseOutputs(json.outputs), binaryOutputs: params.binary_data_output === true };
}
