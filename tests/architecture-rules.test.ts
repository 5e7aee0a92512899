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

  it('wasm-codegen has one lowering API: no second context or lower function for run-time dims', () => {
    expect(matches('wasm-codegen', /\b(lowerDynamic|DynLowerContext|DynOperand|helperContext|KernelOperand)\b/, { tests: true })).toEqual([]);
  });

  it('no code decides from an error message by comparing it', () => {
    for (const pkg of ['ir', 'onnx-import', 'optimizer', 'wasm-codegen', 'compiler']) {
      expect(matches(pkg, /\.message\s*(===|!==|==|!=)|(===|!==)\s*\w+\.message\b/), pkg).toEqual([]);
    }
  });

  it('no code decides from an error message by searching it, including the engines\' messages', () => {
    // Engines word their errors differently; decisions use codes, error classes, causes and flags.
    const inspects = /\.test\([^)]*\.message|\.message\)?\s*\.(includes|startsWith|endsWith|match|search|indexOf)\(/;
    for (const pkg of ['ir', 'onnx-import', 'optimizer', 'wasm-codegen', 'compiler', 'runtime', 'server']) {
      expect(matches(pkg, inspects), pkg).toEqual([]);
    }
  });

  it('every file docs/architecture.md names exists', () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/architecture.md'), 'utf8');
    const named = [...doc.matchAll(/`?((?:packages|tests|docs)\/[\w./-]+\.(?:ts|md|txt))`?/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    for (const f of named.filter((x) => !x.includes('<'))) expect(fs.existsSync(path.join(REPO_ROOT, f)), f).toBe(true);
  });

  // Issue #20, step 3 (not done yet): ONNX attribute defaults belong to onnx-import, which should
  // write every attribute explicitly. Until then this is a ratchet: the count of default-reading
  // patterns in the later layers may only go down (lower a number when you remove some).
  const DEFAULT_READS = [/\battr(?:Int|Float|Ints|String)\(\s*[^,()]+(?:\([^)]*\))?,\s*'[^']+'\s*,/g, /attrs(?:\.\w+|\[[^\]]+\])\)?\s*\?\?/g];
  const MAX_DEFAULT_READS: Record<string, number> = { ir: 13, optimizer: 3, 'wasm-codegen': 18, compiler: 0 };
  it('no new attribute defaults are read outside onnx-import (a ratchet)', () => {
    for (const [pkg, max] of Object.entries(MAX_DEFAULT_READS)) {
      const count = sources(path.join(REPO_ROOT, 'packages', pkg, 'src')).filter((f) => !f.endsWith('.test.ts'))
        .reduce((n, f) => { const text = fs.readFileSync(f, 'utf8'); return n + DEFAULT_READS.reduce((k, re) => k + (text.match(re)?.length ?? 0), 0); }, 0);
      expect(count, `${pkg}: attribute reads with a default (attrInt(n, 'axis', 0), attrs.group ?? 1); default them in onnx-import instead`).toBeLessThanOrEqual(max);
    }
  });
});
