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

function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliFailure(`${dir} is not a compiled model folder (no manifest.json); run onnx2wasm compile <model> -o ${dir} first`);
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

export async function loadOutput(dir: string): Promise<LoadedOutput> {
  const manifest = readManifest(dir);
  const gluePath = path.resolve(dir, `${manifest.name}.js`);
  if (!fs.existsSync(gluePath)) throw new CliFailure(`${gluePath} is missing; recompile the model into ${dir}`);
  const glue = (await import(pathToFileURL(gluePath).href)) as { load?: () => Promise<Model> };
  if (typeof glue.load !== 'function') throw new CliFailure(`${gluePath} does not export load(); recompile the model into ${dir}`);
  try {
    return { manifest, model: await glue.load(), gluePath };
  } catch (e) {
    throw addRelaxedSimdHint(e);
  }
}
