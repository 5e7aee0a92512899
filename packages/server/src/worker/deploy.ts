// `onnx2wasm deploy <repo> --target worker -o <dir>`: a Cloudflare Worker project serving the
// repository's served versions with the same protocol handlers as the Node server. The entry is
// bundled with esbuild; compiled modules stay separate .wasm modules (compiled at upload: Workers
// may not compile wasm at run time) and weights separate data modules; wrangler.toml deploys it,
// config.capnp runs it in local workerd.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { VERSION } from 'onnx2wasm';
import { RepositoryError } from '../errors.js';
import { buildRepository } from '../repository/build.js';
import { VersionShare, WORKER_MEMORY_BYTES, WORKER_SCRIPT_BYTES, checkBundleSize, checkIsolateMemory } from './limits.js';
import { configCapnp, readme, wranglerToml } from './project-files.js';

export interface DeployOptions {
  target: 'worker';
  out: string;
  /** Bytes one isolate may hold (default 128 MiB). */
  maxMemoryBytes?: number;
  /** Gzipped bytes the upload may have (default 10 MiB, Cloudflare's paid plan). */
  maxScriptBytes?: number;
  /** The Worker's name in wrangler.toml (default: onnx2wasm-<repository folder>). */
  name?: string;
  /**
   * Ship each version's relaxed-SIMD (FMA) build where it has one (default true): Workers' V8 runs
   * relaxed SIMD, and the FMA kernels are faster (docs/deploy.md). false ships the SIMD128 module.
   */
  relaxedSimd?: boolean;
}

export interface DeployResult { out: string; modules: string[]; versions: string[]; bundleGzipBytes: number }

const WORKER_APP = fileURLToPath(new URL('../protocol/worker-app.js', import.meta.url));

function entrySource(versions: { id: string; meta: object; wasm: string; weights: string | null }[]): string {
  const lines = [`import { createWorkerApp } from ${JSON.stringify(WORKER_APP)};`];
  const models = versions.map((v, i) => {
    lines.push(`import wasm${i} from ${JSON.stringify('./' + v.wasm)};`);
    if (v.weights) lines.push(`import weights${i} from ${JSON.stringify('./' + v.weights)};`);
    return `  { ...${JSON.stringify(v.meta)}, wasm: wasm${i}${v.weights ? `, weights: weights${i}` : ''} },`;
  });
  return `${lines.join('\n')}\nexport default createWorkerApp([\n${models.join('\n')}\n], { name: 'onnx2wasm', version: ${JSON.stringify(VERSION)} });\n`;
}

export async function deployWorker(repoDir: string, options: DeployOptions): Promise<DeployResult> {
  if (options.target !== 'worker') throw new RepositoryError('INVALID_CONFIG', `deploy target '${String(options.target)}' is not supported (supported: worker)`);
  const { root, index } = await buildRepository(repoDir);
  const out = path.resolve(options.out);
  const relaxed = options.relaxedSimd ?? true;
  const served = index.models.flatMap((m) => m.versions.filter((v) => v.served).map((v) => ({ model: m.name, v: { ...v, wasm: relaxed ? v.relaxedWasm ?? v.wasm : v.wasm } })));
  const shares: VersionShare[] = served.map(({ model, v }) => ({
    id: `${model}/${v.version}`,
    memoryBytes: v.memoryBytes,
    wasm: fs.readFileSync(path.join(root, v.compiled, v.wasm)),
    weights: v.weights ? fs.readFileSync(path.join(root, v.compiled, v.weights)) : undefined,
  }));
  checkIsolateMemory(shares, options.maxMemoryBytes ?? WORKER_MEMORY_BYTES);

  const versions = served.map(({ model, v }) => ({
    id: `${model}/${v.version}`,
    meta: { name: model, version: v.version, inputs: v.inputs, outputs: v.outputs },
    wasm: `models/${model}/${v.version}/${v.wasm}`,
    weights: v.weights ? `models/${model}/${v.version}/${v.weights}` : null,
  }));
  fs.mkdirSync(out, { recursive: true });
  const bundle = await esbuild.build({
    // Resolved from our own folder (the model imports are external), so the bundle does not depend on where it is written.
    stdin: { contents: entrySource(versions), resolveDir: path.dirname(WORKER_APP), sourcefile: 'entry.js', loader: 'js' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, legalComments: 'none',
    absWorkingDir: path.dirname(WORKER_APP),
    // The modules and weights stay Worker modules of their own (CompiledWasm and Data rules).
    plugins: [{ name: 'worker-modules', setup: (b) => b.onResolve({ filter: /\.(wasm|bin)$/ }, (a) => ({ path: a.path, external: true })) }],
    logLevel: 'silent',
  }).catch((e: Error) => { throw new RepositoryError('IO_ERROR', `bundling the Worker failed: ${e.message}`); });
  const script = bundle.outputFiles[0]!.contents;
  const bundleGzipBytes = checkBundleSize(shares, script, options.maxScriptBytes ?? WORKER_SCRIPT_BYTES);

  fs.rmSync(path.join(out, 'models'), { recursive: true, force: true });
  const modules: string[] = [];
  versions.forEach((v, i) => {
    for (const [file, bytes] of [[v.wasm, shares[i]!.wasm], [v.weights, shares[i]!.weights]] as const) {
      if (!file || !bytes) continue;
      fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
      fs.writeFileSync(path.join(out, file), bytes);
      modules.push(file);
    }
  });
  fs.writeFileSync(path.join(out, 'worker.js'), script);
  const name = options.name ?? `onnx2wasm-${path.basename(path.resolve(repoDir)).replace(/[^A-Za-z0-9-]/g, '-').toLowerCase()}`;
  fs.writeFileSync(path.join(out, 'wrangler.toml'), wranglerToml(name));
  fs.writeFileSync(path.join(out, 'config.capnp'), configCapnp('worker.js', modules));
  // The command as it could be typed again from here, so the README says how to regenerate the folder.
  const rel = (p: string) => path.relative(process.cwd(), path.resolve(p)) || '.';
  fs.writeFileSync(path.join(out, 'README.md'), readme(versions.map((v) => v.id), `npx onnx2wasm deploy ${rel(repoDir)} --target worker -o ${rel(out)}`));
  return { out, modules: ['worker.js', ...modules], versions: versions.map((v) => v.id), bundleGzipBytes };
}
