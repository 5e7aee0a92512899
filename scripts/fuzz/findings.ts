// Findings: a case whose outcome is not a typed error or a success. The first case of each
// signature (kind + message with numbers and names blanked) is saved as a reproducer folder:
// the case's files, finding.json (enough to replay it) and README.md (what happened).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { FuzzCase } from './make-case.js';
import type { CaseJob, CaseResult } from './run-case.js';

export interface Finding {
  kind: string;
  signature: string;
  message: string;
  seedName: string;
  caseIndex: number;
  campaignSeed: number;
  mutations: string[];
  /** Where the reproducer was saved (only the first of each signature is). */
  savedTo?: string;
}

/** The model file inside a saved finding (and inside each worker's case folder). */
export const MODEL_PATH = path.join('outer', 'model', 'model.onnx');

export function signatureOf(kind: string, message: string, stack = ''): string {
  const msg = message.replace(/'[^']*'/g, "'…'").replace(/\d+/g, '#');
  const frame = stack.split('\n').find((l) => l.includes('/packages/')) ?? '';
  const where = frame.replace(/:\d+:\d+\)?$/, '').replace(/^.*\/packages\//, '');
  return `${kind} | ${msg.slice(0, 200)} | ${where}`;
}

function readme(f: Finding, fc: FuzzCase, job: CaseJob, r: CaseResult): string {
  const lines = [
    `# Fuzz finding: ${f.kind}`,
    '',
    `- message: ${f.message}`,
    `- seed model: ${fc.seedName}`,
    `- mutations:`,
    ...(fc.mutations.length ? fc.mutations.map((m) => `  - ${m}`) : ['  - (none)']),
    `- compile options: ${JSON.stringify(job.compile)}`,
    `- feeds: ${job.feedMode}${job.corruptModule ? ', module metadata/weights damaged before loading' : ''}`,
    ...(job.mustFail ? [`- expected to fail because: ${job.mustFail}`] : []),
    `- campaign: --seed ${f.campaignSeed}, case ${f.caseIndex}`,
    `- model: ${MODEL_PATH} (side files, if any, around it)`,
    '',
    `Replay: \`npm run fuzz -- --replay ${f.savedTo ?? '<this folder>'}\``,
    '',
    '```',
    r.finding?.stack ?? '',
    '```',
  ];
  return lines.join('\n') + '\n';
}

export class FindingLog {
  readonly all: Finding[] = [];
  private readonly saved = new Set<string>();

  constructor(private readonly dir: string | undefined, private readonly campaignSeed: number) {}

  /** Records a finding; saves the case folder `caseRoot` as a reproducer if its signature is new. */
  record(fc: FuzzCase, job: CaseJob, r: CaseResult, caseRoot: string): Finding {
    const kind = r.finding!.kind;
    const signature = signatureOf(kind, r.finding!.message, r.finding!.stack);
    const f: Finding = { kind, signature, message: r.finding!.message, seedName: fc.seedName, caseIndex: fc.index, campaignSeed: this.campaignSeed, mutations: fc.mutations };
    this.all.push(f);
    if (this.dir && !this.saved.has(signature)) {
      this.saved.add(signature);
      const out = path.join(this.dir, `${kind}-${createHash('sha256').update(signature).digest('hex').slice(0, 8)}`);
      fs.rmSync(out, { recursive: true, force: true });
      fs.cpSync(caseRoot, out, { recursive: true, verbatimSymlinks: true });
      f.savedTo = out;
      fs.writeFileSync(path.join(out, 'finding.json'), JSON.stringify({ ...f, job: { ...job, modelFile: MODEL_PATH } }, null, 2) + '\n');
      fs.writeFileSync(path.join(out, 'README.md'), readme(f, fc, job, r));
    }
    return f;
  }

  uniqueCount(): number {
    return new Set(this.all.map((f) => f.signature)).size;
  }
}
