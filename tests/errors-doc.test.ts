// docs/errors.md lists every error code there is (and no other), and its examples marked † are what
// the code really prints: each is caused again here and compared, with numbers blanked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILE_ERROR_CODES, RUNTIME_ERROR_CODES } from '../scripts/fuzz/error-codes.js';
import { COMPILE_EXAMPLES, RUNTIME_EXAMPLES, causeError } from './support/error-examples.js';
import { REPO_ROOT } from './support/models.js';

const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/errors.md'), 'utf8');
const section = (title: string) => doc.split(/^## /m).find((s) => s.startsWith(title))!;
/** Codes in the first column of the meaning table (before "Examples:") or of the examples table. */
const codesIn = (text: string, table: 'meaning' | 'example') => {
  const [meanings, examples] = text.split('\nExamples:\n');
  const rows = (table === 'meaning' ? meanings! : examples!).split('\n').filter((l) => /^\| `[A-Z_]+`/.test(l));
  return new Set(rows.map((l) => /`([A-Z_]+)`/.exec(l)![1]!));
};
/** The † examples of a section, as [code, message] pairs. */
const quoted = (text: string) => text.split('\n').filter((l) => /^\| `[A-Z_]+` † \|/.test(l)).map((l) => {
  const cells = l.split(' | ');
  return [/`([A-Z_]+)`/.exec(cells[0]!)![1]!, cells[cells.length - 1]!.replace(/^`|` \|$/g, '')] as const;
});
const blankNumbers = (s: string) => s.replace(/\d+(\.\d+)?/g, '#');

describe('docs/errors.md', () => {
  it.each([
    ['Compile-time codes', COMPILE_ERROR_CODES],
    ['Run-time codes', RUNTIME_ERROR_CODES],
  ])('%s: every code has a meaning and an example, and no unknown code is listed', (title, codes) => {
    const text = section(title);
    expect([...codesIn(text, 'meaning')].sort()).toEqual([...codes].sort());
    expect([...codesIn(text, 'example')].sort()).toEqual([...codes].sort());
  });

  it.each([
    ['Compile-time codes', COMPILE_EXAMPLES],
    ['Run-time codes', RUNTIME_EXAMPLES],
  ])('%s: the † examples are real output', async (title, examples) => {
    const docs = quoted(section(title));
    expect(docs.length).toBe(examples.length);
    for (const [i, e] of examples.entries()) {
      const got = await causeError(e);
      expect(got.code, e.what).toBe(e.code);
      const [code, message] = docs[i]!;
      expect(code, `row ${i + 1} of ${title}`).toBe(e.code);
      expect(blankNumbers(message), `docs/errors.md, ${e.code} (${e.what})`).toBe(blankNumbers(got.message));
    }
  }, 60_000);
});
