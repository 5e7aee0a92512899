// npm run fuzz -- [--seconds N] [--seed S] [--cases N] [--cases-dir DIR] [--models-dir DIR]
//                 [--workers N] [--timeout-ms N] [--max-seed-mb N] [--only NAME-PART] [--findings-dir DIR]
//                 [--examples] [--strict: VERIFY_FAILED and CODEGEN_FAILED are findings too]
// npm run fuzz -- --replay fuzz-findings/<finding>
// npm run fuzz -- --seed S --case N      (run one case alone; its files go to fuzz-findings/case-S-N)
// npm run fuzz -- --fold-compare [--seconds N] (constant folding vs run-time kernels on special values; fold-compare.ts)
// --hostile P: share of cases that are hostile models (hostile-models.ts), default 0.1
// npm run fuzz -- --sweep                 (every handler's op and opset with 0, 1, 2, 3 and 6 inputs; sweep.ts)
// Mutates the shared and conformance models, compiles and runs each mutant in a child process with a
// time limit, prints the count of every outcome and saves a reproducer for each new finding.
// Exits 1 when there were findings.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { formatCounts, replayFinding, runCampaign, runOneCase } from './campaign.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    cases: { type: 'string' },
    'cases-dir': { type: 'string', default: path.resolve(root, '../shared/onnx-tests') },
    'models-dir': { type: 'string', default: path.resolve(root, '../shared/models') },
    workers: { type: 'string' },
    'timeout-ms': { type: 'string', default: '20000' },
    'max-seed-mb': { type: 'string' },
    'findings-dir': { type: 'string', default: path.join(root, 'fuzz-findings') },
    replay: { type: 'string' },
    case: { type: 'string' },
    only: { type: 'string' },
    examples: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    sweep: { type: 'boolean', default: false },
    hostile: { type: 'string', default: '0.1' },
    'fold-compare': { type: 'boolean', default: false },
  },
});

const int = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) { console.error(`--${name} must be a non-negative number, got '${v}'`); process.exit(2); }
  return n;
};

if (args.replay) {
  const { saved, result } = await replayFinding(args.replay, int('timeout-ms', args['timeout-ms']));
  console.log(`saved:  ${saved.kind}: ${saved.message}`);
  console.log(`replay: ${result.outcome}${result.finding ? `: ${result.finding.message}` : result.message ? `: ${result.message}` : ''}`);
  process.exit(result.finding ? 1 : 0);
}

const corpus = () => {
  const maxMb = int('max-seed-mb', args['max-seed-mb']);
  return { modelsDir: args['models-dir'], casesDir: args['cases-dir'], maxSeedBytes: maxMb === undefined ? undefined : maxMb * 2 ** 20, only: args.only };
};

if (args.case !== undefined) {
  const seed = int('seed', args.seed)!, index = int('case', args.case)!;
  const dir = path.resolve(args['findings-dir'], `case-${seed}-${index}`);
  const { fc, result } = await runOneCase({ seed, corpus: corpus(), timeoutMs: int('timeout-ms', args['timeout-ms']), strict: args.strict, hostile: Number(args.hostile) }, index, dir);
  console.log(`case ${index} of seed ${seed}: ${fc.seedName}\n${fc.mutations.map((m) => `  ${m}`).join('\n')}`);
  console.log(`options ${JSON.stringify(fc.compile)}, feeds ${fc.feedMode}${fc.corruptModule ? ', damaged module' : ''}`);
  console.log(`outcome: ${result.outcome}${result.finding ? `: ${result.finding.message}\n${result.finding.stack ?? ''}` : result.message ? `: ${result.message}` : ''}`);
  console.log(`files: ${dir}`);
  process.exit(result.finding ? 1 : 0);
}

if (args['fold-compare']) {
  const { foldCompareCampaign } = await import('./fold-compare.js');
  const r = await foldCompareCampaign(int('seed', args.seed)!, int('seconds', args.seconds) ?? 60, (l) => console.log(l));
  console.log(`fold-compare: ${r.cases} cases (${r.errors} typed compile errors), ${r.findings.length} disagreements`);
  process.exit(r.findings.length ? 1 : 0);
}

const seconds = int('seconds', args.seconds);
const cases = int('cases', args.cases);
const result = await runCampaign({
  seed: int('seed', args.seed)!,
  sweep: args.sweep ? { allVersions: true } : undefined,
  seconds: seconds ?? (cases === undefined && !args.sweep ? 60 : undefined),
  cases,
  workers: int('workers', args.workers),
  timeoutMs: int('timeout-ms', args['timeout-ms']),
  corpus: corpus(),
  findingsDir: args['findings-dir'],
  strict: args.strict,
  hostile: Number(args.hostile),
  log: (l) => console.log(l),
});

console.log(`\n${result.cases} cases in ${(result.elapsedMs / 1000).toFixed(1)} s (seed ${result.seed}); outcomes:`);
console.log(formatCounts(result.counts));
console.log(`peak worker RSS: ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
if (result.slowest) console.log(`slowest case: ${(result.slowest.ms / 1000).toFixed(1)} s, case ${result.slowest.index} (${result.slowest.seedName}: ${result.slowest.what}) → ${result.slowest.outcome}`);
if (args.examples) {
  console.log('first message per outcome:');
  for (const [k, v] of Object.entries(result.examples).sort()) console.log(`  ${k}: ${v}`);
}
console.log(`findings: ${result.findings.length} (${result.uniqueFindings} distinct)${result.findings.length ? `, reproducers in ${args['findings-dir']}` : ''}`);
process.exit(result.findings.length ? 1 : 0);
