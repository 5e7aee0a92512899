#!/usr/bin/env node
// `npm run example`: builds the packages (Nx skips what is up to date), then compiles, runs and
// checks the tiny MLP example with the onnx2wasm CLI, printing each command as a user would type it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = 'examples/tiny-mlp';
const CLI = path.join(ROOT, 'packages/compiler/bin/onnx2wasm.js');
// Nx must never wait on a daemon or the network here (first run on a fresh machine, CI).
const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...process.env };

function fail(message, code = 1) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

function build() {
  process.stdout.write('building packages (nx run-many -t build) ... ');
  const nx = path.join(ROOT, 'node_modules/.bin/nx');
  if (!fs.existsSync(nx)) fail('dependencies are not installed; run npm ci first');
  const r = spawnSync(nx, ['run-many', '-t', 'build', '--output-style=static'], { cwd: ROOT, env, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stdout.write('failed\n');
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    fail('the build failed (output above)');
  }
  process.stdout.write('done\n');
}

function onnx2wasm(...args) {
  process.stdout.write(`\n$ onnx2wasm ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: 'inherit' });
  if (r.status !== 0) fail(`onnx2wasm ${args[0]} exited with ${r.status ?? r.signal}`, r.status ?? 1);
}

build();
if (!fs.existsSync(path.join(ROOT, EXAMPLE, 'model.onnx'))) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/make-example-model.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail('cannot create the example model');
}
onnx2wasm('compile', `${EXAMPLE}/model.onnx`, '-o', `${EXAMPLE}/out`);
onnx2wasm('run', `${EXAMPLE}/out`, '--seed', '1');
onnx2wasm('check', `${EXAMPLE}/model.onnx`, '--seed', '1');
process.stdout.write(`\nThe compiled model is in ${EXAMPLE}/out/; use it with: import { load } from './${EXAMPLE}/out/model.js'\n`);
