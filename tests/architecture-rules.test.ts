// Architecture rules of docs/architecture.md that a grep can check: they keep the escape hatches
// the codebase grew out of from coming back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/models.js';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `file:line: text` of every line of the package's sources matching `pattern`. */
function matches(pkg: string, pattern: RegExp, opts: { tests?: boolean } = {}): string[] {
  return sources(path.join(REPO_ROOT, 'packages', pkg, 'src'))
    .filter((f) => opts.tests || !f.endsWith('.test.ts'))
    .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (pattern.test(line) ? [`${path.relative(REPO_ROOT, f)}:${i + 1}: ${line.trim()}`] : [])));
}

describe('architecture rules', () => {
  it('wasm-codegen has no `as unknown as`: contexts are bridged by types (HelperHost), not casts', () => {
    expect(matches('wasm-codegen', /as unknown as/, { tests: true })).toEqual([]);
  });

  it('no code decides from an error message by comparing it', () => {
    for (const pkg of ['ir', 'onnx-import', 'optimizer', 'wasm-codegen', 'compiler']) {
      expect(matches(pkg, /\.message\s*(===|!==|==|!=)|(===|!==)\s*\w+\.message\b/), pkg).toEqual([]);
    }
  });
});
