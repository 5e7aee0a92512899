// `onnx2wasm check model.onnx`: compiles in memory, runs ours and onnxruntime-node on the same seeded
// inputs and compares every output. Exit 1 on any mismatch, so scripts can gate on it.
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { decodeModel } from '@onnx2wasm/onnx-import';
import { loadModel, type Tensor } from '@onnx2wasm/runtime';
import { resolveConstantInputs } from '../constant-inputs.js';
import { compile } from '../compile.js';
import { compareOutputs } from './compare.js';
import { addCompileFlags, toCompileOptions, type CompileFlags } from './compile-options.js';
import { CliFailure, addRelaxedSimdHint } from './errors.js';
import { makeFeeds } from './feeds.js';
import { formatMs, formatShape, table } from './format.js';
import { runReference } from './oracle.js';
import { collectShape, parseSeed, parseTolerance } from './parse-args.js';
import { printJson } from './tensor-json.js';

interface Flags extends CompileFlags {
  seed: number;
  shape?: Record<string, number[]>;
  rtol: number;
  json?: boolean;
}

const finiteOrNull = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);
const sci = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(2) : String(x));

export function checkCommand(): Command {
  const cmd = new Command('check')
    .description('compile a model, run it and onnxruntime-node on seeded random inputs, and compare the outputs')
    .argument('<model>', 'the .onnx file')
    .addOption(new Option('--shape <name=dims>', 'dims of this run for an input compiled with symbolic dims, e.g. input=2,33,256 (repeatable)').argParser(collectShape))
    .addOption(new Option('--seed <n>', 'seed for the random inputs').argParser(parseSeed).default(1))
    .addOption(new Option('--rtol <x>', 'largest allowed max|ours - ref| / max|ref| per output').argParser(parseTolerance).default(1e-4))
    .addOption(new Option('--json', 'print one JSON document (every output\'s errors and verdict) instead of the table; a mismatch still exits 1'));
  addCompileFlags(cmd);
  return cmd.action(async (modelPath: string, flags: Flags) => {
    const c = await compile(modelPath, toCompileOptions(flags));
    // c.weights is typed over ArrayBufferLike, which loadModel's BufferSource does not accept in TS 5.9.
    // With --threads the threaded build is what gets checked, on 2 threads.
    const threaded = c.threadsWasm ? { threadsWasm: c.threadsWasm as Uint8Array<ArrayBuffer>, threads: 2 } : {};
    const model = await loadModel({ wasm: c.wasm, weights: c.weights as Uint8Array<ArrayBuffer>, ...threaded }).catch((e) => {
      throw addRelaxedSimdHint(e);
    });
    const feeds = makeFeeds(model.inputs, {}, flags.seed, flags.shape);
    const t0 = performance.now();
    const ours = await model.run(feeds.tensors);
    const runMs = performance.now() - t0;
    model.dispose();
    // Inputs fixed with --constant are no longer inputs of ours; onnxruntime still takes them.
    const constants = flags.constant ? resolveConstantInputs(decodeModel(new Uint8Array(fs.readFileSync(modelPath))), flags.constant) : {};
    const ref = await runReference(modelPath, { ...feeds.tensors, ...(constants as Record<string, Tensor>) });

    const results = Object.entries(ref).map(([name, r]) => {
      const o = ours[name];
      if (!o) return { name, dims: r.dims, maxAbsErr: null, maxRelErr: null, verdict: 'missing' as const, problem: `${name}: not produced by the compiled model` };
      if (o.dims.join(',') !== r.dims.join(',')) return { name, dims: o.dims, maxAbsErr: null, maxRelErr: null, verdict: 'dims-differ' as const, problem: `${name}: dims [${o.dims}] but onnxruntime gives [${r.dims}]` };
      const { maxAbsErr, maxRelErr } = compareOutputs(o.data as ArrayLike<number | bigint>, r.data);
      const ok = maxRelErr <= flags.rtol;
      return { name, dims: o.dims, maxAbsErr, maxRelErr, verdict: ok ? ('ok' as const) : ('mismatch' as const), problem: ok ? undefined : `${name}: max rel err ${sci(maxRelErr)}` };
    });
    const bad = results.flatMap((r) => (r.problem ? [r.problem] : []));
    const total = results.length;
    if (flags.json) {
      printJson({
        model: modelPath, ok: bad.length === 0, rtol: flags.rtol, seed: flags.seed,
        inputs: model.inputs.map((i) => ({ name: i.name, dtype: i.dtype, dims: feeds.tensors[i.name]!.dims })),
        // JSON has no Infinity or NaN: such an error is written as null with verdict 'mismatch'.
        outputs: results.map(({ problem: _, ...r }) => ({ ...r, maxAbsErr: finiteOrNull(r.maxAbsErr), maxRelErr: finiteOrNull(r.maxRelErr) })),
        compileMs: c.summary.compileMs, runMs,
      });
    } else {
      const verdicts = { ok: 'ok', mismatch: 'MISMATCH', missing: 'MISSING', 'dims-differ': 'DIMS DIFFER' };
      const rows = [['output', 'dims', 'max abs err', 'max rel err', ''], ...results.map((r) => [
        r.name, r.verdict === 'dims-differ' ? `[${r.dims.join(',')}] vs [${ref[r.name]!.dims.join(',')}]` : `[${r.dims.join(',')}]`,
        r.maxAbsErr === null ? '-' : sci(r.maxAbsErr), r.maxRelErr === null ? '-' : sci(r.maxRelErr), verdicts[r.verdict],
      ])];
      const inputs = model.inputs.map((i) => `${i.name} ${formatShape(i.dtype, feeds.tensors[i.name]!.dims)}`).join(', ');
      process.stdout.write([
        `compiled ${modelPath} in ${formatMs(c.summary.compileMs)}, ran in ${formatMs(runMs)}; inputs ${inputs}, random (seed ${flags.seed})`,
        table(rows),
      ].join('\n') + '\n');
    }
    if (bad.length) throw new CliFailure(`${bad.length} of ${total} outputs differ from onnxruntime-node beyond rtol ${flags.rtol} (${bad.join('; ')})`);
    if (!flags.json) process.stdout.write(`ok: ${total} of ${total} outputs match onnxruntime-node within rtol ${flags.rtol}\n`);
  });
}
