// docs/serving.md's curl examples, run against `onnx2wasm serve` on a copy of
// examples/model-repository (the README's one command): each ```sh block of "The protocol, with
// curl" runs in bash, and its output must be the JSON of the ```json block after it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/models.js';
import { startServe, type ServeProcess } from './support/serve-process.js';
import { tempDir } from './support/serve-repo.js';

const DOC = fs.readFileSync(path.join(REPO_ROOT, 'docs/serving.md'), 'utf8');

/** The (sh, json) block pairs of one section. */
function examples(section: string): { sh: string; json: string }[] {
  const start = DOC.indexOf(`\n## ${section}\n`);
  const end = DOC.indexOf('\n## ', start + 1);
  const text = DOC.slice(start, end);
  return [...text.matchAll(/```sh\n([\s\S]*?)```\s*```json\n([\s\S]*?)```/g)].map((m) => ({ sh: m[1]!, json: m[2]! }));
}

/** Equal JSON, numbers within a relative 1e-5 (float32 printed through JSON). */
function expectJsonClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, where).toBe('number');
    expect(Math.abs((actual as number) - expected), where).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(expected)));
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual) && actual.length, where).toBe(expected.length);
    expected.forEach((e, i) => expectJsonClose((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectJsonClose((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else {
    expect(actual, where).toEqual(expected);
  }
}

describe('docs/serving.md', () => {
  let dir: string;
  let server: ServeProcess;

  beforeAll(async () => {
    dir = tempDir('serving-doc');
    fs.cpSync(path.join(REPO_ROOT, 'examples/model-repository'), path.join(dir, 'model-repository'), { recursive: true, filter: (f) => !f.includes('compiled') && !f.endsWith('repository.json') });
    server = await startServe(path.join(dir, 'model-repository'), ['--instances', '1']);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the README starts a server on the bundled example repository with one command', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npx onnx2wasm serve examples/model-repository');
    expect(DOC).toContain('npx onnx2wasm serve examples/model-repository');
  });

  const cases = examples('The protocol, with curl');
  it('has curl examples for JSON, binary and errors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    expect(cases.some((c) => c.sh.includes('Inference-Header-Content-Length'))).toBe(true);
    expect(cases.some((c) => c.json.includes('"error"'))).toBe(true);
  });

  cases.forEach(({ sh, json }, i) => {
    it(`example ${i + 1}: ${sh.split('\n')[0]!.slice(0, 70)}`, () => {
      const script = sh.replaceAll('127.0.0.1:8000', server.url.replace('http://', ''));
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      expectJsonClose(JSON.parse(r.stdout), JSON.parse(json), 'output');
    });
  });
});
