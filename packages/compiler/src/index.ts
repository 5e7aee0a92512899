export { compile } from './compile.js';
export type { CompileOptions, CompileResult, CompileSummary, Manifest } from './compile.js';
export { CompileError, ShapeError, VerifyError } from '@onnx2wasm/ir';
export type { CompileErrorCode } from '@onnx2wasm/ir';
export { OnnxImportError, UnsupportedOpError } from '@onnx2wasm/onnx-import';
export { CodegenError } from '@onnx2wasm/wasm-codegen';
export { VERSION } from './version.js';
export { inspect, inspectResult } from './inspect.js';
export type { InspectReport, NodeReport, PassSummary } from './inspect.js';
