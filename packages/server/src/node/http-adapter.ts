// node:http → the Fetch handlers: each IncomingMessage becomes a Request (its body streamed, so
// the handler's size limit applies while reading) and the Response is written back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FetchHandler } from '../protocol/handler.js';

export function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) headers.append(k, x);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

export async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const body = req.method === 'HEAD' || !response.body ? undefined : new Uint8Array(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => { headers[k] = v; });
  // Answered before the body was read to its end (e.g. 413): the connection cannot carry another request.
  if (!req.complete) headers['connection'] = 'close';
  if (body) headers['content-length'] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}

/** A node:http request listener serving `handler`; `onDone` gets each request's status and time. */
export function nodeListener(handler: FetchHandler, origin: () => string, onDone: (req: IncomingMessage, status: number, ms: number) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const t0 = performance.now();
    let status = 500;
    try {
      const response = await handler(toRequest(req, origin()));
      status = response.status;
      await writeResponse(req, res, response);
    } catch (e) {
      // The handler answers every error itself; this is a failure writing the answer.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `internal error: ${(e as Error).message}` }));
    } finally {
      onDone(req, status, performance.now() - t0);
    }
  };
}
