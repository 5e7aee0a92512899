// The model repository commands through the CLI: build is incremental (a second build compiles
// nothing, timed) and refuses changed bytes under a built version; bad repositories and configs
// fail with one clear line; pack is deterministic and pack → unpack → serve answers the same.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, REPO_ROOT, seededInput } from './support/models.js';
import { OipClient } from './support/oip-client.js';
import { CLI, startServe } from './support/serve-process.js';
import { tempDir, writeRepository } from './support/serve-repo.js';

function cli(...args: string[]) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { ...r, ms: performance.now() - t0 };
}

describe('model repository: build, pack, unpack', () => {
  let dir: string;
  let repo: string;

  beforeAll(() => {
    dir = tempDir('repo');
    repo = writeRepository(path.join(dir, 'repo'), ['mlp']);
    fs.mkdirSync(path.join(repo, 'mlp'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'mlp', 'config.json'), JSON.stringify({ versionPolicy: { latest: 1 } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds every version once; a second build compiles nothing', () => {
    const first = cli('build', repo);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^built mlp\/1 in \d+ ms$/m);
    expect(first.stdout).toMatch(/^2 built, 0 unchanged/m);
    const index = JSON.parse(fs.readFileSync(path.join(repo, 'repository.json'), 'utf8'));
    const [v1, v2] = index.models[0].versions;
    expect(index.compiler.name).toBe('onnx2wasm');
    expect(v1.served).toBe(false); // versionPolicy latest: 1
    expect(v2.served).toBe(true);
    expect(v1.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v1.source.sha256).not.toBe(v2.source.sha256);
    expect(v1.inputs).toEqual([{ name: 'input', dtype: 'float32', dims: [1, 784] }]);
    expect(v1.files['model.wasm'].bytes).toBe(fs.statSync(path.join(repo, 'mlp/1/compiled/model.wasm')).size);
    // Both builds: serve picks the one the engine runs, deploy --target worker ships the FMA one.
    expect(v1).toMatchObject({ wasm: 'model.wasm', relaxedWasm: 'model.relaxed.wasm' });
    expect(v1.files['model.relaxed.wasm'].bytes).toBe(fs.statSync(path.join(repo, 'mlp/1/compiled/model.relaxed.wasm')).size);
    expect(Date.parse(v1.builtAt)).toBeGreaterThan(0);
    const indexBefore = fs.readFileSync(path.join(repo, 'repository.json'));
    const wasmMtime = fs.statSync(path.join(repo, 'mlp/1/compiled/model.wasm')).mtimeMs;

    const second = cli('build', repo);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^0 built, 2 unchanged/m);
    expect(fs.readFileSync(path.join(repo, 'repository.json'))).toEqual(indexBefore);
    expect(fs.statSync(path.join(repo, 'mlp/1/compiled/model.wasm')).mtimeMs).toBe(wasmMtime);
    // The build's own time (without the CLI's start-up), as it prints it.
    const own = (out: string) => Number(/unchanged in (\d+) ms/.exec(out)![1]);
    console.log(`build: first ${own(first.stdout)} ms (${first.ms.toFixed(0)} ms with CLI start-up), second, nothing to do: ${own(second.stdout)} ms (${second.ms.toFixed(0)} ms) on a shared 2-core machine`);
    expect(own(second.stdout)).toBeLessThan(own(first.stdout) / 5);
  });

  it('builds a complete repository elsewhere with --out', () => {
    const out = path.join(dir, 'built-elsewhere');
    const r = cli('build', repo, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['repository.json', 'mlp/config.json', 'mlp/1/model.onnx', 'mlp/2/compiled/model.wasm', 'mlp/2/compiled/build.json']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    expect(cli('build', repo, '--out', out).stdout).toMatch(/^0 built, 2 unchanged/m);
  });

  it('refuses different bytes under a built version, naming both hashes', () => {
    const copy = path.join(dir, 'changed');
    fs.cpSync(repo, copy, { recursive: true });
    const before = JSON.parse(fs.readFileSync(path.join(copy, 'repository.json'), 'utf8')).models[0].versions[0].source.sha256;
    fs.copyFileSync(path.join(MODELS_DIR, '../models/mlp.onnx'), path.join(copy, 'mlp/1/model.onnx'));
    fs.appendFileSync(path.join(copy, 'mlp/1/model.onnx'), Buffer.from([0x00])); // new bytes: refused before anything compiles them
    const r = cli('build', copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: model 'mlp' version 1 was built from model.onnx with SHA-256 ${before}, but it now has SHA-256 [0-9a-f]{64}: a built version is immutable; add the new model as version 3\\n$`));
  });

  it('rejects bad repositories and configs with one line', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(path.join(bad, 'm/v1'), { recursive: true });
    expect(cli('build', bad).stderr).toMatch(/^error: model 'm': folder 'v1' is not a version \(versions are positive integers/);
    fs.rmSync(path.join(bad, 'm/v1'), { recursive: true });
    fs.mkdirSync(path.join(bad, 'm/1'), { recursive: true });
    fs.copyFileSync(path.join(MODELS_DIR, 'mlp.onnx'), path.join(bad, 'm/1/model.onnx'));
    fs.writeFileSync(path.join(bad, 'm/config.json'), JSON.stringify({ inputShape: { input: [1, 784] } }));
    const r = cli('build', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: .*config\.json: unknown key 'inputShape' \(known: inputShapes, /);
    fs.writeFileSync(path.join(bad, 'm/config.json'), JSON.stringify({ versionPolicy: { latest: 0 } }));
    expect(cli('build', bad).stderr).toMatch(/versionPolicy must be/);
    expect(cli('build', path.join(dir, 'missing')).stderr).toMatch(/^error: model repository '.*missing' is not a folder\n$/);
  });

  it('packs deterministically, and pack → unpack → serve answers the same', async () => {
    const a = path.join(dir, 'a.tgz');
    const b = path.join(dir, 'b.tgz');
    expect(cli('pack', repo, '-o', a).status).toBe(0);
    expect(cli('pack', repo, '-o', b).status).toBe(0);
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
    const restored = path.join(dir, 'restored');
    const u = cli('unpack', a, '-o', restored);
    expect(u.status, u.stderr).toBe(0);
    expect(fs.readFileSync(path.join(restored, 'repository.json'))).toEqual(fs.readFileSync(path.join(repo, 'repository.json')));
    expect(cli('build', restored).stdout).toMatch(/^0 built, 2 unchanged/m);

    const input = seededInput([1, 784], 5);
    const answers: unknown[] = [];
    for (const r of [repo, restored]) {
      const server = await startServe(r, ['--instances', '1', '--quiet']);
      try {
        const c = new OipClient(server.url);
        expect((await c.modelMetadata('mlp')).body.versions).toEqual(['2']);
        const res = await c.infer('mlp', [{ name: 'input', shape: [1, 784], datatype: 'FP32', data: input }]);
        expect(res.status, res.error).toBe(200);
        answers.push(res);
      } finally {
        await server.stop();
      }
    }
    expect(answers[1]).toEqual(answers[0]);
  }, 120_000);

  it('without the server package, the serving commands say how to install it', () => {
    const r = spawnSync(process.execPath, ['--import', path.join(REPO_ROOT, 'tests/support/hide-server-package.mjs'), CLI, 'build', repo], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: this command needs the server package: npm i @onnx2wasm/server\n');
  });

  it('unpack refuses archives that escape the target folder', async () => {
    // The server package's own tar library writes the hostile archive.
    const tar = createRequire(path.join(REPO_ROOT, 'packages/server/package.json'))('tar-stream') as typeof import('tar-stream');
    const zlib = await import('node:zlib');
    const pack = tar.pack();
    pack.entry({ name: '../evil.txt' }, 'x');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const evil = path.join(dir, 'evil.tgz');
    fs.writeFileSync(evil, zlib.gzipSync(Buffer.concat(chunks)));
    const r = cli('unpack', evil, '-o', path.join(dir, 'evil-out'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: the archive entry '\.\.\/evil\.txt' points outside the target folder: refused\n$/);
    expect(fs.existsSync(path.join(dir, 'evil.txt'))).toBe(false);
  });
});
