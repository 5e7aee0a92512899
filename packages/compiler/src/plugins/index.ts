// What a plugin may import from 'onnx2wasm': the plugin API and the typed helpers the built-in ops
// and kernels use (never raw binaryen).
export { definePlugin } from './define-plugin.js';
export type { Plugin, PluginOp, ExpandOp, KernelOp } from './define-plugin.js';
export { registerPlugins } from './register-plugins.js';
export {
  fail, attrInt, attrInts, attrFloat, attrString, input, expectDType, broadcastShapes, normalizeAxis,
  makeTensor, scalarTensor, mapElementwise, referenceErf, fnOf, isFn, opLabel, functionNode,
} from '@onnx2wasm/ir';
export type { InferContext, Node, Tensor, ValueType, DType } from '@onnx2wasm/ir';
export type { HandlerContext } from '@onnx2wasm/onnx-import';
export type { Pass, PassContext } from '@onnx2wasm/optimizer';
export { broadcastLoops, vexp, vsigmoid, vtanh, verf, emitActivation, unsupported, elementCount } from '@onnx2wasm/wasm-codegen';
export type { StaticContext, StaticOperand, Expr, FnBuilder } from '@onnx2wasm/wasm-codegen';
/** The names plugins used before the one lowering API (the same static view), kept so they still compile. */
export type { StaticContext as LowerContext, StaticOperand as Operand } from '@onnx2wasm/wasm-codegen';
