// What a new user gets from npm, outside this repository: every package packed with `npm pack`
// (its prepack builds it), installed from the tarballs into a project made by `npm init -y`
// (CommonJS, npm's default), then the README's API example (from an .mjs and from CommonJS through
// await import()), the CLI through npx, and the generated glue of a compiled folder, each compared
// with onnxruntime-node; the bundler plugins load there too (building apps with them is
// tests/bundler-plugins.test.ts).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, maxDiff, runOrt } from './support/models.js';

const PACKAGES = ['ir', 'onnx-import', 'optimizer', 'wasm-codegen', 'runtime', 'compiler', 'server', 'vite-plugin', 'esbuild-plugin'];
const MODEL = 'examples/tiny-mlp/model.onnx';
const TOLERANCE = 1e-5;

let tmp: string;
let project: string;
let reference: number[];

function sh(cmd: string, args: string[], options: SpawnSyncOptions = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', timeout: 120_000, ...options });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function ok(r: { code: number | null; stdout: string; stderr: string }): string {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The README's "Quick start: API" block, as written (it is plain JavaScript). */
function readmeApiExample(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /## Quick start: API\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no ```ts block under '## Quick start: API'");
  return block;
}

function expectMatchesOrt(values: number[]): void {
  expect(values).toHaveLength(reference.length);
  const { maxAbsDiff, maxAbsRef } = maxDiff(values, reference);
  expect(maxAbsDiff, `max diff ${maxAbsDiff} vs max |ref| ${maxAbsRef}`).toBeLessThanOrEqual(TOLERANCE * maxAbsRef);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-fresh-'));
  project = path.join(tmp, 'app');
  const tarballs = path.join(tmp, 'tarballs');
  fs.mkdirSync(project);
  fs.mkdirSync(tarballs);
  // Each package's prepack builds it (checked below); `npm test` has just built everything, so the
  // pack skips the six Nx start-ups that would only confirm the cache.
  for (const p of PACKAGES) {
    if (!fs.existsSync(path.join(REPO_ROOT, 'packages', p, 'dist/index.js'))) throw new Error(`packages/${p} is not built: run \`npm run build\` first (\`npm test\` does)`);
  }
  ok(sh('npm', ['pack', '--ignore-scripts', '--pack-destination', tarballs, ...PACKAGES.flatMap((p) => ['-w', `packages/${p}`])], { cwd: REPO_ROOT }));
  ok(sh('npm', ['init', '-y']));
  const files = fs.readdirSync(tarballs).map((f) => path.join(tarballs, f));
  expect(files).toHaveLength(PACKAGES.length);
  // --legacy-peer-deps: the plugins' peers (vite, esbuild) are the app's choice; this project only loads the plugins.
  ok(sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--legacy-peer-deps', ...files], { timeout: 240_000 }));
  fs.mkdirSync(path.join(project, path.dirname(MODEL)), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, MODEL), path.join(project, MODEL));
  reference = Array.from((await runOrt(path.join(REPO_ROOT, MODEL), { input: { dims: [1, 64], data: new Float32Array(64) } })).scores!.data);
}, 300_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a fresh CommonJS project with the packed packages', () => {
  it('packs only after building: every package has a prepack that runs its Nx build', () => {
    for (const p of PACKAGES) {
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages', p, 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string> };
      expect(pkg.scripts.prepack, p).toBe(`nx run ${pkg.name}:build --output-style=static`);
    }
  });

  it('is CommonJS, and the tarballs ship the license, README, built code and no dangling source maps', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as { type?: string };
    expect(pkg.type ?? 'commonjs').toBe('commonjs');
    for (const name of ['onnx2wasm', '@onnx2wasm/runtime', '@onnx2wasm/ir', '@onnx2wasm/vite']) {
      const dir = path.join(project, 'node_modules', name);
      for (const f of ['LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'require.cjs']) expect(fs.existsSync(path.join(dir, f)), `${name}/${f}`).toBe(true);
      // Every shipped map points at a shipped source.
      const maps = fs.readdirSync(path.join(dir, 'dist'), { recursive: true }).map(String).filter((f) => f.endsWith('.js.map'));
      expect(maps.length).toBeGreaterThan(0);
      for (const m of maps) {
        const { sources } = JSON.parse(fs.readFileSync(path.join(dir, 'dist', m), 'utf8')) as { sources: string[] };
        for (const s of sources) expect(fs.existsSync(path.resolve(dir, 'dist', path.dirname(m), s)), `${name}: ${m} -> ${s}`).toBe(true);
      }
    }
  });

  it("runs the README's API example from an .mjs file", () => {
    fs.writeFileSync(path.join(project, 'api.mjs'), `${readmeApiExample()}\nconsole.log(JSON.stringify(Array.from(out.scores.data)));\n`);
    expectMatchesOrt(JSON.parse(ok(sh(process.execPath, ['api.mjs']))) as number[]);
  });

  it("runs the README's API example from CommonJS through await import()", () => {
    const body = readmeApiExample().replace(/^import \{ (\w+) \} from ('[^']+');$/gm, 'const { $1 } = await import($2);');
    expect(body).not.toMatch(/^import /m);
    fs.writeFileSync(path.join(project, 'api.cjs'), `(async () => {\n${body}\nconsole.log(JSON.stringify(Array.from(out.scores.data)));\n})();\n`);
    expectMatchesOrt(JSON.parse(ok(sh(process.execPath, ['api.cjs']))) as number[]);
  });

  it('require() of a package explains how to load it from CommonJS', () => {
    for (const name of ['onnx2wasm', '@onnx2wasm/runtime', '@onnx2wasm/vite']) {
      const r = sh(process.execPath, ['-e', `require(${JSON.stringify(name)})`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`${name} is an ES module package`);
      expect(r.stderr).toContain(`await import('${name}')`);
    }
  });

  it('the bundler plugins load from CommonJS through await import() and are plugins', () => {
    const code = `(async () => {
  const vite = (await import('@onnx2wasm/vite')).default();
  const esbuild = (await import('@onnx2wasm/esbuild')).default();
  console.log(JSON.stringify([vite.name, typeof vite.load, esbuild.name, typeof esbuild.setup]));
})();`;
    expect(JSON.parse(ok(sh(process.execPath, ['-e', code])))).toEqual(['onnx2wasm', 'function', 'onnx2wasm', 'function']);
  });

  it('compiles with npx onnx2wasm, runs the folder, and loads it through the glue from .mjs and CommonJS', () => {
    ok(sh('npx', ['--no', 'onnx2wasm', 'compile', MODEL, '-o', 'out']));
    expect(JSON.parse(fs.readFileSync(path.join(project, 'out/package.json'), 'utf8'))).toMatchObject({ type: 'module' });
    const run = ok(sh('npx', ['--no', 'onnx2wasm', 'run', 'out', '--input', 'input=zeros', '--json']));
    expectMatchesOrt((JSON.parse(run) as { outputs: { scores: { data: number[] } } }).outputs.scores.data);
    // The README's snippet for a compiled folder, verbatim, in an .mjs.
    fs.writeFileSync(path.join(project, 'glue.mjs'), `import { load } from './out/model.js';\nconst model = await load();\n` +
      `const out = await model.run({ input: { dtype: 'float32', dims: [1, 64], data: new Float32Array(64) } });\nconsole.log(JSON.stringify(Array.from(out.scores.data)));\n`);
    expectMatchesOrt(JSON.parse(ok(sh(process.execPath, ['glue.mjs']))) as number[]);
    fs.writeFileSync(path.join(project, 'glue.cjs'), `(async () => {\n  const { load } = await import('./out/model.js');\n  const model = await load();\n` +
      `  const out = await model.run({ input: { dtype: 'float32', dims: [1, 64], data: new Float32Array(64) } });\n  console.log(JSON.stringify(Array.from(out.scores.data)));\n})();\n`);
    expectMatchesOrt(JSON.parse(ok(sh(process.execPath, ['glue.cjs']))) as number[]);
  });
});
