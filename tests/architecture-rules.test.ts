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

  // Issue #20: ONNX attribute defaults belong to onnx-import (attribute-defaults.ts, and the
  // handlers for defaults that depend on the inputs, such as a window's per-axis strides), which
  // writes every attribute of every IR node it emits; the optimizer's rewrites copy or write them
  // all. No later layer reads an attribute with a fallback, in any spelling: a reader helper given a
  // default (attrInt(n, 'group', 1), attrFloat(n, q.name, q.default)), or an attribute or a helper's
  // result followed by `??` / `||` (attrs.group ?? 1, (n.attrs.pads as number[] | undefined) ?? [...],
  // (n.attrs.strides as number[])?.[0] ?? 1, attr(n, 'axis') ?? 0), or a type test picking one
  // (typeof n.attrs.epsilon === 'number' ? n.attrs.epsilon : 1e-5).
  /** The calls of an attribute reader helper that pass a third argument (its default). */
  function readerDefaults(text: string): number[] {
    const at: number[] = [];
    for (const m of text.matchAll(/\battr(?:Int|Float|Ints|Floats|String|Strings|Number|Bool)?\(/g)) {
      let depth = 1, commas = 0, i = m.index! + m[0].length;
      for (; i < text.length && depth > 0; i++) {
        const c = text[i];
        if (c === '(' || c === '[' || c === '{') depth++;
        else if (c === ')' || c === ']' || c === '}') depth--;
        else if (c === ',' && depth === 1) commas++;
      }
      if (commas >= 2) at.push(m.index!);
    }
    return at;
  }
  const FALLBACKS = [
    // attrs.x ?? d, attrs['x'] || d, (n.attrs.x as T | undefined) ?? d, (n.attrs.x as T[])?.[0] ?? d
    /\battrs(?:\.\w+|\[[^\]]+\])(?:\s+as\s+[^)?;]+\))?(?:\?\.\[[^\]]+\]|\[[^\]]+\])?\s*(?:\?\?|\|\|)/g,
    // attr(n, 'x') ?? d, attrInt(n, 'x')?.… ?? d: a helper's result with a fallback
    /\battr(?:Int|Float|Ints|Floats|String|Strings)?\([^()]*\)\)?(?:\?\.\[[^\]]+\])?\s*(?:\?\?|\|\|)/g,
    // typeof n.attrs.x === 'number' ? n.attrs.x : d
    /\btypeof\s+[\w.]*\battrs(?:\.\w+|\[[^\]]+\])\s*===?\s*'\w+'\s*\?/g,
  ];
  /** `file:line: text` of every attribute read with a default in the package's sources (tests and test support aside). */
  function defaultReads(pkg: string): string[] {
    return sources(path.join(REPO_ROOT, 'packages', pkg, 'src')).filter((f) => !f.endsWith('.test.ts') && !f.includes(`${path.sep}testing${path.sep}`)).flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8');
      const at = [...readerDefaults(text), ...FALLBACKS.flatMap((re) => [...text.matchAll(re)].map((m) => m.index!))];
      const lines = text.split('\n');
      return [...new Set(at.map((i) => text.slice(0, i).split('\n').length))].sort((a, b) => a - b)
        .map((l) => `${path.relative(REPO_ROOT, f)}:${l}: ${lines[l - 1]!.trim()}`);
    });
  }
  it('no attribute default is read outside onnx-import', () => {
    for (const pkg of ['ir', 'optimizer', 'wasm-codegen', 'compiler', 'runtime', 'server']) {
      expect(defaultReads(pkg), `${pkg}: attribute reads with a default; default them in onnx-import instead`).toEqual([]);
    }
  });
  it('the default-read check finds every spelling it names (and not plain code)', () => {
    const hits = (src: string) => readerDefaults(src).length + FALLBACKS.reduce((n, re) => n + [...src.matchAll(re)].length, 0);
    for (const src of [
      "attrInt(n, 'group', 1)", "attrInts(node, 'pads', new Array(2 * rank).fill(0))", 'attrFloat(n, q.name, q.default)',
      'Number(node.attrs.group ?? 1)', "node.attrs['axis'] ?? 0", '(n.attrs.pads as number[] | undefined) ?? [0, 0, 0, 0]',
      '(n.attrs.strides as number[] | undefined)?.[0] ?? 1', "attr(n, 'axis') ?? 0", 'ctx.node.attrs.mode || "constant"',
      "typeof bn.attrs.epsilon === 'number' ? bn.attrs.epsilon : 1e-5",
    ]) expect(hits(src), src).toBe(1);
    for (const src of ["attrInt(n, 'group')", "attrInts(node, cond ? 'a' : 'b')", 'const x = y ?? 1', "fn.attrs(a, b, c)", 'Array.isArray(n.attrs.perm) || x', "n.attrs.axis === undefined || n.attrs.axis === null"]) expect(hits(src), src).toBe(0);
  });
});

// Issue #20: every IR op with attributes defines a typed record and its one reader next to it
// (convAttrs, poolAttrs, reduceAttrs, … in packages/ir/src/ops, built on the validating readers of
// op-registry.ts). Everything past the op definitions reads the record, never an attribute by name:
// no reader helper call (attrInt(n, 'group')) and no `.attrs.x` / `.attrs['x']` read. Writing
// attributes (`attrs: { … }`, `n.attrs = { ...n.attrs, … }`) and copying them whole stay allowed.
describe('attributes are read through the ops\' typed records', () => {
  // A reader helper call, or a property read of `.attrs` (`.attrs.x`, `.attrs?.x`, `.attrs['x']`,
  // `.attrs[key]`) that is not an assignment to it.
  const BY_NAME = /\battr(?:Int|Ints|Float|Floats|String|Strings|Tensor|Number|Bool)?\(|\.attrs(?:\?\.|\.)\w+\b(?!\s*=[^=>])|\.attrs(?:\?\.)?\[[^\]]+\](?!\s*=[^=>])/;
  /** `file:line: text` of every by-name attribute read outside the op definitions (and their generic readers in op-registry.ts). */
  function byNameReads(pkg: string): string[] {
    return sources(path.join(REPO_ROOT, 'packages', pkg, 'src'))
      .filter((f) => !f.endsWith('.test.ts') && !f.includes(`${path.sep}testing${path.sep}`))
      .filter((f) => !f.includes(path.join('packages', 'ir', 'src', 'ops') + path.sep) && !f.endsWith(path.join('packages', 'ir', 'src', 'op-registry.ts')))
      .flatMap((f) => {
        const rel = path.relative(REPO_ROOT, f).split(path.sep).join('/');
        return fs.readFileSync(f, 'utf8').split('\n').flatMap((line, i) => {
          if (!BY_NAME.test(line)) return [];
          return [`${rel}:${i + 1}: ${line.trim()}`];
        });
      });
  }
  it('no code past the op definitions reads an attribute by name', () => {
    for (const pkg of ['ir', 'optimizer', 'wasm-codegen', 'compiler', 'runtime', 'server']) {
      expect(byNameReads(pkg), `${pkg}: attribute reads by name; read the op's record (e.g. convAttrs(node).group) instead`).toEqual([]);
    }
  });
  it('the by-name check finds every spelling it names (and not writes, copies or records)', () => {
    for (const src of [
      "attrInt(n, 'group')", "attrInts(node, 'pads')", "attrFloat(n, 'epsilon')", "attrString(node, 'mode')", "attr(n, 'axis')",
      'n.attrs.perm as number[]', "node.attrs['axis']", 'node.attrs[key]', 's.attrs?.min === undefined', 'if (n.attrs.winograd === 0) x()',
      'n.attrs.dims.map(f)',
    ]) expect(BY_NAME.test(src), src).toBe(true);
    for (const src of [
      'convAttrs(node).group', 'const { axis } = softmaxAttrs(n)', 'attrs: { ...n.attrs, perm }', "n.attrs = { ...n.attrs, winograd: 0 }",
      'n.attrs.dims = dims', 'const attrs = gemmAttrs(node); attrs.transA', 'fn.attrs(a, b)', 'readActivation(node)',
    ]) expect(BY_NAME.test(src), src).toBe(false);
  });
});
