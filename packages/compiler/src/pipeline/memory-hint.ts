// MEMORY_LIMIT and SIZE_LIMIT errors end with what would make the model fit.
import { CompileError } from '@onnx2wasm/ir';

export async function withMemoryHint<T>(build: () => Promise<T>, leanTried: boolean): Promise<T> {
  try {
    return await build();
  } catch (e) {
    if (e instanceof CompileError && e.code === 'MEMORY_LIMIT') {
      e.message += leanTried ? '. This is with the memory-lean kernels (no Winograd filters transformed at load); to lower it further: '
        : ". To lower it: memory-lean kernels (--kernels lean, or kernels: 'lean'), which keep Winograd weights untransformed; ";
      e.message += 'smaller inputs (a smaller batch or sequence through --input-shape, lower --max-shape bounds); ' +
        'splitting the model into parts that each fit; or a higher limit (--max-memory) where the platform allows it';
    } else if (e instanceof CompileError && e.code === 'SIZE_LIMIT') {
      e.message += '. To shrink it: keep the weights in a separate file (no --embed-weights; for --target worker they still count, ' +
        'as they travel in the bundle); fewer or smaller weights (a smaller model, or splitting it into parts); ' +
        'or a higher limit (--max-script-size) where the platform allows it';
    }
    throw e;
  }
}
