// compile({ threads }): the threaded build next to the 1-thread one (docs/threads.md). The same
// graph goes through the code generator again with its heavy nodes cut into parts; it must use
// the 1-thread build's weights byte for byte, so one weights file serves both modules.
import { CompileError, Graph } from '@onnx2wasm/ir';
import { CodegenOptions, generateModule } from '@onnx2wasm/wasm-codegen';

/** Threads a `threads: true` build splits its work for. */
export const DEFAULT_THREADS = 4;

/** The part count `threads` asks for, or undefined for no threaded build; a bad value is an INVALID_OPTION error. */
export function threadParts(threads: boolean | number | undefined): number | undefined {
  if (threads === undefined || threads === false) return undefined;
  if (threads === true) return DEFAULT_THREADS;
  if (!(Number.isSafeInteger(threads) && threads >= 2 && threads <= 64)) {
    throw new CompileError('INVALID_OPTION', `threads must be true or an integer from 2 to 64, got ${String(threads)}`);
  }
  return threads;
}

/** The threaded module (model.threads.wasm) of the graph whose 1-thread build has these weights. */
export function threadsBuild(graph: Graph, weights: Uint8Array, opts: CodegenOptions, parts: number): Uint8Array {
  const gen = generateModule(graph, { ...opts, threads: parts });
  const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  const same = bytes(gen.weights).equals(bytes(weights)); // memcmp: weights reach hundreds of MB
  if (!same) throw new CompileError('CODEGEN_FAILED', 'the threaded build laid out its weights differently from the 1-thread build');
  return gen.wasm;
}
