import { CompileError, CompileErrorCode, CompileErrorWhere } from '@onnx2wasm/ir';

/** A model the importer cannot read or does not support; names the node and op where there is one. */
export class OnnxImportError extends CompileError {
  constructor(code: CompileErrorCode, message: string, where?: CompileErrorWhere) {
    super(code, message, where);
    this.name = 'OnnxImportError';
  }
}

export interface UnsupportedOp { op: string; domain: string; opset: number; nodes: string[] }

/** All unsupported ops of a model, reported at once so a user sees the whole list in one run. */
export class UnsupportedOpError extends OnnxImportError {
  readonly unsupported: UnsupportedOp[];
  constructor(unsupported: UnsupportedOp[]) {
    const lines = unsupported.map((u) => {
      const dom = u.domain && u.domain !== 'ai.onnx' ? `${u.domain}:` : '';
      const hint = dom ? ' (custom domain: a plugin can provide it)' : '';
      const shown = u.nodes.slice(0, 5).map((n) => `'${n}'`).join(', ') + (u.nodes.length > 5 ? `, … ${u.nodes.length - 5} more` : '');
      return `${dom}${u.op} (opset ${u.opset})${hint} at ${u.nodes.length === 1 ? 'node' : 'nodes'} ${shown}`;
    });
    super('UNSUPPORTED_OP', `unsupported ${unsupported.length === 1 ? 'op' : 'ops'}: ${lines.join('; ')}`, {
      node: unsupported[0]?.nodes[0], op: unsupported[0]?.op,
    });
    this.name = 'UnsupportedOpError';
    this.unsupported = unsupported;
  }
}
