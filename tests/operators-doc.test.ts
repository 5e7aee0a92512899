// docs/operators.md is generated from the registries; keep it in step with the code.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './support/models.js';

describe('docs/operators.md', () => {
  it('is up to date with the op registries', () => {
    // Runs against the built packages (npm test builds first).
    const out = execFileSync(process.execPath, ['scripts/gen-operators-doc.mjs', '--check'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(out).toContain('up to date');
  });
});
