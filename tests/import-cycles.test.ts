// No import cycles inside a package: a cycle makes load order matter (a value read before its
// module ran) and means two files are one concept split in two or one file doing two jobs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/models.js';
import { importCycles, importGraph } from './support/import-cycles.js';

const PACKAGES = fs.readdirSync(path.join(REPO_ROOT, 'packages')).filter((p) => fs.existsSync(path.join(REPO_ROOT, 'packages', p, 'src')));

describe('import cycles', () => {
  it('the finder reports each cycle once, with its files, and a file importing itself', () => {
    const g = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['d.ts']], ['e.ts', ['a.ts']]]);
    expect(importCycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
    expect(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  for (const pkg of PACKAGES) {
    it(`packages/${pkg} has none`, () => {
      const graph = importGraph(path.join(REPO_ROOT, 'packages', pkg, 'src'));
      expect(graph.size).toBeGreaterThan(0);
      expect(importCycles(graph)).toEqual([]);
    });
  }
});
