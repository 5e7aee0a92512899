#!/usr/bin/env node
// npm run conformance [-- --filter REGEX --category node --workers 2 --update-allowlist --no-write --no-pin]
// (with --no-pin, regressions are checked against, and --update-allowlist grows, tests/conformance/allowlist-no-pin.txt)
// Runs the ONNX backend conformance cases in ../shared/onnx-tests through compile() and the runtime,
// prints per category `N passed, M failed`, and writes docs/conformance.md. --update-allowlist adds
// newly passing cases to tests/conformance/allowlist.txt (it only ever grows).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runPool } from './conformance/pool.mjs';
import { writeReport } from './conformance/report.mjs';
import { readAllowlist, writeAllowlist } from './conformance/allowlist.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testsDir = path.resolve(root, '../shared/onnx-tests');
const { values: args } = parseArgs({
  options: {
    filter: { type: 'string' },
    category: { type: 'string' },
    workers: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '60' },
    'update-allowlist': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
  },
});
const CATEGORIES = ['node', 'simple', 'pytorch-converted', 'pytorch-operator'];
const filter = args.filter ? new RegExp(args.filter) : undefined;
const cases = CATEGORIES.filter((c) => !args.category || c === args.category).flatMap((category) =>
  fs.readdirSync(path.join(testsDir, category)).sort()
    .filter((name) => !filter || filter.test(name))
    .map((name) => ({ category, name: `${category}/${name}`, dir: path.join(testsDir, category, name) })));

// --no-pin: never pin input values; shows what passes with the test data's shapes alone.
if (args['no-pin']) process.env.CONFORMANCE_NO_PIN = '1';
const t0 = Date.now();
let done = 0;
const results = await runPool(cases, {
  workers: Number(args.workers),
  timeoutMs: Number(args.timeout) * 1000,
  onResult(r) {
    done++;
    if (args.verbose || r.reason === 'crash' || r.reason === 'timeout') console.log(`${r.status === 'pass' ? 'ok  ' : 'FAIL'} ${r.name}${r.status === 'pass' ? '' : ` [${r.reason}] ${r.detail}`}`);
    else if (done % 100 === 0) console.log(`… ${done}/${cases.length}`);
  },
});
for (const category of CATEGORIES) {
  const rs = results.filter((r) => r.category === category);
  if (!rs.length) continue;
  const passed = rs.filter((r) => r.status === 'pass').length;
  const pinned = rs.filter((r) => r.status === 'pass' && r.pinned?.length).length;
  const byValue = rs.filter((r) => r.status === 'pass' && r.byValue?.length).length;
  console.log(`${category}: ${passed} passed, ${rs.length - passed} failed${pinned || byValue ? ` (${byValue} by value variants, ${pinned} with pinned inputs)` : ''}`);
}
console.log(`(${((Date.now() - t0) / 1000).toFixed(0)} s)`);
if (!args['no-write'] && !filter && !args.category) writeReport(path.join(root, 'docs/conformance.md'), results);
// --no-pin keeps its own allowlist (tests/conformance/allowlist-no-pin.txt): the cases that must pass without pinning.
const noPin = args['no-pin'];
if (args['update-allowlist']) {
  const allow = readAllowlist(noPin);
  const before = allow.size;
  for (const r of results) if (r.status === 'pass') allow.add(r.name);
  writeAllowlist(allow, noPin);
  console.log(`${noPin ? 'no-pin allowlist' : 'allowlist'}: ${before} → ${allow.size} cases`);
}
const regressed = [...readAllowlist(noPin)].filter((n) => results.some((r) => r.name === n && r.status !== 'pass'));
if (regressed.length) {
  console.log(`REGRESSIONS (allowlisted but failing): ${regressed.join(', ')}`);
  process.exit(1);
}
process.exit(0);
