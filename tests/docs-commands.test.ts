// The docs' shell examples, run: every `npx onnx2wasm …` line of a ```sh block in README.md and
// docs/*.md whose model file exists in the repository runs (in a copy of examples/, so nothing is
// written into the repository) and must exit 0, and so does a `run` of a folder an earlier line compiled. Lines about a placeholder model (`model.onnx`) or
// another tool (wrangler, workerd, curl, npm) are not run; `cd` lines are followed. The flags in
// docs/cli.md are checked against --help in tests/cli.test.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/models.js';
import { chromiumMissing, workerdMissing } from './support/browsers.js';

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');
const DOCS = ['README.md', ...fs.readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface Command { doc: string; line: string; cwd: string; args: string[] }

/** The runnable onnx2wasm commands of a document, with the folder each runs in (relative to the repository). */
function commandsOf(doc: string): Command[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, doc), 'utf8');
  const out: Command[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let cwd = '.';
    for (const raw of block[1]!.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      const cd = /^cd (\S+)$/.exec(line);
      if (cd) cwd = path.join(cwd, cd[1]!);
      const m = /^npx onnx2wasm (.+)$/.exec(line);
      if (!m) continue;
      const args = m[1]!.split(/\s+/);
      const models = args.filter((a) => a.endsWith('.onnx'));
      const runnable = models.length
        ? models.every((f) => fs.existsSync(path.join(REPO_ROOT, cwd, f)))
        // `run <dir>` of a folder an earlier command of the same document writes.
        : args[0] === 'run' && out.some((c) => c.cwd === cwd && c.args.includes(args[1]!) && c.args[c.args.indexOf(args[1]!) - 1] === '-o');
      if (runnable) out.push({ doc, line, cwd, args });
    }
  }
  return out;
}

const COMMANDS = DOCS.flatMap(commandsOf);
let tmp: string;

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error('the CLI is not built: run `npm run build` first (`npm test` does)');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-docs-'));
  fs.cpSync(path.join(REPO_ROOT, 'examples'), path.join(tmp, 'examples'), { recursive: true });
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('shell commands in the docs', () => {
  it('finds the quick start commands of the README and the docs', () => {
    expect(COMMANDS.filter((c) => c.doc === 'README.md').map((c) => c.args[0])).toEqual(['compile', 'run', 'check']);
    expect(COMMANDS.length).toBeGreaterThanOrEqual(5);
  });

  it('the sizes table of docs/deploy.md is what the compiler makes now (scripts/deploy-sizes.mjs --check, mlp row)', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/deploy-sizes.mjs'), '--models', 'mlp', '--check'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^\| mlp \| .* \| fast \|$/m);
  });

  // The timings are not deterministic, so they are not compared: the block must be the script's, and the script must run.
  const timingsSkip = chromiumMissing() ?? workerdMissing();
  if (timingsSkip) console.warn(`skipping the scripts/deploy-timings.mjs smoke run: ${timingsSkip}`);
  it('the timings of docs/deploy.md are in the block scripts/deploy-timings.mjs writes', () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/deploy.md'), 'utf8');
    const block = /<!-- deploy-timings: written by node scripts\/deploy-timings\.mjs --write -->\n([\s\S]*?)<!-- deploy-timings end -->/.exec(doc);
    expect(block, 'docs/deploy.md has no deploy-timings block').not.toBeNull();
    expect(block![1]).toMatch(/^Measured \d{4}-\d\d-\d\d, \d+ × .*, load average [\d.]+ at the start/m);
    expect(block![1]).toMatch(/^\| workerd \(data module\): one request at a time .* \|$/m);
    expect(block![1]).toMatch(/^\| Chromium: first \/ second `run\(\)` \| .* \|$/m);
  });
  it.skipIf(timingsSkip)('scripts/deploy-timings.mjs measures the mlp in workerd and Chromium (printed, not written)', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/deploy-timings.mjs'), '--models', 'mlp', '--starts', '1', '--sequential', '3', '--requests', '8', '--in-flight', '4'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^\| \| mlp \|$/m);
    expect(r.stdout).toMatch(/^\| workerd: start → first prediction answered, weights as a data module \| [\d.]+ m?s \|$/m);
    expect(r.stdout).toMatch(/^\| workerd \(data module\): 8 requests, 4 in flight \| all correct; [\d.]+ requests\/s, median latency [\d.]+ m?s \|$/m);
    expect(r.stdout).toMatch(/^\| Chromium: model ready, second visit \| [\d.]+ m?s \(weights from the Cache API; no request for them\) \|$/m);
    expect(r.stdout).not.toMatch(/wrote docs/);
  }, 130_000);

  // In document order, so a `run` finds the folder its `compile` wrote.
  it.each(COMMANDS.map((c) => [`${c.doc}: ${c.line}`, c] as const))('%s', (_, c) => {
    const r = spawnSync(process.execPath, [MAIN, ...c.args], { cwd: path.join(tmp, c.cwd), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
  });
});
