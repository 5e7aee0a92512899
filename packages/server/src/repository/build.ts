// `onnx2wasm build <repo>`: compiles every model version once into <model>/<version>/compiled/.
// Incremental: a version whose build key (source hash, options, plugins, compiler version) is
// unchanged is left alone. Immutable: a built version whose model.onnx changed is refused, since
// clients and archives already refer to that version number for the old bytes.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VERSION, compile, loadPluginFile } from 'onnx2wasm';
import { RepositoryError } from '../errors.js';
import { INDEX_FILE, RepositoryIndex, VersionEntry, writeIndex } from './index-file.js';
import { RepoModel, RepoVersion, scanRepository } from './scan.js';

export interface BuildOptions {
  /** Write a complete built repository there (sources copied) instead of building in place. */
  out?: string;
  /** Called once per version: whether it was compiled or was already up to date. */
  onVersion?: (model: string, version: number, status: 'built' | 'unchanged', ms: number) => void;
}

export interface BuildResult { root: string; index: RepositoryIndex; built: string[]; unchanged: string[] }

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const BUILD_STAMP = 'build.json';
/** The compiled files a server needs: the module(s), the weights and the manifest (no JS glue). */
const KEEP = /(\.wasm|\.bin)$|^manifest\.json$/;

/** Build-time facts kept next to the compiled files; repository.json is assembled from them. */
type Stamp = Omit<VersionEntry, 'version' | 'served' | 'compiled'>;

function buildKey(sourceSha: string, model: RepoModel): string {
  const plugins = model.config.plugins.map((p) => sha256(fs.readFileSync(p)));
  // `modules`: which builds a version gets (both since the relaxed-SIMD build is made by default), so
  // versions built before that are rebuilt once instead of keeping a SIMD128-only build.
  return sha256(JSON.stringify({ sourceSha, options: model.config.compile, plugins, compiler: VERSION, modules: relaxedMode(model) }));
}

/** config.json's choice, else both builds (one with embedded weights, which would travel twice). */
function relaxedMode(model: RepoModel): boolean | 'both' {
  return model.config.compile.relaxedSimd ?? (model.config.compile.embedWeights ? false : 'both');
}

function readStamp(dir: string): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, BUILD_STAMP), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function filesIntact(dir: string, stamp: Stamp): boolean {
  return Object.entries(stamp.files).every(([f, e]) => {
    try { return fs.statSync(path.join(dir, f)).size === e.bytes; } catch { return false; }
  });
}

async function buildVersion(model: RepoModel, v: RepoVersion, outDir: string, name: string): Promise<{ stamp: Stamp; built: boolean }> {
  const source = new Uint8Array(fs.readFileSync(v.source));
  const sourceSha = sha256(source);
  const compiledDir = path.join(outDir, 'compiled');
  const old = readStamp(compiledDir);
  if (old && old.source.sha256 !== sourceSha) {
    throw new RepositoryError('IMMUTABLE_VERSION',
      `model '${model.name}' version ${v.version} was built from model.onnx with SHA-256 ${old.source.sha256}, but it now has SHA-256 ${sourceSha}: a built version is immutable; add the new model as version ${Math.max(...model.versions.map((x) => x.version)) + 1}`);
  }
  const key = buildKey(sourceSha, model);
  if (old && old.buildKey === key && filesIntact(compiledDir, old)) return { stamp: old, built: false };
  let plugins;
  try {
    plugins = await Promise.all(model.config.plugins.map(loadPluginFile));
  } catch (e) {
    throw new RepositoryError('BUILD_FAILED', `model '${model.name}': ${(e as Error).message}`, { cause: e });
  }
  let c;
  try {
    // Both builds unless config.json chooses one (`relaxedSimd`) or the weights are embedded: serve
    // picks the module the engine runs, deploy --target worker ships the FMA one (Workers run it).
    c = await compile(source, { ...model.config.compile, relaxedSimd: relaxedMode(model), plugins, baseDir: v.dir, name: 'model' });
  } catch (e) {
    throw new RepositoryError('BUILD_FAILED', `model '${model.name}' version ${v.version}: ${(e as Error).message}`, { cause: e });
  }
  if (outDir !== v.dir) {
    fs.mkdirSync(outDir, { recursive: true });
    fs.copyFileSync(v.source, path.join(outDir, 'model.onnx'));
  }
  fs.rmSync(compiledDir, { recursive: true, force: true });
  fs.mkdirSync(compiledDir, { recursive: true });
  const files: Stamp['files'] = {};
  for (const [f, bytes] of Object.entries(c.files).filter(([f]) => KEEP.test(f)).sort(([a], [b]) => a.localeCompare(b))) {
    fs.writeFileSync(path.join(compiledDir, f), bytes);
    files[f] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
  }
  const stamp: Stamp = {
    source: { file: `${name}/${v.version}/model.onnx`, sha256: sourceSha, bytes: source.byteLength },
    files,
    wasm: 'model.wasm',
    ...(c.relaxedWasm ? { relaxedWasm: 'model.relaxed.wasm' } : {}),
    weights: c.manifest.weights.file,
    memoryBytes: c.manifest.memory.pages * 65536,
    compilerVersion: VERSION,
    buildKey: key,
    builtAt: new Date().toISOString(),
    inputs: c.manifest.inputs,
    outputs: c.manifest.outputs,
  };
  fs.writeFileSync(path.join(compiledDir, BUILD_STAMP), JSON.stringify(stamp, null, 2) + '\n');
  return { stamp, built: true };
}

/** Builds what is not built yet and writes repository.json; returns what it did. */
export async function buildRepository(repoDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const repo = scanRepository(repoDir);
  const root = options.out ? path.resolve(options.out) : repo.root;
  const result: BuildResult = { root, built: [], unchanged: [], index: { format: 1, compiler: { name: 'onnx2wasm', version: VERSION }, models: [] } };
  for (const model of repo.models) {
    const versions: VersionEntry[] = [];
    if (root !== repo.root) {
      fs.mkdirSync(path.join(root, model.name), { recursive: true });
      const config = path.join(model.dir, 'config.json');
      if (fs.existsSync(config)) fs.copyFileSync(config, path.join(root, model.name, 'config.json'));
    }
    for (const v of model.versions) {
      const t0 = performance.now();
      const outDir = path.join(root, model.name, String(v.version));
      const { stamp, built } = await buildVersion(model, v, outDir, model.name);
      (built ? result.built : result.unchanged).push(`${model.name}/${v.version}`);
      options.onVersion?.(model.name, v.version, built ? 'built' : 'unchanged', performance.now() - t0);
      versions.push({ version: v.version, served: model.served.includes(v.version), ...stamp, compiled: `${model.name}/${v.version}/compiled` });
    }
    result.index.models.push({ name: model.name, versions });
  }
  // Rewritten only when something changed, so a no-op build leaves the repository byte-identical.
  const text = JSON.stringify(result.index, null, 2) + '\n';
  const file = path.join(root, INDEX_FILE);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) writeIndex(root, result.index);
  return result;
}
