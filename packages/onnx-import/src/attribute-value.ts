// An ONNX attribute's value as the IR holds it (numbers, strings, lists, tensors). Its own file so
// that subgraph inlining and the model importer share it without importing each other.
import { AttrValue } from '@onnx2wasm/ir';
import { OnnxImportError } from './errors.js';
import { AttributeProto, toNum } from './proto.js';
import { TensorLoadOptions, tensorFromProto } from './tensor-proto.js';

export function attrValue(a: AttributeProto, opts: TensorLoadOptions): AttrValue {
  switch (a.type) {
    case 1: return a.f ?? 0;
    case 2: return toNum(a.i ?? 0);
    case 3: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case 4: return tensorFromProto(a.t ?? {}, opts);
    case 6: return [...(a.floats ?? [])];
    case 7: return (a.ints ?? []).map(toNum);
    case 8: return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case 5: case 9: case 10: case 11: case 13: case 14:
      throw new OnnxImportError('UNSUPPORTED_OP', `attribute '${a.name}' has a kind (a list of graphs, sparse tensor or type proto) that is not supported`);
    default: {
      // Old exporters leave `type` unset; infer it from which field is filled.
      if (a.floats?.length) return [...a.floats];
      if (a.ints?.length) return a.ints.map(toNum);
      if (a.t) return tensorFromProto(a.t, opts);
      if (a.s?.length) return new TextDecoder().decode(a.s);
      if (a.f !== undefined && a.f !== null && a.f !== 0) return a.f;
      return toNum(a.i ?? 0);
    }
  }
}
