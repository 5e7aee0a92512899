// The built onnx2wasm CLI, run as a subprocess exactly as users run it: compile → files and manifest
// hashes, run → outputs printed, check → agreement with onnxruntime-node, and the error contract
// (one `error:` line, exit 1 for failures, exit 2 for usage errors).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, REPO_ROOT } from './support/models.js';

const MAIN = path.join(REPO_ROOT, 'packages/compiler/dist/cli/main.js');
const BIN_LINK = path.join(REPO_ROOT, 'node_modules/.bin/onnx2wasm');
const EXAMPLE = path.join(REPO_ROOT, 'examples/tiny-mlp/model.onnx');

interface Result { code: number | null; stdout: string; stderr: string }

function cli(...args: string[]): Result {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The error contract: exactly one line, prefixed `error: `, and no stack frames. */
function expectOneErrorLine(r: Result): void {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: \S/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let tmp: string;
beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error(`the CLI is not built (${path.relative(REPO_ROOT, MAIN)} is missing): run \`npm run build\` first (\`npm test\` does)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-cli-'));
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('onnx2wasm CLI: help and version', () => {
  it('--help lists every command', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['compile', 'run', 'check']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd} \\[options\\]`, 'm'));
  });

  it.each(['compile', 'run', 'check'])('%s --help shows its usage', (cmd) => {
    const r = cli(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: onnx2wasm ${cmd} [options]`);
    expect(r.stdout).toContain('--debug');
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages/compiler/package.json'), 'utf8')) as { version: string };
    const r = cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--list-passes names the optimizer passes', () => {
    const r = cli('--list-passes');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fold-constants\s+\S/m);
    expect(r.stdout).toMatch(/^dce\s+\S/m);
  });

  it('npm links the onnx2wasm bin at the repository root', () => {
    expect(fs.existsSync(BIN_LINK), `${BIN_LINK} is missing: npm ci should link the workspace bin`).toBe(true);
    const r = spawnSync(BIN_LINK, ['--version'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});

const MODELS = [
  { name: 'examples/tiny-mlp', file: EXAMPLE, shapeFlags: [] as string[] },
  { name: 'shared mlp', file: path.join(MODELS_DIR, 'mlp.onnx'), shapeFlags: ['--input-shape', 'input=1,784'] },
];

describe.each(MODELS)('onnx2wasm CLI on $name', ({ file, shapeFlags }) => {
  let out: string;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(tmp, 'out-'));
  });

  it('compile writes the files and a manifest whose hashes match them', () => {
    const r = cli('compile', file, '-o', out, ...shapeFlags);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^compiled .* in [\d.]+ ms$/m);
    for (const label of ['ops', 'wasm', 'weights', 'arena']) expect(r.stdout).toMatch(new RegExp(`^\\s+${label}\\s+\\S`, 'm'));
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: Record<string, { bytes: number; sha256: string }> };
    expect(Object.keys(manifest.files).sort()).toEqual(['model.d.ts', 'model.js', 'model.relaxed.wasm', 'model.wasm', 'model.weights.bin']);
    for (const [f, { bytes, sha256: hash }] of Object.entries(manifest.files)) {
      expect(fs.statSync(path.join(out, f)).size, f).toBe(bytes);
      expect(sha256(path.join(out, f)), f).toBe(hash);
    }
    expect(fs.existsSync(path.join(out, 'runtime/index.js'))).toBe(true);
  });

  it('run prints every output with dims and values', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { outputs: { name: string; dims: number[] }[] };
    const r = cli('run', out, '--seed', '3');
    expect(r.code, r.stderr).toBe(0);
    for (const o of manifest.outputs) expect(r.stdout).toMatch(new RegExp(`^\\s+${o.name}\\s+float32\\[${o.dims.join(',')}\\]\\s+\\[-?\\d`, 'm'));
    expect(r.stdout).toMatch(/^ran in [\d.]+ ms$/m);
    // The same seed gives the same printout, timings aside.
    const withoutTimes = (s: string) => s.replace(/ in [\d.]+ ms/g, '');
    expect(withoutTimes(cli('run', out, '--seed', '3').stdout)).toBe(withoutTimes(r.stdout));
  });

  it('run --threads runs the threaded build, and says why it runs one thread without one', () => {
    const threaded = fs.mkdtempSync(path.join(tmp, 'threads-'));
    const c = cli('compile', file, ...shapeFlags, '-o', threaded, '--threads');
    expect(c.code, c.stderr).toBe(0);
    const one = JSON.parse(cli('run', threaded, '--seed', '3', '--json').stdout);
    const two = JSON.parse(cli('run', threaded, '--seed', '3', '--json', '--threads', '2').stdout);
    expect(one.threads).toEqual({ threads: 1 });
    expect(two.threads).toEqual({ threads: 2 });
    expect(two.outputs).toEqual(one.outputs);
    const plain = cli('run', out, '--threads', '2');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/ on 1 thread \(.* has no threaded build; compile it with --threads\)$/m);
    const bad = cli('run', out, '--threads', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--threads.*expected an integer from 1 to 64/);
  });

  it('check agrees with onnxruntime-node and exits 0', () => {
    const r = cli('check', file, ...shapeFlags, '--seed', '5');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/max abs err\s+max rel err/);
    expect(r.stdout).toMatch(/^ok: /m);
  });
});

describe('onnx2wasm CLI: options and errors', () => {
  it('--embed-weights writes no weights file and the folder still runs', () => {
    const out = path.join(tmp, 'embedded');
    const c = cli('compile', EXAMPLE, '-o', out, '--embed-weights', '--name', 'tiny', '--verify');
    expect(c.code, c.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'package.json', 'runtime', 'tiny.d.ts', 'tiny.js', 'tiny.wasm']);
    const r = cli('run', out, '--input', 'input=zeros');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+input\s+float32\[1,64\]\s+zeros$/m);
  });

  it('a truncated .onnx file is one error line and exit 1', () => {
    const truncated = path.join(tmp, 'truncated.onnx');
    fs.writeFileSync(truncated, fs.readFileSync(EXAMPLE).subarray(0, 1000));
    const r = cli('compile', truncated, '-o', path.join(tmp, 'never'));
    expect(r.code).toBe(1);
    expectOneErrorLine(r);
    expect(r.stderr).toMatch(/ONNX/);
    expect(r.stdout).toBe('');
  });

  it('a missing model file is one error line and exit 1', () => {
    const r = cli('check', path.join(tmp, 'nope.onnx'));
    expect(r.code).toBe(1);
    expectOneErrorLine(r);
  });

  it('run on a folder that was never compiled is one error line and exit 1', () => {
    const r = cli('run', tmp);
    expect(r.code).toBe(1);
    expectOneErrorLine(r);
    expect(r.stderr).toContain('manifest.json');
  });

  it.each([
    ['an unknown option', ['compile', EXAMPLE, '-o', 'x', '--bogus'], /unknown option '--bogus'/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['a malformed --input-shape', ['compile', EXAMPLE, '-o', 'x', '--input-shape', 'input=1,-2'], /--input-shape/],
    ['a bad --rtol', ['check', EXAMPLE, '--rtol', 'tight'], /--rtol/],
    ['an unknown pass', ['compile', EXAMPLE, '-o', 'x', '--passes', 'no-such-pass'], /unknown pass 'no-such-pass'/],
    ['--passes with --no-opt', ['check', EXAMPLE, '--no-opt', '--passes', 'dce'], /cannot be used with/],
  ])('%s is a usage error: one line, exit 2', (_what, args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expectOneErrorLine(r);
    expect(r.stderr).toMatch(message);
  });

  it('--input naming an input the model does not have is a usage error', () => {
    const out = path.join(tmp, 'for-inputs');
    expect(cli('compile', EXAMPLE, '-o', out).code).toBe(0);
    const r = cli('run', out, '--input', 'image=zeros');
    expect(r.code).toBe(2);
    expectOneErrorLine(r);
    expect(r.stderr).toContain("no input 'image'");
  });

  it('--debug adds the stack trace', () => {
    const r = cli('run', tmp, '--debug');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: /);
  });
});

describe('docs/cli.md matches --help', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/cli.md'), 'utf8');
  const flagsIn = (text: string) => new Set(text.match(/--[a-z][a-z-]*/g) ?? []);
  const mentions = (text: string, flag: string) => new RegExp(`${flag}(?![a-z-])`).test(text);
  const section = (title: string) => {
    const s = doc.split(/^## /m).find((x) => x.startsWith(title));
    if (!s) throw new Error(`docs/cli.md has no section '## ${title}'`);
    return s;
  };
  // The flags an option table documents: the first cell of its rows.
  const tableFlags = (text: string) => flagsIn(text.split('\n').filter((l) => l.startsWith('| `-')).map((l) => l.split('|')[1]).join('\n'));
  const globalFlags = flagsIn(cli('--help').stdout.split('Commands:')[0]!);

  it('documents the global options, and only those', () => {
    const s = section('Options for every command');
    for (const f of globalFlags) expect(mentions(s, f), `docs/cli.md lacks ${f}`).toBe(true);
    for (const f of tableFlags(s)) expect(globalFlags.has(f), `docs/cli.md documents ${f}, which --help does not list`).toBe(true);
  });

  it.each(['compile', 'run', 'check', 'inspect', 'build', 'pack', 'unpack', 'serve', 'deploy'])('documents every %s option, and only those', (cmd) => {
    const s = section(`\`onnx2wasm ${cmd}\``);
    const help = flagsIn(cli(cmd, '--help').stdout);
    for (const f of help) if (!globalFlags.has(f)) expect(mentions(s, f), `docs/cli.md (${cmd}) lacks ${f}`).toBe(true);
    for (const f of tableFlags(s)) expect(help.has(f), `docs/cli.md (${cmd}) documents ${f}, which ${cmd} --help does not list`).toBe(true);
  });
});

describe('onnx2wasm CLI with symbolic dims', () => {
  const model = path.join(MODELS_DIR, 'transformer_enc_dyn.onnx');
  let out: string;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(tmp, 'dyn-'));
  });

  it('compiles once with --max-shape and --specialize, and runs each --shape', () => {
    const c = cli('compile', model, '-o', out, '--max-shape', 'input=4,64,256', '--specialize', 'seq=7');
    expect(c.code, c.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'model.d.ts'), 'utf8')).toContain('dims: [batch: number, seq: number, d2: 256]');
    for (const dims of ['2,7,256', '1,33,256']) {
      const r = cli('run', out, '--shape', `input=${dims}`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^\\s+output\\s+float32\\[${dims}\\]\\s+\\[-?\\d`, 'm'));
    }
  }, 60_000);

  it('names a missing --shape, and a run past --max-shape is a one-line error, exit 1', () => {
    const missing = cli('run', out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/symbolic dims \[batch,seq,256\]; give the dims of this run with --shape input=/);
    const over = cli('run', out, '--shape', 'input=1,65,256');
    expect(over.code).toBe(1);
    expectOneErrorLine(over);
    expect(over.stderr).toMatch(/'seq'.*65.*seq <= 64/);
  }, 60_000);

  it('check compares a --shape run with onnxruntime-node', () => {
    const r = cli('check', model, '--shape', 'input=2,9,256');
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 60_000);
});
