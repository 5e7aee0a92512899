// <repo>/repository.json: the index of a built repository (and of its archive). The server and
// `deploy` read models from it rather than scanning again, so what is served is what was built.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RepositoryError } from '../errors.js';

export interface TensorSpec { name: string; dtype: string; dims: (number | string)[] }
export interface FileEntry { bytes: number; sha256: string }

export interface VersionEntry {
  version: number;
  /** Whether the version policy serves it. */
  served: boolean;
  source: { file: string; sha256: string; bytes: number };
  /** Folder of the compiled files, relative to repository.json. */
  compiled: string;
  files: Record<string, FileEntry>;
  /** The compiled files to load: the module and its weights (null when embedded). */
  wasm: string;
  weights: string | null;
  /**
   * The relaxed-SIMD (FMA) build of the same compile, when there is one (config.json's
   * `relaxedSimd` unset): `serve` loads it where the engine runs relaxed SIMD, and
   * `deploy --target worker` ships it instead of `wasm` (Workers' V8 runs relaxed SIMD).
   */
  relaxedWasm?: string;
  /** Bytes of linear memory the module starts with. */
  memoryBytes: number;
  compilerVersion: string;
  /** Hash of source, options and compiler version: equal keys mean nothing to rebuild. */
  buildKey: string;
  builtAt: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface RepositoryIndex {
  format: 1;
  compiler: { name: 'onnx2wasm'; version: string };
  models: { name: string; versions: VersionEntry[] }[];
}

export const INDEX_FILE = 'repository.json';

export function writeIndex(root: string, index: RepositoryIndex): void {
  fs.writeFileSync(path.join(root, INDEX_FILE), JSON.stringify(index, null, 2) + '\n');
}

export function readIndex(root: string): RepositoryIndex {
  const file = path.join(root, INDEX_FILE);
  let raw: RepositoryIndex;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RepositoryIndex;
  } catch (e) {
    throw new RepositoryError('NOT_BUILT', `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): run \`onnx2wasm build ${root}\` first`);
  }
  if (raw?.format !== 1 || !Array.isArray(raw.models)) throw new RepositoryError('NOT_BUILT', `${file} is not a repository index of this version: rebuild with \`onnx2wasm build\``);
  return raw;
}
