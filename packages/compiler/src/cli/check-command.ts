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

interface Flags extends CompileFlags {
  seed: number;
  shape?: Record<string, number[]>;
  rtol: number;
}

const sci = (x: number) => (x === 0 ? '0' : Number.isFinite(x) ? x.toExponential(2) : String(x));

export function checkCommand(): Command {
  const cmd = new Command('check')
    .description('compile a model, run it and onnxruntime-node on seeded random inputs, and compare the outputs')
    .argument('<model>', 'the .onnx file')
    .addOption(new Option('--shape <name=dims>', 'dims of this run for an input compiled with symbolic dims, e.g. input=2,33,256 (repeatable)').argParser(collectShape))
    .addOption(new Option('--seed <n>', 'seed for the random inputs').argParser(parseSeed).default(1))
    .addOption(new Option('--rtol <x>', 'largest allowed max|ours - ref| / max|ref| per output').argParser(parseTolerance).default(1e-4));
  addCompileFlags(cmd);
  return cmd.action(async (modelPath: string, flags: Flags) => {
    const c = await compile(modelPath, toCompileOptions(flags));
    // c.weights is typed over ArrayBufferLike, which loadModel's BufferSource does not accept in TS 5.9.
    const model = await loadModel({ wasm: c.wasm, weights: c.weights as Uint8Array<ArrayBuffer> }).catch((e) => {
      throw addRelaxedSimdHint(e);
    });
    const feeds = makeFeeds(model.inputs, {}, flags.seed, flags.shape);
    const t0 = performance.now();
    const ours = await model.run(feeds.tensors);
    const runMs = performance.now() - t0;
    // Inputs fixed with --constant are no longer inputs of ours; onnxruntime still takes them.
    const constants = flags.constant ? resolveConstantInputs(decodeModel(new Uint8Array(fs.readFileSync(modelPath))), flags.constant) : {};
    const ref = await runReference(modelPath, { ...feeds.tensors, ...(constants as Record<string, Tensor>) });

    const rows = [['output', 'dims', 'max abs err', 'max rel err', '']];
    const bad: string[] = [];
    for (const [name, r] of Object.entries(ref)) {
      const o = ours[name];
      if (!o) {
        rows.push([name, `[${r.dims.join(',')}]`, '-', '-', 'MISSING']);
        bad.push(`${name}: not produced by the compiled model`);
        continue;
      }
      if (o.dims.join(',') !== r.dims.join(',')) {
        rows.push([name, `[${o.dims.join(',')}] vs [${r.dims.join(',')}]`, '-', '-', 'DIMS DIFFER']);
        bad.push(`${name}: dims [${o.dims}] but onnxruntime gives [${r.dims}]`);
        continue;
      }
      const { maxAbsErr, maxRelErr } = compareOutputs(o.data as ArrayLike<number | bigint>, r.data);
      const verdict = maxRelErr <= flags.rtol ? 'ok' : 'MISMATCH';
      if (verdict !== 'ok') bad.push(`${name}: max rel err ${sci(maxRelErr)}`);
      rows.push([name, `[${o.dims.join(',')}]`, sci(maxAbsErr), sci(maxRelErr), verdict]);
    }
    const inputs = model.inputs.map((i) => `${i.name} ${formatShape(i.dtype, i.dims)}`).join(', ');
    process.stdout.write([
      `compiled ${modelPath} in ${formatMs(c.summary.compileMs)}, ran in ${formatMs(runMs)}; inputs ${inputs}, random (seed ${flags.seed})`,
      table(rows),
    ].join('\n') + '\n');
    const total = Object.keys(ref).length;
    if (bad.length) throw new CliFailure(`${bad.length} of ${total} outputs differ from onnxruntime-node beyond rtol ${flags.rtol} (${bad.join('; ')})`);
    process.stdout.write(`ok: ${total} of ${total} outputs match onnxruntime-node within rtol ${flags.rtol}\n`);
  });
}
