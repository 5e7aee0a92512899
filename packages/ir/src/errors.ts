/**
 * Every failure a user can cause (a bad model, an unsupported op, a bad option) is a CompileError
 * with a stable `code`, so tools can branch on it and the CLI can print it as one line.
 */
export type CompileErrorCode =
  | 'INVALID_MODEL'
  | 'UNSUPPORTED_OP'
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'INVALID_ATTRIBUTE'
  | 'DYNAMIC_SHAPE'
  | 'MEMORY_LIMIT'
  | 'SIZE_LIMIT'
  | 'INVALID_OPTION'
  | 'VERIFY_FAILED'
  | 'CODEGEN_FAILED'
  | 'IO_ERROR';

export class CompileError extends Error {
  readonly code: CompileErrorCode;
  readonly node?: string;
  readonly op?: string;
  constructor(code: CompileErrorCode, message: string, where?: { node?: string; op?: string }) {
    super(message);
    this.name = 'CompileError';
    this.code = code;
    this.node = where?.node;
    this.op = where?.op;
  }
}

/** Type or shape inference rejected a node's inputs or attributes. */
export class ShapeError extends CompileError {
  constructor(message: string, where: { node: string; op: string }, code: CompileErrorCode = 'SHAPE_MISMATCH') {
    super(code, `${where.op} node '${where.node}': ${message}`, where);
    this.name = 'ShapeError';
  }
}

/** The graph is inconsistent (dangling value, cycle, type disagreement) — usually a bug in a pass. */
export class VerifyError extends CompileError {
  constructor(message: string, where?: { node?: string; op?: string }) {
    super('VERIFY_FAILED', message, where);
    this.name = 'VerifyError';
  }
}
