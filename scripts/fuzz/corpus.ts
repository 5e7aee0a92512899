// The seed models the fuzzer mutates: the shared real models and the ONNX conformance models.
// Models whose ops the importer supports get more weight, so mutations reach the later phases
// (inference, optimizer, codegen, runtime) instead of all stopping at UNSUPPORTED_OP.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listHandlers } from '@onnx2wasm/onnx-import';

export interface Seed {
  name: string;
  file: string;
  bytes: number;
  /** Pins for symbolic input dims, when known (shared models). */
  inputShapes?: Record<string, number[]>;
  weight: number;
}

export interface CorpusOptions {
  modelsDir?: string;
  casesDir?: string;
  /** Leave out seed files larger than this (the test suite keeps to small models). */
  maxSeedBytes?: number;
  /** Keep one conformance case in every `stride` (deterministic thinning for short runs). */
  stride?: number;
  /** Keep only seeds whose name (e.g. `node/test_gemm_alpha`, `models/mlp`) contains this. */
  only?: string;
}

function sharedSeeds(dir: string): Seed[] {
  const index = path.join(dir, 'models.json');
  if (!fs.existsSync(index)) return [];
  const models = JSON.parse(fs.readFileSync(index, 'utf8')) as Record<string, { file: string; input_shape: number[] }>;
  return Object.entries(models).map(([name, m]) => {
    const file = path.join(dir, m.file);
    return { name: `models/${name}`, file, bytes: fs.statSync(file).size, inputShapes: { input: m.input_shape }, weight: 8 };
  });
}

function conformanceSeeds(dir: string, stride: number): Seed[] {
  const index = path.join(dir, 'cases.tsv');
  if (!fs.existsSync(index)) return [];
  const supported = new Set(listHandlers().map((h) => h.opType));
  const lines = fs.readFileSync(index, 'utf8').trim().split('\n').slice(1);
  const seeds: Seed[] = [];
  lines.forEach((line, i) => {
    if (i % stride !== 0) return;
    const [category, name, , ops] = line.split('\t');
    const file = path.join(dir, category!, name!, 'model.onnx');
    if (!fs.existsSync(file)) return;
    const allSupported = (ops ?? '').split(',').every((op) => supported.has(op));
    seeds.push({ name: `${category}/${name}`, file, bytes: fs.statSync(file).size, weight: allSupported ? 4 : 1 });
  });
  return seeds;
}

/** Default-domain op types with an import handler, sorted (so the same ops give the same cases). */
export function knownOpTypes(): string[] {
  return listHandlers().filter((h) => !h.domain).map((h) => h.opType).sort();
}

export function loadCorpus(opts: CorpusOptions): Seed[] {
  const seeds = [
    ...(opts.modelsDir ? sharedSeeds(opts.modelsDir) : []),
    ...(opts.casesDir ? conformanceSeeds(opts.casesDir, opts.stride ?? 1) : []),
  ].filter((s) => s.bytes <= (opts.maxSeedBytes ?? Infinity) && (!opts.only || s.name.includes(opts.only)));
  if (seeds.length === 0) throw new Error(`no seed models found (models: ${opts.modelsDir ?? '-'}, cases: ${opts.casesDir ?? '-'})`);
  return seeds;
}
