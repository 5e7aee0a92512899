// <repo>/<model>/config.json: the compile options of every version of one model and the version
// policy that picks the versions to serve. Validated here, with messages naming the file and key,
// because a typo in a config must not silently change what is served.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompileOptions } from 'onnx2wasm';
import { RepositoryError } from '../errors.js';

/** Which versions are served: the newest N, the listed ones, or (default) all. */
export type VersionPolicy = { all: true } | { latest: number } | { specific: number[] };

export interface ModelConfig {
  /** The JSON-able compile options, as written (hashed into the build key). */
  compile: JsonCompileOptions;
  /** Plugin files, resolved against the model folder. */
  plugins: string[];
  versionPolicy: VersionPolicy;
}

export type JsonCompileOptions = Pick<CompileOptions, 'inputShapes' | 'maxShapes' | 'specialize' | 'layout' | 'embedWeights' | 'optimize' | 'passes' | 'relaxedSimd' | 'valueVariants' | 'maxMemoryBytes'>;

type Check = (v: unknown) => boolean;
const isDimMap = (allowNames: boolean): Check => (v) => typeof v === 'object' && v !== null && !Array.isArray(v)
  && Object.values(v).every((dims) => Array.isArray(dims) && dims.every((d) => (Number.isInteger(d) && d >= 0) || (allowNames && typeof d === 'string')));
const COMPILE_KEYS: Record<keyof JsonCompileOptions, [Check, string]> = {
  inputShapes: [isDimMap(true), 'an object of input name → dims (numbers or dim names)'],
  maxShapes: [isDimMap(false), 'an object of input name → dims (numbers)'],
  specialize: [isDimMap(false), 'an object of dim name → values'],
  layout: [(v) => v === 'auto' || v === 'nchw' || v === 'nhwc', "'auto', 'nchw' or 'nhwc'"],
  embedWeights: [(v) => typeof v === 'boolean', 'true or false'],
  optimize: [(v) => typeof v === 'boolean', 'true or false'],
  passes: [(v) => Array.isArray(v) && v.every((p) => typeof p === 'string'), 'a list of pass names'],
  relaxedSimd: [(v) => typeof v === 'boolean', 'true or false'],
  valueVariants: [(v) => v === false || (typeof v === 'object' && v !== null), 'false or { "maxCandidates": N }'],
  maxMemoryBytes: [(v) => Number.isSafeInteger(v) && (v as number) > 0, 'a positive number of bytes'],
};

function parsePolicy(v: unknown, file: string): VersionPolicy {
  const bad = () => new RepositoryError('INVALID_CONFIG', `${file}: versionPolicy must be { "all": {} }, { "latest": N } with N >= 1, or { "specific": [versions] }, got ${JSON.stringify(v)}`);
  if (v === undefined) return { all: true };
  if (typeof v !== 'object' || v === null || Object.keys(v).length !== 1) throw bad();
  const o = v as Record<string, unknown>;
  if ('all' in o) return { all: true };
  if ('latest' in o) {
    if (!(Number.isSafeInteger(o.latest) && (o.latest as number) >= 1)) throw bad();
    return { latest: o.latest as number };
  }
  if ('specific' in o) {
    const s = o.specific;
    if (!Array.isArray(s) || s.length === 0 || !s.every((x) => Number.isSafeInteger(x) && x >= 1)) throw bad();
    return { specific: [...new Set(s as number[])].sort((a, b) => a - b) };
  }
  throw bad();
}

/** Reads and validates `<modelDir>/config.json`; a missing file means defaults. */
export function readModelConfig(modelDir: string): ModelConfig {
  const file = path.join(modelDir, 'config.json');
  if (!fs.existsSync(file)) return { compile: {}, plugins: [], versionPolicy: { all: true } };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RepositoryError('INVALID_CONFIG', `${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RepositoryError('INVALID_CONFIG', `${file}: must hold a JSON object`);
  const compile: Record<string, unknown> = {};
  let plugins: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'versionPolicy') continue;
    if (key === 'plugins') {
      if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) throw new RepositoryError('INVALID_CONFIG', `${file}: plugins must be a list of module paths relative to the model folder`);
      plugins = value.map((p: string) => path.resolve(modelDir, p));
      continue;
    }
    const rule = COMPILE_KEYS[key as keyof JsonCompileOptions];
    if (!rule) throw new RepositoryError('INVALID_CONFIG', `${file}: unknown key '${key}' (known: ${[...Object.keys(COMPILE_KEYS), 'plugins', 'versionPolicy'].join(', ')})`);
    if (!rule[0](value)) throw new RepositoryError('INVALID_CONFIG', `${file}: ${key} must be ${rule[1]}, got ${JSON.stringify(value)}`);
    compile[key] = value;
  }
  return { compile: compile as JsonCompileOptions, plugins, versionPolicy: parsePolicy((raw as Record<string, unknown>).versionPolicy, file) };
}

/** The versions the policy serves out of those present (ascending). */
export function servedVersions(policy: VersionPolicy, present: number[]): number[] {
  const sorted = [...present].sort((a, b) => a - b);
  if ('latest' in policy) return sorted.slice(-policy.latest);
  if ('specific' in policy) return sorted.filter((v) => policy.specific.includes(v));
  return sorted;
}
