// Runs workerd (from the `workerd` npm package, which ships the binary) on 127.0.0.1 for the
// deployment tests: a config written from a compiled folder's file list, a free port, a bounded wait.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createRequire } from 'node:module';

/** The workerd binary inside node_modules; the package's main module exports its path. */
export function workerdBinary(): string {
  const require = createRequire(import.meta.url);
  return (require('workerd') as { default: string }).default;
}

/** A port that was free a moment ago; workerd binds it right after. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const KIND: [RegExp, string][] = [[/\.m?js$/, 'esModule'], [/\.wasm$/, 'wasm'], [/\.bin$/, 'data']];

/** A workerd config serving `entry` with these modules (paths relative to the config's folder). */
export function workerdConfig(entry: string, modules: string[], compatibilityDate = '2026-11-01'): string {
  const lines = [entry, ...modules.filter((m) => m !== entry)].map((m) => {
    const kind = KIND.find(([re]) => re.test(m))?.[1];
    if (!kind) throw new Error(`no workerd module type for ${m}`);
    return `    (name = ${JSON.stringify(m)}, ${kind} = embed ${JSON.stringify(m)}),`;
  });
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .w)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "main")],
);
const w :Workerd.Worker = (
  modules = [
${lines.join('\n')}
  ],
  compatibilityDate = ${JSON.stringify(compatibilityDate)},
);
`;
}

export interface Workerd {
  port: number;
  url: string;
  startedAt: number;
  log(): string;
  stop(): Promise<void>;
}

/** Starts `workerd serve <config>` listening on a free loopback port. */
export async function startWorkerd(configFile: string): Promise<Workerd> {
  const port = await freePort();
  let output = '';
  const startedAt = performance.now();
  const proc: ChildProcess = spawn(workerdBinary(), ['serve', path.basename(configFile), '--socket-addr', `http=127.0.0.1:${port}`], {
    cwd: path.dirname(configFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    startedAt,
    log: () => output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Retries `attempt` until it resolves or `timeoutMs` passes (connection refused while starting). */
export async function retryUntil<T>(attempt: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      if (performance.now() > deadline) throw new Error(`${what}: no answer within ${timeoutMs} ms (${(e as Error).message})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export function writeFiles(dir: string, files: Record<string, Uint8Array>): void {
  for (const [rel, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), bytes);
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
