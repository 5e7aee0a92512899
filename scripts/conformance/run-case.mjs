// Runs one ONNX backend test case through the public API: compile(model.onnx) with the shapes of the
// test data, loadModel, run, and compare every output with upstream's tolerance.
import * as fs from 'node:fs';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { compile, CompileError } from 'onnx2wasm';
import { loadModel, RuntimeError } from '@onnx2wasm/runtime';
import { tensorFromProto } from '@onnx2wasm/onnx-import';
import { decodeElement } from '@onnx2wasm/ir';

const { onnx } = onnxProto;
export const RTOL = 1e-3;
export const ATOL = 1e-7;
/** Compile errors that mean an input's value (not just its shape) is needed at compile time. */
const NEEDS_VALUE = /must be (?:a )?(?:compile-time )?constant|known at compile time|symbolic shape|needs a static input shape|depends on tensor values|no kernel for run-time dims/;

/** A failure reason, for grouping in docs/conformance.md. */
function outcome(status, reason, detail) {
  return { status, reason, detail: String(detail ?? '').split('\n')[0].slice(0, 300) };
}

function readTensor(file) {
  const proto = onnx.TensorProto.decode(fs.readFileSync(file));
  return tensorFromProto(proto);
}

function isTensorValue(v) {
  return !!v.type?.tensorType;
}

/** Low-precision floats are compared exactly by decoded value (NaN equals NaN, any NaN code). */
const EXACT_FLOATS = ['bfloat16', 'float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1', 'float8e8m0'];

/** Compares with rtol/atol; NaN equals NaN; integers and bool exactly. */
export function compareOutput(actual, expected) {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.dims.join() !== expected.dims.join()) return `dims [${actual.dims}], expected [${expected.dims}]`;
  const float = ['float32', 'float64', 'float16'].includes(expected.dtype);
  const toNum = expected.dtype === 'float16' ? halfToNumber : Number;
  for (let i = 0; i < expected.data.length; i++) {
    if (EXACT_FLOATS.includes(expected.dtype)) {
      const a = decodeElement(expected.dtype, actual.data[i]), e = decodeElement(expected.dtype, expected.data[i]);
      if (!(a === e || (Number.isNaN(a) && Number.isNaN(e)))) return `element ${i}: got ${a}, expected ${e}`;
      continue;
    }
    const a = toNum(actual.data[i]), e = toNum(expected.data[i]);
    if (float) {
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      if (a === e) continue;
      if (!(Math.abs(a - e) <= ATOL + RTOL * Math.abs(e))) return `element ${i}: got ${a}, expected ${e}`;
    } else if (actual.data[i] !== expected.data[i]) {
      return `element ${i}: got ${actual.data[i]}, expected ${expected.data[i]}`;
    }
  }
  return undefined;
}

/**
 * Cases whose outputs are random draws: upstream's expected values are one draw of its generator,
 * which no other generator reproduces. These are checked by dtype, shape and range only: every
 * value lies within the expected output's [min, max], and is integral where all expected ones are.
 */
export const RANDOM_CASES = /^test_bernoulli(_double|_seed)?(_expanded)?$/;

export function compareRandomOutput(actual, expected) {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.dims.join() !== expected.dims.join()) return `dims [${actual.dims}], expected [${expected.dims}]`;
  const toNum = expected.dtype === 'float16' ? halfToNumber : Number;
  const want = Array.from(expected.data, toNum);
  const lo = Math.min(...want), hi = Math.max(...want), integral = want.every(Number.isInteger);
  for (let i = 0; i < actual.data.length; i++) {
    const a = toNum(actual.data[i]);
    if (!(a >= lo && a <= hi) || (integral && !Number.isInteger(a))) return `element ${i}: got ${a}, expected a value in [${lo}, ${hi}]${integral ? ' (integral)' : ''}`;
  }
  return undefined;
}

function halfToNumber(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

export async function runCase(dir, { noPin = false } = {}) {
  const modelPath = path.join(dir, 'model.onnx');
  let model;
  try { model = onnx.ModelProto.decode(fs.readFileSync(modelPath)); } catch (e) { return outcome('fail', 'crash', `model decode: ${e.message}`); }
  const init = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph?.input ?? []).filter((v) => !init.has(v.name));
  const outputs = model.graph?.output ?? [];
  if (![...inputs, ...outputs].every(isTensorValue)) return outcome('fail', 'unsupported-io', 'sequence, map or optional graph inputs/outputs');
  const data = path.join(dir, 'test_data_set_0');
  let feeds, expected;
  try {
    feeds = inputs.map((v, k) => ({ name: v.name, tensor: readTensor(path.join(data, `input_${k}.pb`)) }));
    expected = outputs.map((v, k) => ({ name: v.name, tensor: readTensor(path.join(data, `output_${k}.pb`)) }));
  } catch (e) {
    return outcome('fail', 'unsupported-io', `test data: ${e.message}`);
  }
  const inputShapes = Object.fromEntries(feeds.map((f) => [f.name, f.tensor.dims]));
  const bytes = new Uint8Array(fs.readFileSync(modelPath));
  const first = await compileAndRun(bytes, dir, inputShapes, feeds, expected, []);
  // A static compiler needs shape/axes/index inputs at compile time. compile() builds small integer
  // inputs per value itself (value variants); when that does not cover the model (the compile asks
  // for a value, or the run feeds a value it has no build for), pin the integer inputs' values
  // (compile's constantInputs) and say so in the report. Float inputs are pinned only when the
  // error names them.
  const pinnable = feeds.filter((f) => f.tensor.dtype === 'int64' || f.tensor.dtype === 'int32' || first.detail.includes(`'${f.name}'`));
  const needsValue = first.valueError || first.code === 'UNSUPPORTED_VALUE';
  if (first.status === 'pass' || !needsValue || pinnable.length === 0 || noPin || process.env.CONFORMANCE_NO_PIN) return first;
  return compileAndRun(bytes, dir, inputShapes, feeds, expected, pinnable.map((f) => f.name));
}

/** Compiles with `pinned` inputs as constants, runs with the other feeds and compares. */
async function compileAndRun(bytes, dir, inputShapes, feeds, expected, pinned) {
  let compiled;
  try {
    const constantInputs = Object.fromEntries(feeds.filter((f) => pinned.includes(f.name)).map((f) => [f.name, f.tensor]));
    // The SIMD128 build only: that is the module Node runs here, and op semantics are the same in
    // the relaxed build (tests/relaxed-build.test.ts compares the two), which would double the time.
    compiled = await compile(bytes, { inputShapes, baseDir: dir, relaxedSimd: false, ...(pinned.length ? { constantInputs } : {}) });
  } catch (e) {
    if (e instanceof CompileError) {
      const reason = e.code === 'UNSUPPORTED_OP' ? 'unsupported-op' : e.code === 'DTYPE_MISMATCH' ? 'dtype' : e.code === 'DYNAMIC_SHAPE' ? 'dynamic-shape' : `compile-error:${e.code}`;
      return { ...outcome('fail', reason, e.message), valueError: NEEDS_VALUE.test(e.message) };
    }
    return outcome('fail', 'crash', `compile: ${e?.stack ?? e}`);
  }
  try {
    const m = await loadModel({ wasm: compiled.wasm, weights: compiled.weights });
    const out = await m.run(Object.fromEntries(feeds.filter((f) => !pinned.includes(f.name)).map((f) => [f.name, f.tensor])));
    for (const e of expected) {
      const a = out[e.name];
      if (!a) return outcome('fail', 'wrong-result', `output '${e.name}' missing`);
      const diff = RANDOM_CASES.test(path.basename(dir)) ? compareRandomOutput(a, e.tensor) : compareOutput(a, e.tensor);
      if (diff) return outcome('fail', diff.startsWith('dtype') ? 'dtype' : 'wrong-result', `${e.name}: ${diff}`);
    }
  } catch (e) {
    // A trap the module raised on purpose (a failed run-time check: an index out of range, random
    // Dropout asked for at run time) is a typed run-time error; any other trap is a crash.
    if (e instanceof RuntimeError) return { ...outcome('fail', e.code === 'EXECUTION_FAILED' && e.reason !== 'FAILED_CHECK' ? 'crash' : 'runtime-error', e.message), code: e.code };
    return outcome('fail', 'crash', `run: ${e?.stack ?? e}`);
  }
  // Inputs compile() built per value (value variants) or knew from their shape alone: not pinned.
  const vv = compiled.summary.valueVariants;
  // Ops whose output dims the run computed from values (NonZero, NonMaxSuppression, … see docs/dynamic-shapes.md).
  const computed = [...new Set((compiled.meta.dynamic?.computed ?? []).map((c) => c.op))];
  return { ...outcome('pass', 'pass', ''), pinned, byValue: vv ? [...vv.inputs, ...vv.known] : [], computed };
}
