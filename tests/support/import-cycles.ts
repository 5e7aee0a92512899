// The relative-import graph of a package's sources and its cycles. Every static import and
// re-export counts, type-only ones too: a type cycle is still two files that cannot be understood
// (or moved) one without the other.
import * as fs from 'node:fs';
import * as path from 'node:path';

const STATIC_IMPORT = /(?:^|\n)[ \t]*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Each source file (relative to `dir`) → the source files it imports at load time. */
export function importGraph(dir: string): Map<string, string[]> {
  const files = sources(dir);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of fs.readFileSync(f, 'utf8').matchAll(STATIC_IMPORT)) {
      const target = path.resolve(path.dirname(f), m[1]!).replace(/\.js$/, '.ts');
      deps.push(path.relative(dir, fs.existsSync(target) ? target : target.replace(/\.ts$/, '/index.ts')));
    }
    graph.set(path.relative(dir, f), deps);
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = ''; w !== v;) { w = stack.pop()!; onStack.delete(w); scc.push(w); }
    if (scc.length > 1 || graph.get(v)!.includes(v)) cycles.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
