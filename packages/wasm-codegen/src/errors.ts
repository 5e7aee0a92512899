import { CompileError, CompileErrorCode } from '@onnx2wasm/ir';

export class CodegenError extends CompileError {
  constructor(message: string, where?: { node?: string; op?: string }, code: CompileErrorCode = 'CODEGEN_FAILED') {
    super(code, message, where);
    this.name = 'CodegenError';
  }
}
