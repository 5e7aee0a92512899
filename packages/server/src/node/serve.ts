// `onnx2wasm serve <repo>`: builds what is not built, starts the model instances, and serves the
// protocol with node:http until SIGINT/SIGTERM, when it stops accepting connections, lets the
// requests it accepted finish, and exits.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { VERSION } from 'onnx2wasm';
import { createHandler, DEFAULT_MAX_BODY } from '../protocol/handler.js';
import { Metrics } from '../protocol/metrics.js';
import { buildRepository } from '../repository/build.js';
import { InstancePool } from './instance-pool.js';
import { nodeListener } from './http-adapter.js';
import { RepositoryError } from '../errors.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Model instances (worker threads); default: the number of CPU cores. */
  instances?: number;
  /** Requests that may wait for an instance before new ones get 503; default 64 per instance. */
  maxQueue?: number;
  maxBodyBytes?: number;
  quiet?: boolean;
  log?: (line: string) => void;
}

/** At shutdown: how long without requests before the server stops listening, and the longest it keeps listening. */
const DRAIN_QUIET_MS = 200;
const DRAIN_MAX_MS = 30_000;

export interface RunningServer {
  url: string;
  /** Stops accepting, waits for the accepted requests, stops the instances. */
  close(): Promise<void>;
}

export async function serveRepository(repoDir: string, options: ServeOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const { root, index, built } = await buildRepository(repoDir, {
    onVersion: (m, v, status, ms) => { if (status === 'built' && !options.quiet) log(`built ${m}/${v} in ${ms.toFixed(0)} ms`); },
  });
  const served = index.models.flatMap((m) => m.versions.filter((v) => v.served).map((v) => ({
    name: m.name, version: v.version, inputs: v.inputs, outputs: v.outputs,
    wasm: path.join(root, v.compiled, v.wasm), relaxedWasm: v.relaxedWasm ? path.join(root, v.compiled, v.relaxedWasm) : null, weights: v.weights ? path.join(root, v.compiled, v.weights) : null,
  })));
  if (served.length === 0) throw new RepositoryError('INVALID_CONFIG', `no model version of '${root}' is served (check the version policies)`);
  const instances = options.instances ?? os.availableParallelism();
  const pool = new InstancePool(served, { instances, maxQueue: options.maxQueue ?? 64 * instances });
  await pool.ready().catch(async (e: Error) => {
    await pool.close();
    throw new RepositoryError('BUILD_FAILED', `${root}: ${e.message}`);
  });

  let draining = false;
  const metrics = new Metrics();
  const handler = createHandler({ backend: pool, name: 'onnx2wasm', version: VERSION, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY, metrics, isDraining: () => draining });
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let origin = '';
  const listener = nodeListener(handler, () => origin, (req, status, ms) => {
    if (!options.quiet) log(`${req.method} ${req.url} ${status} ${ms.toFixed(1)}ms`);
  });
  const server = http.createServer((req, res) => {
    inFlight++;
    // While draining, keep-alive clients are told to reconnect elsewhere after this answer.
    if (draining) res.setHeader('connection', 'close');
    res.on('close', () => { if (--inFlight === 0) drained?.(); });
    void listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new RepositoryError('IO_ERROR', `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 8000}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', resolve);
  }).catch(async (e: unknown) => {
    await pool.close(); // the instance threads would keep the process alive
    throw e;
  });
  const addr = server.address() as AddressInfo;
  origin = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log(`serving ${served.length} model version(s) of ${root} (${built.length} built now) with ${instances} instance(s)`);
  log(`listening on ${origin}`);

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    close() {
      closing ??= (async () => {
        // Closing the listener at once would reset the connections still waiting in its backlog,
        // and http's close() also drops idle keep-alive connections on which a client may already
        // have sent a request. So the server keeps answering — readiness 503, every answer with
        // Connection: close — until no request came for a moment (or DRAIN_MAX_MS passed), and
        // only then stops listening, finishes what is in flight and closes the connections.
        draining = true;
        const start = performance.now();
        do {
          if (inFlight > 0) await new Promise<void>((resolve) => { drained = resolve; });
          await new Promise((resolve) => setTimeout(resolve, DRAIN_QUIET_MS));
        } while (inFlight > 0 && performance.now() - start < DRAIN_MAX_MS);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        if (inFlight > 0) await new Promise<void>((resolve) => { drained = resolve; });
        server.closeAllConnections();
        await closed;
        await pool.close();
      })();
      return closing;
    },
  };
}
