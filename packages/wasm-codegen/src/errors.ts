import { CompileError, CompileErrorCode, CompileErrorWhere } from '@onnx2wasm/ir';

export class CodegenError extends CompileError {
  constructor(message: string, where?: CompileErrorWhere, code: CompileErrorCode = 'CODEGEN_FAILED') {
    super(code, message, where);
    this.name = 'CodegenError';
  }
}
