// The serving commands (build, pack, unpack, serve, deploy). Their flags live here, their work in
// the optional @onnx2wasm/server package, which sits to the right of the compiler in the layering
// (it imports onnx2wasm): it is loaded with a dynamic import only when one of these commands runs,
// so `compile`, `run` and `check` work without it and the compiler never depends on it.
import * as os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliFailure } from './errors.js';
import { parseByteSize } from './deploy-flags.js';

/** What @onnx2wasm/server/cli exports (declared here: the compiler builds before the server). */
interface ServerCli {
  build(repo: string, o: { out?: string }): Promise<void>;
  pack(repo: string, o: { output: string }): Promise<void>;
  unpack(archive: string, o: { output: string }): Promise<void>;
  serve(repo: string, o: { host: string; port: number; instances: number; maxQueue?: number; maxBodyBytes: number; quiet?: boolean }): Promise<void>;
  deploy(repo: string, o: { target: 'worker'; out: string; maxMemoryBytes: number; maxScriptBytes: number; relaxedSimd: boolean }): Promise<void>;
}

// A variable, not a literal: neither tsc nor Nx may treat the optional package as a build dependency.
const SERVER_CLI = '@onnx2wasm/server/cli';

async function loadServerCli(): Promise<ServerCli> {
  // Resolved first, on its own: a resolution failure of this one specifier means the package is
  // missing, while a missing module deeper inside an installed server package stays its own error.
  let url: string;
  try {
    url = import.meta.resolve(SERVER_CLI);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new CliFailure('this command needs the server package: npm i @onnx2wasm/server');
    throw e;
  }
  return (await import(url)) as ServerCli;
}

function positiveInt(what: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${what} must be a whole number >= 1, got '${v}'`);
    return Number(v);
  };
}

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`expected a port number 0-65535 (0: any free port), got '${v}'`);
  return Number(v);
}

export function serverCommands(): Command[] {
  const build = new Command('build')
    .description('compile every version of a model repository (<repo>/<model>/<version>/model.onnx) that is not built yet, and write <repo>/repository.json')
    .argument('<repo>', 'the model repository folder')
    .option('--out <dir>', 'write a complete built repository there instead of building in place')
    .action(async (repo: string, o: { out?: string }) => (await loadServerCli()).build(repo, o));
  const pack = new Command('pack')
    .description('write a built repository as a deterministic .tgz (same repository, same bytes)')
    .argument('<repo>', 'the built model repository')
    .requiredOption('-o, --output <file>', 'the archive to write, e.g. repo.tgz')
    .action(async (repo: string, o: { output: string }) => (await loadServerCli()).pack(repo, o));
  const unpack = new Command('unpack')
    .description('restore a repository archive written by pack into a new folder')
    .argument('<archive>', 'the .tgz written by pack')
    .requiredOption('-o, --output <dir>', 'the folder to create')
    .action(async (archive: string, o: { output: string }) => (await loadServerCli()).unpack(archive, o));
  const serve = new Command('serve')
    .description('serve a model repository over the Open Inference Protocol (KServe v2 REST) until SIGINT/SIGTERM; builds what is not built')
    .argument('<repo>', 'the model repository folder')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--port <port>', 'the port to listen on (0: any free port; the address is printed)', port, 8000)
    .option('--instances <n>', 'model instances (worker threads) running requests in parallel (default: the number of CPU cores)', positiveInt('--instances'), os.availableParallelism())
    .option('--max-queue <n>', 'requests that may wait for an instance; beyond, 503 (default: 64 per instance)', (v) => (v === '0' ? 0 : positiveInt('--max-queue')(v)))
    .addOption(new Option('--max-body <size>', 'largest request body, e.g. 64MB (413 beyond)').argParser(parseByteSize).default(64 * 1024 * 1024, '64MB'))
    .option('--quiet', 'no log line per request')
    .action(async (repo: string, o: { host: string; port: number; instances: number; maxQueue?: number; maxBody: number; quiet?: boolean }) =>
      (await loadServerCli()).serve(repo, { host: o.host, port: o.port, instances: o.instances, maxQueue: o.maxQueue, maxBodyBytes: o.maxBody, quiet: o.quiet }));
  const deploy = new Command('deploy')
    .description('generate a Cloudflare Worker project serving the repository over the same protocol (wrangler.toml, config.capnp for workerd)')
    .argument('<repo>', 'the model repository folder')
    .addOption(new Option('--target <target>', 'where to deploy').choices(['worker']).makeOptionMandatory())
    .requiredOption('-o, --output <dir>', 'the Worker project folder to write')
    .addOption(new Option('--max-memory <size>', 'fail if one isolate would need more, e.g. 128MB').argParser(parseByteSize).default(128 * 1024 * 1024, '128MB'))
    .addOption(new Option('--max-script-size <size>', 'fail if the gzipped upload is larger, e.g. 10MB').argParser(parseByteSize).default(10 * 1024 * 1024, '10MB'))
    .option('--no-relaxed-simd', "ship each version's SIMD128 module instead of its relaxed-SIMD (FMA) build, which Workers run by default")
    .action(async (repo: string, o: { target: 'worker'; output: string; maxMemory: number; maxScriptSize: number; relaxedSimd: boolean }) =>
      (await loadServerCli()).deploy(repo, { target: o.target, out: o.output, maxMemoryBytes: o.maxMemory, maxScriptBytes: o.maxScriptSize, relaxedSimd: o.relaxedSimd }));
  return [build, pack, unpack, serve, deploy];
}
