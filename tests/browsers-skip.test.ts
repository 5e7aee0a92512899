// Without Chromium, the browser tests skip with a one-line reason instead of failing their file
// (the README promises `npm test` needs Node; CI installs Chromium, so CI still runs them).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/models.js';

describe('a machine without Chromium', () => {
  it('skips tests/bundler-plugins.test.ts with a one-line reason and runs the rest of the file', () => {
    const vitest = path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs');
    const r = spawnSync(process.execPath, [vitest, 'run', 'tests/bundler-plugins.test.ts'], {
      cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ONNX2WASM_CHROMIUM: '/nonexistent/chromium', NO_COLOR: '1' },
    });
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(0);
    expect(output).toContain('skipping tests/bundler-plugins.test.ts: /nonexistent/chromium is missing (apt-get install -y chromium; .ci/run does)');
    // The six Chromium tests skip; the two that need no browser still run.
    expect(output).toMatch(/Tests\s+2 passed \| 6 skipped \(8\)/);
  });
});
