export { compile } from './compile.js';
export { KERNEL_MODES } from './compile.js';
export type { CompileOptions, CompileResult, CompileSummary, KernelMode, Manifest, RunTimeBranchesSummary } from './compile.js';
export type { LayoutMode } from '@onnx2wasm/optimizer';
export { TARGETS, WORKER_MEMORY_BYTES, WORKER_SCRIPT_WARN_BYTES } from './targets.js';
export type { Target } from './targets.js';
export { CompileError, ShapeError, VerifyError } from '@onnx2wasm/ir';
export type { CompileErrorCode } from '@onnx2wasm/ir';
export { OnnxImportError, UnsupportedOpError } from '@onnx2wasm/onnx-import';
export { CodegenError } from '@onnx2wasm/wasm-codegen';
export { VERSION } from './version.js';
export { inspect, inspectResult } from './inspect.js';
export type { InspectReport, NodeReport, PassSummary } from './inspect.js';
export * from './plugins/index.js';
// For the server package: a repository build loads the plugin files its config.json names.
export { loadPluginFile } from './plugins/load-plugin.js';
export { bundlerAssets, bundlerGlue, bundlerRuntime } from './bundler-glue.js';
export type { BundlerGlueOptions } from './bundler-glue.js';
