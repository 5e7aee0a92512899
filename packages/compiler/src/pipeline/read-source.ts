// Step 1 of compile(): the model's bytes from a path or a buffer, with the folder that external
// weights are read relative to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompileError, LimitError } from '@onnx2wasm/ir';

export interface ModelSource { bytes: Uint8Array; baseDir?: string }

export function readSource(src: Uint8Array | ArrayBuffer | string, maxBytes: number): ModelSource {
  if (typeof src === 'string') {
    let size: number;
    try { size = fs.statSync(src).size; } catch { size = 0; } // the read below reports the error
    if (size > maxBytes) throw new LimitError('maxModelBytes', size, maxBytes, `the model file '${src}' is larger than allowed`);
    try {
      return { bytes: new Uint8Array(fs.readFileSync(src)), baseDir: path.dirname(path.resolve(src)) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new CompileError('IO_ERROR', `model file '${src}' does not exist`);
      if (code === 'EISDIR') throw new CompileError('IO_ERROR', `'${src}' is a folder; give the .onnx file`);
      throw new CompileError('IO_ERROR', `cannot read model file '${src}': ${code ?? (e as Error).message}`);
    }
  }
  if (src instanceof Uint8Array) return { bytes: src };
  if (src instanceof ArrayBuffer) return { bytes: new Uint8Array(src) };
  throw new CompileError('INVALID_OPTION', 'compile() takes the model as a file path, a Uint8Array or an ArrayBuffer');
}
