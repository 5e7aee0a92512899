// Step 4 of compile(): everything the CLI writes — the module, its weights, the glue, the runtime
// and manifest.json with the hash of every file.
import { createHash } from 'node:crypto';
import type { ImportedModel } from '@onnx2wasm/onnx-import';
import type { CodegenResult } from '@onnx2wasm/wasm-codegen';
import { glueDts, glueJs } from '../glue.js';
import { FOLDER_PACKAGE_JSON, isFolderSupport, runtimeFiles } from '../runtime-files.js';
import { Target, weightsFileName } from '../targets.js';
import { publicOutputs } from '../value-variants.js';
import { VERSION } from '../version.js';

export interface Manifest {
  name: string;
  compiler: { name: 'onnx2wasm'; version: string };
  source: { sha256: string; bytes: number; opset: number; producer: string };
  inputs: { name: string; dtype: string; dims: (number | string)[] }[];
  outputs: { name: string; dtype: string; dims: (number | string)[] }[];
  files: Record<string, { bytes: number; sha256: string }>;
  memory: { pages: number; arenaBytes: number; weightsBytes: number };
  target: Target;
  /** The weights file and its content hash (a new model version has a new one); both null when the weights are embedded. */
  weights: { file: string | null; sha256: string | null; bytes: number; embedded: boolean };
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface PackageInput {
  name: string;
  target: Target;
  embedWeights?: boolean;
  source: Uint8Array;
  imported: ImportedModel;
  gen: CodegenResult;
  relaxedWasm?: Uint8Array;
  /** The threaded build (compile's `threads`), written as <name>.threads.wasm. */
  threadsWasm?: Uint8Array;
}

export interface Packaged { files: Record<string, Uint8Array>; manifest: Manifest; weightsFile: string | null }

export function packageFiles({ name, target, embedWeights, source, imported, gen, relaxedWasm, threadsWasm }: PackageInput): Packaged {
  const files: Record<string, Uint8Array> = {};
  const enc = new TextEncoder();
  // Embedded weights have no hash of their own: the module's hash in manifest.files covers them.
  const weightsHash = embedWeights ? null : sha256(gen.weights);
  const weightsFile = weightsHash === null ? null : weightsFileName(name, target, weightsHash);
  const weightsInfo = { file: weightsFile, sha256: weightsHash, bytes: gen.meta.weights.byteLength };
  files[`${name}.wasm`] = gen.wasm;
  if (relaxedWasm) files[`${name}.relaxed.wasm`] = relaxedWasm;
  if (threadsWasm) files[`${name}.threads.wasm`] = threadsWasm;
  if (weightsFile) files[weightsFile] = gen.weights;
  // What users see of the model: with value variants, output dims that differ per value are named.
  const shown = { ...gen.meta, outputs: publicOutputs(gen.meta) };
  files[`${name}.js`] = enc.encode(glueJs({ name, target, meta: shown, weights: weightsInfo, relaxed: relaxedWasm ? `${name}.relaxed.wasm` : null, ...(threadsWasm ? { threads: true } : {}) }));
  files[`${name}.d.ts`] = enc.encode(glueDts(shown));
  Object.assign(files, runtimeFiles());
  Object.assign(files, FOLDER_PACKAGE_JSON);
  const manifest: Manifest = {
    name,
    compiler: { name: 'onnx2wasm', version: VERSION },
    source: { sha256: sha256(source), bytes: source.byteLength, opset: imported.opset, producer: imported.producer },
    inputs: gen.meta.inputs.map(({ name: n, dtype, dims }) => ({ name: n, dtype, dims })),
    outputs: shown.outputs.map(({ name: n, dtype, dims }) => ({ name: n, dtype, dims })),
    files: Object.fromEntries(Object.entries(files).filter(([f]) => !isFolderSupport(f)).map(([f, b]) => [f, { bytes: b.byteLength, sha256: sha256(b) }])),
    memory: { pages: gen.meta.memory.pages, arenaBytes: gen.meta.memory.arenaBytes, weightsBytes: gen.meta.weights.byteLength },
    target,
    weights: { ...weightsInfo, embedded: weightsFile === null },
  };
  files['manifest.json'] = enc.encode(JSON.stringify(manifest, null, 2) + '\n');
  return { files, manifest, weightsFile };
}
