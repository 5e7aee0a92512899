// Reads the layout of a model repository: <repo>/<model>/<version>/model.onnx, versions positive
// integers, an optional <repo>/<model>/config.json. Anything else that looks like a model or a
// version but is not one is an error, so a misnamed folder is not silently left unserved.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RepositoryError } from '../errors.js';
import { ModelConfig, readModelConfig, servedVersions } from './config.js';

export interface RepoVersion { version: number; dir: string; source: string }
export interface RepoModel { name: string; dir: string; config: ModelConfig; versions: RepoVersion[]; served: number[] }
export interface Repository { root: string; models: RepoModel[] }

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const VERSION_NAME = /^[1-9][0-9]*$/;
/** Folders a repository may hold next to its models (e.g. a git checkout's). */
const ignored = (name: string) => name.startsWith('.') || name === 'node_modules';

function subdirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !ignored(e.name)).map((e) => e.name).sort();
  } catch (e) {
    throw new RepositoryError('INVALID_REPOSITORY', `cannot read model repository '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function scanRepository(root: string): Repository {
  root = path.resolve(root);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new RepositoryError('INVALID_REPOSITORY', `model repository '${root}' is not a folder`);
  const models: RepoModel[] = [];
  for (const name of subdirs(root)) {
    const dir = path.join(root, name);
    if (!MODEL_NAME.test(name)) throw new RepositoryError('INVALID_REPOSITORY', `model folder '${name}': names may hold letters, digits, '_', '.' and '-' only`);
    const versions: RepoVersion[] = [];
    for (const v of subdirs(dir)) {
      if (!VERSION_NAME.test(v)) throw new RepositoryError('INVALID_REPOSITORY', `model '${name}': folder '${v}' is not a version (versions are positive integers: ${name}/1/model.onnx)`);
      const source = path.join(dir, v, 'model.onnx');
      if (!fs.existsSync(source)) throw new RepositoryError('INVALID_REPOSITORY', `model '${name}' version ${v}: ${path.join(name, v, 'model.onnx')} is missing`);
      versions.push({ version: Number(v), dir: path.join(dir, v), source });
    }
    if (versions.length === 0) throw new RepositoryError('INVALID_REPOSITORY', `model '${name}' has no versions (expected ${name}/1/model.onnx)`);
    versions.sort((a, b) => a.version - b.version);
    const config = readModelConfig(dir);
    if ('specific' in config.versionPolicy) {
      const missing = config.versionPolicy.specific.filter((v) => !versions.some((x) => x.version === v));
      if (missing.length) throw new RepositoryError('INVALID_CONFIG', `${path.join(name, 'config.json')}: versionPolicy names version(s) ${missing.join(', ')}, which do not exist`);
    }
    models.push({ name, dir, config, versions, served: servedVersions(config.versionPolicy, versions.map((x) => x.version)) });
  }
  if (models.length === 0) throw new RepositoryError('INVALID_REPOSITORY', `model repository '${root}' holds no models (expected <model>/<version>/model.onnx)`);
  return { root, models };
}
