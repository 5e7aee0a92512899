// Types for `import model from './model.onnx'` and `'./model.onnx?onnx2wasm'`: add
// "@onnx2wasm/vite/client" (or "@onnx2wasm/esbuild/client") to compilerOptions.types.
interface Onnx2wasmTensor { dtype: string; dims: number[]; data: ArrayBufferView }
interface Onnx2wasmModel {
  readonly inputs: { name: string; dtype: string; dims: (number | string)[] }[];
  readonly outputs: { name: string; dtype: string; dims: (number | string)[] }[];
  run(feeds: Record<string, Onnx2wasmTensor>): Promise<Record<string, Onnx2wasmTensor>>;
}
interface Onnx2wasmImport {
  /** The shared instance, loaded on the first call; the weights come from the Cache API after the first visit. */
  load(options?: { wasm?: WebAssembly.Module | BufferSource; weights?: BufferSource }): Promise<Onnx2wasmModel>;
  readonly inputs: Onnx2wasmModel['inputs'];
  readonly outputs: Onnx2wasmModel['outputs'];
  readonly target: 'browser';
  readonly WEIGHTS: { file: string | null; sha256: string | null; bytes: number };
}
declare module '*.onnx' {
  const model: Onnx2wasmImport;
  export default model;
}
declare module '*?onnx2wasm' {
  const model: Onnx2wasmImport;
  export default model;
}
