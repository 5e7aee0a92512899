// Every way a protocol request can fail, each with its HTTP status. The handlers throw these; one
// place (handler.ts) turns any of them into `{ "error": message }` with the status. Runtime errors
// from the model are mapped here too: bad input is the client's fault (400), anything else ours (500).

export class ProtocolError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.status = status;
  }
}
/** Malformed JSON, a missing field, an unknown input, a wrong datatype or shape. */
export class BadRequestError extends ProtocolError {
  constructor(message: string) { super(400, message); this.name = 'BadRequestError'; }
}
/** Unknown model, version or path. */
export class NotFoundError extends ProtocolError {
  constructor(message: string) { super(404, message); this.name = 'NotFoundError'; }
}
export class MethodNotAllowedError extends ProtocolError {
  constructor(method: string, path: string, allowed: string) { super(405, `${method} is not allowed on ${path} (use ${allowed})`); this.name = 'MethodNotAllowedError'; }
}
/** The body is over the server's --max-body. */
export class PayloadTooLargeError extends ProtocolError {
  constructor(limit: number) { super(413, `the request body is over the limit of ${limit} bytes (--max-body)`); this.name = 'PayloadTooLargeError'; }
}
/** The queue is full or the server is shutting down: retry later. */
export class UnavailableError extends ProtocolError {
  constructor(message: string) { super(503, message); this.name = 'UnavailableError'; }
}

// The runtime's errors may come from another copy of the runtime (a worker thread, a bundle), so
// they are recognised by name, not instanceof.
export function toProtocolError(e: unknown): ProtocolError {
  if (e instanceof ProtocolError) return e;
  const err = e as { name?: string; message?: string; code?: string; reason?: string };
  if (err?.name === 'RuntimeInputError') return new BadRequestError(err.message ?? 'invalid input');
  // The request's values failed a kernel's check (an index out of range): the client's fault.
  if (err?.name === 'RuntimeError' && err.code === 'EXECUTION_FAILED' && err.reason === 'FAILED_CHECK') return new BadRequestError(err.message!);
  return new ProtocolError(500, `inference failed: ${err?.message ?? String(e)}`);
}
