// The actions of the `build`, `pack`, `unpack`, `serve` and `deploy` commands. The onnx2wasm CLI
// defines their flags and imports this module lazily (packages/compiler/src/cli/server-commands.ts),
// so the compiler does not depend on the server package; each action prints a short summary.
import { buildRepository } from './repository/build.js';
import { packRepository, unpackRepository } from './repository/archive.js';
import { serveRepository, type ServeOptions } from './node/serve.js';
import { deployWorker, type DeployOptions } from './worker/deploy.js';

type Print = (line: string) => void;
const stdout: Print = (line) => process.stdout.write(line + '\n');

export async function build(repo: string, options: { out?: string }, print: Print = stdout): Promise<void> {
  const t0 = performance.now();
  const r = await buildRepository(repo, { out: options.out, onVersion: (m, v, status, ms) => print(`${status === 'built' ? 'built' : 'unchanged'} ${m}/${v}${status === 'built' ? ` in ${ms.toFixed(0)} ms` : ''}`) });
  print(`${r.built.length} built, ${r.unchanged.length} unchanged in ${(performance.now() - t0).toFixed(0)} ms; index ${r.root}/repository.json`);
}

export async function pack(repo: string, options: { output: string }, print: Print = stdout): Promise<void> {
  const r = await packRepository(repo, options.output);
  print(`wrote ${options.output}: ${r.files} files, ${r.bytes} bytes`);
}

export async function unpack(archive: string, options: { output: string }, print: Print = stdout): Promise<void> {
  const r = await unpackRepository(archive, options.output);
  print(`unpacked ${r.files} files into ${options.output}`);
}

/** Serves until SIGINT or SIGTERM, then drains and returns. */
export async function serve(repo: string, options: ServeOptions): Promise<void> {
  const server = await serveRepository(repo, options);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (!options.quiet) stdout(`${signal}: finishing the requests in flight`);
      server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function deploy(repo: string, options: DeployOptions, print: Print = stdout): Promise<void> {
  const r = await deployWorker(repo, options);
  print(`wrote a Worker serving ${r.versions.join(', ')} to ${r.out} (${r.modules.length} modules, ${r.bundleGzipBytes} bytes gzipped)`);
  print(`run it locally: npx workerd serve ${r.out}/config.capnp; deploy: cd ${r.out} && npx wrangler deploy`);
}
