// A short, deterministic fuzz campaign (fixed seed, fixed case count, small seed models) and the
// op/arity sweep over the public compile() and loadModel(): every outcome must be a success or a
// typed error. Any finding fails the test; its reproducer is saved under fuzz-findings/ (replay:
// npm run fuzz -- --replay DIR).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCounts, runCampaign } from '../scripts/fuzz/campaign.js';
import { loadCorpus } from '../scripts/fuzz/corpus.js';
import { makeCase } from '../scripts/fuzz/make-case.js';
import { MODELS_DIR, REPO_ROOT, SHARED } from './support/models.js';

const CASES_DIR = path.join(SHARED, 'onnx-tests');
const CORPUS = { modelsDir: MODELS_DIR, casesDir: CASES_DIR, maxSeedBytes: 1 << 20 };

describe('fuzz', () => {
  it('case generation is deterministic: the same seed and index give the same mutant', () => {
    const seeds = loadCorpus(CORPUS);
    const read = (s: { file: string }) => new Uint8Array(fs.readFileSync(s.file));
    for (const index of [0, 1, 17, 401]) {
      const a = makeCase(seeds, read, 99, index), b = makeCase(seeds, read, 99, index);
      expect(b.seedName).toBe(a.seedName);
      expect(b.mutations).toEqual(a.mutations);
      expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    }
  });

  it('2000 mutants of the small shared and conformance models give only successes and typed errors', async () => {
    const r = await runCampaign({
      seed: 20261126,
      cases: 2000,
      workers: 2,
      timeoutMs: 30_000,
      corpus: CORPUS,
      findingsDir: path.join(REPO_ROOT, 'fuzz-findings'),
      log: (l) => console.log(l),
    });
    console.log(`fuzz: ${r.cases} cases in ${(r.elapsedMs / 1000).toFixed(1)} s\n${formatCounts(r.counts)}`);
    expect(r.cases).toBe(2000);
    expect(r.findings.map((f) => `${f.kind} (case ${f.caseIndex}, ${f.seedName}): ${f.message} ${f.savedTo ?? ''}`)).toEqual([]);
    // The campaign reached every phase: import errors, later compile errors, runs, and rejected feeds.
    const total = (prefix: string) => Object.entries(r.counts).filter(([k]) => k.startsWith(prefix)).reduce((s, [, v]) => s + v, 0);
    expect(r.counts['compile-error:INVALID_MODEL']).toBeGreaterThan(100);
    expect(r.counts['compile-error:SHAPE_MISMATCH']).toBeGreaterThan(10);
    expect(r.counts['ran-ok']).toBeGreaterThan(50);
    expect(total('rejected-bad-input:')).toBeGreaterThan(20);
    expect(total('damaged-module:')).toBeGreaterThan(10);
  }, 240_000);

  it('every op with a handler, given 0, 1, 2, 3 or 6 inputs and no attributes, fails typed or compiles (op/arity sweep)', async () => {
    const r = await runCampaign({ seed: 0, sweep: {}, workers: 2, timeoutMs: 30_000, corpus: CORPUS, findingsDir: path.join(REPO_ROOT, 'fuzz-findings'), log: (l) => console.log(l) });
    console.log(`sweep: ${r.cases} cases in ${(r.elapsedMs / 1000).toFixed(1)} s\n${formatCounts(r.counts)}`);
    expect(r.cases).toBeGreaterThan(500);
    expect(r.findings.map((f) => `${f.kind} (${f.seedName}: ${f.mutations[0]}): ${f.message} ${f.savedTo ?? ''}`)).toEqual([]);
  }, 240_000);
});
