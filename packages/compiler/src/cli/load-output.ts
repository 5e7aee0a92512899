// Loads a folder written by `onnx2wasm compile` through its own generated glue (model.js), so `run`
// exercises exactly what a user would ship, including the runtime copy inside the folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '@onnx2wasm/runtime';
import type { Manifest } from '../compile.js';
import { CliFailure, addRelaxedSimdHint } from './errors.js';

export interface LoadedOutput {
  manifest: Manifest;
  model: Model;
  gluePath: string;
}

/** What to do instead, for a path that is not a compiled folder: a model file gets compiled first. */
function notAFolder(dir: string): string {
  if (/\.onnx$/i.test(dir) && fs.existsSync(dir)) {
    const out = path.join(path.dirname(dir), path.basename(dir, path.extname(dir)));
    return `${dir} is a model, not a compiled folder: run takes the folder that compile writes, e.g. onnx2wasm compile ${dir} -o ${out} && onnx2wasm run ${out} (or onnx2wasm check ${dir} to compare with onnxruntime-node)`;
  }
  if (!fs.existsSync(dir)) return `${dir} does not exist; run takes a folder written by onnx2wasm compile <model.onnx> -o ${dir}`;
  return `${dir} is not a compiled model folder (no manifest.json); run onnx2wasm compile <model.onnx> -o ${dir} first`;
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliFailure(notAFolder(dir));
    throw new CliFailure(`cannot read ${file}: ${code ?? (e as Error).message}`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new CliFailure(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  // The name becomes a file path below, so it must stay a plain file name.
  if (manifest?.compiler?.name !== 'onnx2wasm' || typeof manifest.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(manifest.name)) {
    throw new CliFailure(`${file} was not written by onnx2wasm compile`);
  }
  return manifest;
}

/**
 * Browser and Worker glue cannot run in Node (fetch has no file: URLs; Node cannot import a .wasm
 * as a module), so for those targets the folder's own runtime copy loads the files the manifest names.
 */
async function loadWithRuntime(dir: string, manifest: Manifest, gluePath: string, threads: number): Promise<LoadedOutput> {
  const read = (f: string) => {
    try {
      return fs.readFileSync(path.join(dir, f));
    } catch (e) {
      throw new CliFailure(`cannot read ${path.join(dir, f)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; recompile the model into ${dir}`);
    }
  };
  const runtime = (await import(pathToFileURL(path.resolve(dir, 'runtime/index.js')).href)) as { loadModel(o: { wasm: Uint8Array; relaxedWasm?: Uint8Array; threadsWasm?: Uint8Array; threads?: number; weights?: Uint8Array }): Promise<Model> };
  const threadsFile = `${manifest.name}.threads.wasm`;
  const relaxed = `${manifest.name}.relaxed.wasm`;
  const weightsFile = manifest.weights?.file;
  if (weightsFile !== null && (typeof weightsFile !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(weightsFile))) throw new CliFailure(`${path.join(dir, 'manifest.json')} names no valid weights file`);
  try {
    const relaxedWasm = manifest.files?.[relaxed] ? read(relaxed) : undefined;
    const threaded = threads > 1 && manifest.files?.[threadsFile] ? { threadsWasm: read(threadsFile), threads } : {};
    return { manifest, model: await runtime.loadModel({ wasm: read(`${manifest.name}.wasm`), relaxedWasm, ...threaded, weights: weightsFile ? read(weightsFile) : undefined }), gluePath };
  } catch (e) {
    throw addRelaxedSimdHint(e);
  }
}

/** Loads a compiled folder through its glue; `threads` > 1 runs its threaded build where it has one. */
export async function loadOutput(dir: string, threads = 1): Promise<LoadedOutput> {
  const manifest = readManifest(dir);
  const gluePath = path.resolve(dir, `${manifest.name}.js`);
  if (!fs.existsSync(gluePath)) throw new CliFailure(`${gluePath} is missing; recompile the model into ${dir}`);
  if (manifest.target === 'browser' || manifest.target === 'worker') return loadWithRuntime(dir, manifest, gluePath, threads);
  const glue = (await import(pathToFileURL(gluePath).href)) as { load?: (o?: { threads?: number }) => Promise<Model> };
  if (typeof glue.load !== 'function') throw new CliFailure(`${gluePath} does not export load(); recompile the model into ${dir}`);
  try {
    return { manifest, model: await glue.load(threads > 1 ? { threads } : undefined), gluePath };
  } catch (e) {
    throw addRelaxedSimdHint(e);
  }
}
