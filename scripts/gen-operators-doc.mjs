#!/usr/bin/env node
// Writes docs/operators.md from the registries: every ONNX op the importer handles (domain and the
// opset versions its handlers start at) and every IR op with its group and description.
// `--check` exits 1 when the file on disk is out of date (used by the test suite).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listHandlers } from '@onnx2wasm/onnx-import';
import { BINARY_FUNCTIONS, REDUCE_KINDS, UNARY_FUNCTIONS, listOps } from '@onnx2wasm/ir';
import { PER_SAMPLE_OPS, VIEW_OPS, getLowering, listLoweredOps } from '@onnx2wasm/wasm-codegen';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'docs/operators.md');


function runtimeDims(op, lowered) {
  if (!lowered.has(op)) return '';
  // Reshape and its kin are views (no code); their run-time kernel runs only when it computes dims from values.
  if (VIEW_OPS.has(op) && getLowering(op).ops.includes('Reshape')) return 'view';
  if (getLowering(op).runTimeDims) return 'kernel';
  return PER_SAMPLE_OPS.has(op) ? 'per sample' : '';
}

export function operatorsDoc() {
  const handlers = listHandlers();
  const lowered = new Set(listLoweredOps());
  const lines = [
    '# Operators',
    '',
    'Generated from the op registries by `node scripts/gen-operators-doc.mjs`; a test fails when it is out of date.',
    '',
    `## ONNX ops the importer handles (${handlers.length})`,
    '',
    'A handler is picked by the model\'s opset: the newest handler whose version is not newer than it. Ops are either mapped to one IR op or expanded at import time into several. Dtypes, attributes and the reasons for failing cases are listed per test case in [conformance.md](conformance.md); unsupported attribute values fail at compile time with a typed error naming the node.',
    '',
    '| ONNX op | domain | handler versions (since opset) |',
    '|---|---|---|',
    ...handlers.map((h) => `| ${h.opType} | ${h.domain || 'ai.onnx'} | ${h.versions.join(', ')} |`),
    '',
    `## IR ops (${listOps().length})`,
    '',
    'Each has type/shape inference, a reference `evaluate` (used for constant folding and as the test oracle) and, unless marked, a wasm kernel. Ops without a kernel only exist at compile time (they are folded away) or are expanded before code generation.',
    '',
    'Run-time dims ([dynamic-shapes.md](dynamic-shapes.md)): **kernel** — the op has a kernel that reads symbolic dims at run time; **per sample** — with a symbolic leading batch dim only, its static kernel runs once per sample (ops that treat samples independently; some only when their axis leaves the batch alone); views (Reshape, Flatten, Squeeze, Unsqueeze) need no code.',
    '',
    '| IR op | group | kernel | run-time dims | description |',
    '|---|---|---|---|---|',
    ...listOps().map((o) => `| ${o.name} | ${o.group} | ${lowered.has(o.name) ? 'yes' : 'compile time only'} | ${runtimeDims(o.name, lowered)} | ${o.description.replace(/\|/g, '\\|')} |`),
    '',
    `## Functions of the Unary, Binary and Reduce ops (${Object.keys(UNARY_FUNCTIONS).length} unary, ${Object.keys(BINARY_FUNCTIONS).length} binary, ${Object.keys(REDUCE_KINDS).length + 1} reductions)`,
    '',
    'The `Unary`, `Binary` and `Reduce` IR ops each compute one function of these tables, named by their `fn` attribute (the ONNX op of the same name imports as it; `inspect`, errors and profiles name the function). Result: the dtype of the output (`bool` for comparisons and predicates, else the input\'s).',
    '',
    '| function | IR op | input dtypes | result | description |',
    '|---|---|---|---|---|',
    ...[
      ...Object.entries(UNARY_FUNCTIONS).map(([id, f]) => [id, 'Unary', f]),
      ...Object.entries(BINARY_FUNCTIONS).map(([id, f]) => [id, 'Binary', f]),
      ...Object.entries(REDUCE_KINDS).map(([id, k]) => [id, 'Reduce', { dtypes: k.dtypes, description: k.description }]),
      ['ReduceMean', 'Reduce', { dtypes: ['float32', 'float64'], description: 'mean' }],
    ]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([id, op, f]) => `| ${id} | ${op} | ${f.dtypes.join(', ')} | ${f.bool ? 'bool' : 'input dtype'} | ${f.description.replace(/\|/g, '\\|')} |`),
    '',
  ];
  return lines.join('\n');
}

const text = operatorsDoc();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current !== text) { console.error('docs/operators.md is out of date: run node scripts/gen-operators-doc.mjs'); process.exit(1); }
  console.log('docs/operators.md is up to date');
} else {
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(root, file)}`);
}
