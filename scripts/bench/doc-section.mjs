// docs/benchmarks.md holds two sections written by different scripts (bench.mjs: models,
// bench-kernels.mjs: "## Kernels"); each rewrites only its own part.
import * as fs from 'node:fs';

/** Splits markdown at "## Title" headings: [text before the first heading, Map(title → body)]. */
function split(text) {
  const parts = text.split(/^## /m);
  const sections = new Map();
  for (const p of parts.slice(1)) {
    const nl = p.indexOf('\n');
    sections.set(p.slice(0, nl).trim(), p.slice(nl + 1).trim());
  }
  return [parts[0], sections];
}

/** The body of section `title` in `file`, or undefined. */
export function readSection(file, title) {
  if (!fs.existsSync(file)) return undefined;
  return split(fs.readFileSync(file, 'utf8'))[1].get(title);
}

/** Every "## Title" section of `file` as [title, body] pairs, in order (none when it does not exist). */
export function readSections(file) {
  return fs.existsSync(file) ? split(fs.readFileSync(file, 'utf8'))[1].entries() : [];
}

/** Replaces (or appends) section `title` of `file` with `body`, keeping everything else. */
export function replaceSection(file, title, body) {
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const [head, sections] = split(old);
  sections.set(title, body);
  const text = head.trimEnd() + '\n\n' + [...sections].map(([t, b]) => `## ${t}\n\n${b}\n`).join('\n');
  fs.writeFileSync(file, text);
}
