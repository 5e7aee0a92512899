// Ops whose handler is a direct mapping or a small rewrite: Expand, Tile, Range, Size, EyeLike,
// Trilu, ReverseSequence, CastLike (→ Cast) and Dropout (→ Identity in inference).
import { DType, isStatic, makeTensor, toNumbers } from '@onnx2wasm/ir';
import { OnnxImportError } from '../errors.js';
import { HandlerContext, direct, registerHandler } from '../handler-registry.js';
import { ONNX_DTYPES } from '../tensor-proto.js';
import { int64Vector } from './const-input.js';
import { castOptions } from './constant.js';
import { scalarOf } from './scalar-value.js';

registerHandler('Expand', 8, direct());
registerHandler('Range', 11, direct());
registerHandler('Size', 1, direct());
registerHandler('Trilu', 14, direct());
registerHandler('ReverseSequence', 10, direct());

registerHandler('Tile', 6, (ctx) => { ctx.emit('Tile', ctx.node.inputs.slice(0, 2), {}, ctx.node.outputs); });
// Tile-1 repeats along one axis: inputs (x, tiles, axis), both constant scalars.
registerHandler('Tile', 1, (ctx) => {
  const [, tiles, axis] = ctx.node.inputs.map((n) => (n ? ctx.constantOf(n) : undefined));
  const name = ctx.node.inputs[0]!;
  if (!tiles || !axis) ctx.needValue(ctx.node.inputs[tiles ? 2 : 1]!, 'tiles and axis (inputs 1 and 2) must be constants');
  const rank = ctx.typeOf(name).shape.length;
  const a = Number(axis!.data[0]!);
  const reps = Array.from({ length: rank }, (_, i) => (i === (a < 0 ? a + rank : a) ? Number(tiles!.data[0]!) : 1));
  ctx.emit('Tile', [name, ctx.addConstant(int64Vector(reps), 'repeats')], {}, ctx.node.outputs);
});

registerHandler('EyeLike', 9, (ctx) => {
  const code = ctx.node.attrs.dtype;
  const attrs: Record<string, number | string> = { k: typeof ctx.node.attrs.k === 'number' ? ctx.node.attrs.k : 0 };
  if (typeof code === 'number') {
    const dtype = ONNX_DTYPES[code];
    if (!dtype || dtype === 'string') ctx.fail(`dtype ${code} is not supported`);
    attrs.dtype = dtype!;
  } else {
    attrs.dtype = ctx.typeOf(ctx.node.inputs[0]!).dtype;
  }
  ctx.emit('EyeLike', [ctx.node.inputs[0]!], attrs, ctx.node.outputs);
});

registerHandler('CastLike', 15, (ctx) => {
  const to = ctx.typeOf(ctx.node.inputs[1]!).dtype;
  ctx.emit('Cast', [ctx.node.inputs[0]!], { to, ...castOptions(ctx, to) }, ctx.node.outputs);
});

function unsupported(ctx: HandlerContext, what: string): never {
  throw new OnnxImportError('UNSUPPORTED_OP', `${ctx.node.opType} node '${ctx.node.name}': ${what}`, { node: ctx.node.name, op: ctx.node.opType });
}

/** Inference-mode Dropout: y = x, and the optional mask is all ones (bool from opset 10, x's type before). */
function emitInferenceDropout(ctx: HandlerContext): void {
  const [y, mask] = ctx.node.outputs;
  const x = ctx.node.inputs[0]!;
  ctx.emit('Identity', [x], {}, [y!]);
  if (!mask) return;
  const dtype: DType = ctx.opset >= 10 ? 'bool' : ctx.typeOf(x).dtype;
  const dims = ctx.typeOf(x).shape;
  const shape = isStatic(dims) ? ctx.addConstant(int64Vector(dims), 'mask_shape') : ctx.emit('Shape', [x])[0]!;
  ctx.emit('ConstantOfShape', [shape], { value: makeTensor(dtype, [1], [1]) }, [mask]);
}

// Before opset 12 a model is compiled for inference whatever is_test says: Dropout is identity.
registerHandler('Dropout', 1, emitInferenceDropout);
// From 12, training_mode (input 2) may switch on random dropping, which an inference module does
// not do (its result could match no other runtime's random draw). Dropout is identity whenever
// training_mode is 0 or the ratio is 0. When either is fed at run time, the module checks: a run
// that asks for random dropping (training_mode true and ratio not 0) stops with a failed check
// (EXECUTION_FAILED, reason FAILED_CHECK) instead of returning an undropped tensor.
registerHandler('Dropout', 12, (ctx) => {
  const [x, ratioName, modeName] = ctx.node.inputs;
  const ratio = ratioName ? ctx.constantOf(ratioName) : undefined;
  const mode = modeName ? ctx.constantOf(modeName) : undefined;
  const r = !ratioName ? 0.5 : ratio ? toNumbers(ratio)[0] : undefined;
  const training = !modeName ? false : mode ? toNumbers(mode)[0] !== 0 : undefined;
  if (training === false || r === 0) return emitInferenceDropout(ctx);
  if (training === true && r !== undefined) unsupported(ctx, 'training_mode=1 with a non-zero ratio (random dropout) is not supported; export the model in inference mode');
  const asBool = (v: string) => (ctx.typeOf(v).dtype === 'bool' ? v : ctx.emit('Cast', [v], { to: 'bool' })[0]!);
  // random = training && ratio != 0, each side a constant or read at run time.
  const ratioNonZero = r === undefined ? ctx.emit('Not', [scalarOf(ctx, ctx.emit('Equal', [ratioName!, ctx.addConstant(makeTensor(ctx.typeOf(ratioName!).dtype, [], [0]), 'zero')])[0]!, `ratio '${ratioName}'`)])[0]! : undefined;
  const trainingFlag = training === undefined ? asBool(scalarOf(ctx, modeName!)) : undefined;
  const random = ratioNonZero && trainingFlag ? ctx.emit('And', [trainingFlag, ratioNonZero])[0]! : (ratioNonZero ?? trainingFlag)!;
  const dtype = ctx.typeOf(x!).dtype;
  const stop = ctx.emit('FailBranch', [random], { when: 1, dtype: 'bool', shape: [], message: 'training_mode is true with a non-zero ratio: random dropout is not supported' })[0]!;
  const [y, mask] = ctx.node.outputs;
  // stop is false whenever the run goes on, so y is x exactly; reading it keeps the check in the graph.
  ctx.emit('Where', [stop, ctx.addConstant(makeTensor(dtype, [], [0]), 'dropped'), x!], {}, [y!]);
  if (mask) {
    const dims = ctx.typeOf(x!).shape;
    const shape = isStatic(dims) ? ctx.addConstant(int64Vector(dims), 'mask_shape') : ctx.emit('Shape', [x!])[0]!;
    ctx.emit('ConstantOfShape', [shape], { value: makeTensor('bool', [1], [1]) }, [mask]);
  }
});
