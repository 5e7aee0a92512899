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
  | 'IO_ERROR'
  | 'LIMIT_EXCEEDED';

/** Longest message an error keeps: a hostile model must not make the CLI print megabytes. */
export const MAX_MESSAGE_CHARS = 2000;

/** `items` as a comma-separated list of at most `first` entries, then "and N more". */
export function cappedList(items: ArrayLike<unknown>, first = 16): string {
  const shown = Array.from({ length: Math.min(first, items.length) }, (_, i) => String(items[i]));
  return items.length > first ? `${shown.join(',')}, … and ${items.length - first} more` : shown.join(',');
}

function capped(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_MESSAGE_CHARS)}… (and ${message.length - MAX_MESSAGE_CHARS} more characters)`;
}

/**
 * Why a node failed, finer than its `code`, for code that must decide from an error (value-variant
 * search) without reading its message. VALUE_NEEDED: the node needs the value of `input` at compile
 * time (an axes, shape or count input that is computed or fed at run time).
 */
export type CompileErrorReason = 'VALUE_NEEDED';

/** Where an error arose: the node and op, and when one input is to blame, that input. */
export interface CompileErrorWhere { node?: string; op?: string; input?: string; reason?: CompileErrorReason }

export class CompileError extends Error {
  readonly code: CompileErrorCode;
  readonly node?: string;
  readonly op?: string;
  readonly input?: string;
  readonly reason?: CompileErrorReason;
  constructor(code: CompileErrorCode, message: string, where?: CompileErrorWhere) {
    super(capped(message));
    this.name = 'CompileError';
    this.code = code;
    this.node = where?.node;
    this.op = where?.op;
    this.input = where?.input;
    this.reason = where?.reason;
  }
}

/** Type or shape inference rejected a node's inputs or attributes. */
export class ShapeError extends CompileError {
  constructor(message: string, where: CompileErrorWhere & { node: string; op: string }, code: CompileErrorCode = 'SHAPE_MISMATCH') {
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

/**
 * A compile-time budget ran out (IR nodes, unrolled loop iterations, subgraph nesting, model
 * size, counts of repeated protobuf fields): a hostile or runaway model fails fast instead of
 * exhausting memory or time. Names the limit, where it ran out and the option that raises it.
 */
export class LimitError extends CompileError {
  readonly limit: string;
  constructor(limit: string, value: number, max: number, what: string, where?: { node?: string; op?: string }) {
    const at = where?.node ? `${where.op ?? 'node'} node '${where.node}': ` : '';
    super('LIMIT_EXCEEDED', `${at}${what} (${value} > ${max}); raise the limit with compile({ limits: { ${limit}: N } }) or --limit ${limit}=N if the model is trusted`, where);
    this.name = 'LimitError';
    this.limit = limit;
  }
}
