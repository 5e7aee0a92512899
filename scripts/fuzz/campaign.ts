// A fuzz campaign: cases 0, 1, 2, … of one seed, run on a pool of child processes until the time
// or case budget is spent. Counts every outcome; records findings. Used by `npm run fuzz` and by
// tests/fuzz.test.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CorpusOptions, Seed, knownOpTypes, loadCorpus } from './corpus.js';
import { Finding, FindingLog, MODEL_PATH } from './findings.js';
import { FuzzCase, makeCase } from './make-case.js';
import type { SideFile } from './mutate-model.js';
import { startRaces } from './races.js';
import { WorkerPool } from './pool.js';
import type { CaseJob } from './run-case.js';
import { SweepOptions, sweepCases } from './sweep.js';

export interface CampaignOptions {
  seed: number;
  /** Stop starting cases after this many seconds. */
  seconds?: number;
  /** Stop after this many cases (a deterministic budget, for tests). */
  cases?: number;
  workers?: number;
  timeoutMs?: number;
  corpus: CorpusOptions;
  /** Where reproducers go; none are saved when absent. */
  findingsDir?: string;
  /** VERIFY_FAILED and CODEGEN_FAILED (compiler bugs, though typed) count as findings. */
  strict?: boolean;
  /** Share of cases that are hostile models (hostile-models.ts) instead of mutants; 0 when absent. */
  hostile?: number;
  /** Run the op/arity sweep (sweep.ts) instead of random mutants; `arities` narrows it. */
  sweep?: SweepOptions;
  log?: (line: string) => void;
}

export interface CampaignResult {
  seed: number;
  cases: number;
  elapsedMs: number;
  counts: Record<string, number>;
  /** The first message seen for each outcome (typed errors' messages, findings' descriptions). */
  examples: Record<string, string>;
  /** The case that took longest (compile and run, retries included). */
  slowest?: { ms: number; index: number; seedName: string; what: string; outcome: string };
  /** The largest peak resident memory a worker reported. */
  peakRssBytes: number;
  findings: Finding[];
  uniqueFindings: number;
}

/** Writes a case's files into its worker's folder; side files may sit above the model (escape targets) but stay inside `root`. */
function writeCase(root: string, fc: FuzzCase): string {
  fs.rmSync(root, { recursive: true, force: true });
  const modelFile = path.join(root, MODEL_PATH);
  const dir = path.dirname(modelFile);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(modelFile, fc.bytes);
  for (const f of fc.sideFiles) writeSideFile(root, dir, f);
  return modelFile;
}

function writeSideFile(root: string, dir: string, f: SideFile): void {
  const target = path.resolve(dir, f.path);
  if (!target.startsWith(root + path.sep)) throw new Error(`side file '${f.path}' would leave the case folder`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (f.dir) fs.mkdirSync(target, { recursive: true });
  else if (f.symlinkTo) { fs.rmSync(target, { force: true }); fs.symlinkSync(f.symlinkTo, target); }
  else fs.writeFileSync(target, f.data ?? new Uint8Array(0));
}

function seedReader(): (s: Seed) => Uint8Array {
  const cache = new Map<string, Uint8Array>();
  return (s) => {
    let b = cache.get(s.file);
    if (!b) {
      b = new Uint8Array(fs.readFileSync(s.file));
      if (b.byteLength < 16 << 20) cache.set(s.file, b);
    }
    return b;
  };
}

export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `  ${k.padEnd(48)} ${v}`).join('\n');
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const log = opts.log ?? (() => {});
  const sweep = opts.sweep ? sweepCases(opts.sweep) : undefined;
  const seeds = sweep ? [] : loadCorpus(opts.corpus);
  const ops = knownOpTypes();
  const readSeed = seedReader();
  const caseAt = (index: number) => sweep ? sweep[index]! : makeCase(seeds, readSeed, opts.seed, index, ops, opts.hostile);
  const workers = opts.workers ?? Math.max(1, Math.min(2, os.availableParallelism()));
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const pool = new WorkerPool({ size: workers, timeoutMs });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-fuzz-'));
  const findings = new FindingLog(opts.findingsDir, opts.seed);
  const counts: Record<string, number> = {};
  const examples: Record<string, string> = {};
  const t0 = performance.now();
  const deadline = opts.seconds === undefined ? Infinity : t0 + opts.seconds * 1000;
  const limit = Math.min(opts.cases ?? Infinity, sweep?.length ?? Infinity);
  if (limit === Infinity && deadline === Infinity) throw new Error('give the campaign a time (seconds) or case budget');
  const source = sweep ? `op/arity sweep of ${sweep.length} cases` : `seed ${opts.seed}, ${seeds.length} seed models`;
  log(`fuzz: ${source}, ${workers} workers, ${timeoutMs} ms per case (${timeoutMs * 5} ms to confirm a timeout)`);

  let next = 0;
  let lastReport = t0;
  let slowest: CampaignResult['slowest'];
  let peakRssBytes = 0;
  const loop = async () => {
    while (next < limit && performance.now() < deadline) {
      const index = next++;
      await pool.use(async (slot, exec) => {
        const fc = caseAt(index);
        const root = path.join(work, `w${slot}`);
        const job: CaseJob = { modelFile: writeCase(root, fc), compile: fc.compile, feedSeed: fc.feedSeed, feedMode: fc.feedMode, corruptModule: fc.corruptModule, mustFail: fc.mustFail, secretMarker: fc.secretMarker, compileOnly: fc.compileOnly, strict: opts.strict };
        const started = performance.now();
        const stopRaces = await startRaces(path.dirname(path.join(root, MODEL_PATH)), fc.sideFiles);
        let r;
        try {
          r = await exec(job);
          // A loaded machine can make a slow compile look like a hang: a timeout counts only if the
          // case also fails to finish in a fresh worker with five times the time.
          if (r.finding?.kind === 'timeout') {
            const retry = await exec(job, timeoutMs * 5);
            r = retry.finding?.kind === 'timeout' ? retry : { ...retry, outcome: `slow:${retry.outcome}` };
          }
        } finally {
          await stopRaces();
        }
        const ms = performance.now() - started;
        if (!slowest || ms > slowest.ms) slowest = { ms, index, seedName: fc.seedName, what: fc.mutations.join('; ').slice(0, 200), outcome: r.outcome };
        peakRssBytes = Math.max(peakRssBytes, r.peakRssBytes ?? 0);
        counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
        examples[r.outcome] ??= `${r.message ?? r.finding?.message ?? ''} [case ${index}, ${fc.seedName}]`;
        if (r.finding) {
          const f = findings.record(fc, job, r, root);
          log(`finding #${findings.all.length} (case ${index}, ${fc.seedName}): ${f.kind}: ${f.message.slice(0, 300)}${f.savedTo ? ` -> ${f.savedTo}` : ''}`);
        }
      });
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        log(`… ${next} cases, ${findings.all.length} findings, ${((lastReport - t0) / 1000).toFixed(0)} s`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, loop));
  } finally {
    pool.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return {
    seed: opts.seed, cases: next, elapsedMs: performance.now() - t0, counts, examples, slowest, peakRssBytes,
    findings: findings.all, uniqueFindings: findings.uniqueCount(),
  };
}

/** Runs case `index` of a campaign alone and keeps its files in `saveTo`, whatever its outcome. */
export async function runOneCase(opts: CampaignOptions, index: number, saveTo: string) {
  const fc = makeCase(loadCorpus(opts.corpus), seedReader(), opts.seed, index, knownOpTypes(), opts.hostile);
  const pool = new WorkerPool({ size: 1, timeoutMs: opts.timeoutMs ?? 20_000 });
  try {
    const job: CaseJob = { modelFile: writeCase(saveTo, fc), compile: fc.compile, feedSeed: fc.feedSeed, feedMode: fc.feedMode, corruptModule: fc.corruptModule, mustFail: fc.mustFail, secretMarker: fc.secretMarker, compileOnly: fc.compileOnly, strict: opts.strict };
    const stopRaces = await startRaces(path.dirname(path.join(saveTo, MODEL_PATH)), fc.sideFiles);
    try {
      return { fc, result: await pool.use((_slot, exec) => exec(job)) };
    } finally {
      await stopRaces();
    }
  } finally {
    pool.close();
  }
}

/** Runs the case saved in a finding folder again, in a fresh child process. */
export async function replayFinding(dir: string, timeoutMs = 60_000) {
  const saved = JSON.parse(fs.readFileSync(path.join(dir, 'finding.json'), 'utf8')) as Finding & { job: CaseJob };
  const pool = new WorkerPool({ size: 1, timeoutMs });
  try {
    const job = { ...saved.job, modelFile: path.resolve(dir, MODEL_PATH) };
    return { saved, result: await pool.use((_slot, exec) => exec(job)) };
  } finally {
    pool.close();
  }
}
