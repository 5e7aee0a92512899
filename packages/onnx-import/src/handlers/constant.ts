// Constant becomes a compile-time value of the graph (not a node), so handlers and inference after
// it see its value at once. Shape, ConstantOfShape and Cast map to IR ops of the same name; Cast's
// ONNX type code becomes an IR dtype name.
import { DType, Tensor, hasSaturate, makeTensor } from '@onnx2wasm/ir';
import { HandlerContext, registerHandler } from '../handler-registry.js';
import { ONNX_DTYPES } from '../tensor-proto.js';

const VALUE_FORMS = ['value', 'value_float', 'value_floats', 'value_int', 'value_ints', 'value_string', 'value_strings', 'sparse_value'];

registerHandler('Constant', 1, (ctx) => {
  const { node } = ctx;
  const set = VALUE_FORMS.filter((k) => node.attrs[k] !== undefined && node.attrs[k] !== null);
  if (set.length !== 1) ctx.fail(`needs exactly one value attribute (one of ${VALUE_FORMS.join(', ')}), got ${set.length ? set.join(', ') : 'none'}`);
  const form = set[0]!, v = node.attrs[form];
  const nums = (x: unknown): number[] => {
    if (!Array.isArray(x) || x.some((e) => typeof e !== 'number')) ctx.fail(`attribute '${form}' must be a list of numbers`);
    return x as number[];
  };
  let t: Tensor;
  switch (form) {
    case 'value':
      if (typeof v !== 'object' || v === null || Array.isArray(v) || !('dtype' in v)) ctx.fail("attribute 'value' must be a tensor");
      t = v as Tensor;
      break;
    case 'value_float': t = makeTensor('float32', [], [v as number]); break;
    case 'value_floats': t = makeTensor('float32', [nums(v).length], nums(v)); break;
    case 'value_int': t = makeTensor('int64', [], [v as number]); break;
    case 'value_ints': t = makeTensor('int64', [nums(v).length], nums(v)); break;
    default: return ctx.fail(`attribute '${form}' (string or sparse constants) is not supported`);
  }
  const out = node.outputs[0];
  if (!out) return ctx.fail('has no output');
  ctx.graph.constants.set(out, t);
  ctx.graph.types.set(out, { dtype: t.dtype, shape: [...t.dims] });
});

// Shape-1 returns every dim; opset 15 adds start/end.
registerHandler('Shape', 1, (ctx) => { ctx.emit('Shape', [ctx.node.inputs[0]!], {}, ctx.node.outputs); });
registerHandler('Shape', 15, (ctx) => {
  const attrs: Record<string, number> = {};
  for (const k of ['start', 'end']) if (typeof ctx.node.attrs[k] === 'number') attrs[k] = ctx.node.attrs[k] as number;
  ctx.emit('Shape', [ctx.node.inputs[0]!], attrs, ctx.node.outputs);
});

registerHandler('ConstantOfShape', 9, (ctx) => {
  const v = ctx.node.attrs.value;
  ctx.emit('ConstantOfShape', [ctx.node.inputs[0]!], v === undefined || v === null ? {} : { value: v }, ctx.node.outputs);
});

// Cast-1 names the target type with a string ('FLOAT'); from opset 6 it is a TensorProto code.
const TYPE_NAMES: Record<string, DType> = {
  FLOAT: 'float32', DOUBLE: 'float64', FLOAT16: 'float16', INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64', BOOL: 'bool',
};
/** saturate (opset 19) and round_mode (opset 24), written for the targets they apply to (the IR's Cast reads them only there). */
export function castOptions(ctx: HandlerContext, to: DType): Record<string, number | string> {
  const { saturate, round_mode: mode } = ctx.node.attrs;
  if (hasSaturate(to) && typeof saturate !== 'number') ctx.fail(`casting to ${to} needs opset 19 or later (attribute 'saturate')`);
  if (to === 'float8e8m0' && typeof mode !== 'string') ctx.fail(`casting to ${to} needs opset 24 or later (attribute 'round_mode')`);
  return { ...(hasSaturate(to) ? { saturate: saturate as number } : {}), ...(to === 'float8e8m0' ? { round_mode: mode as string } : {}) };
}

registerHandler('Cast', 1, (ctx) => {
  const to = ctx.node.attrs.to;
  let dtype: DType | undefined;
  if (typeof to === 'number') dtype = ONNX_DTYPES[to];
  else if (typeof to === 'string') dtype = TYPE_NAMES[to.toUpperCase()];
  if (!dtype || dtype === 'string') return ctx.fail(`cannot cast to type ${JSON.stringify(to)} (complex and string are not supported)`);
  ctx.emit('Cast', [ctx.node.inputs[0]!], { to: dtype, ...castOptions(ctx, dtype) }, ctx.node.outputs);
});
