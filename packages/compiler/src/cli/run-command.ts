// `onnx2wasm run out/`: loads a compiled folder, feeds it, prints the outputs and the run time.
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { makeFeeds } from './feeds.js';
import { formatMs, formatShape, formatValues, table } from './format.js';
import { loadOutput } from './load-output.js';
import { collectInput, collectShape, parseSeed, type InputSource } from './parse-args.js';

interface Flags {
  input?: Record<string, InputSource>;
  seed: number;
  shape?: Record<string, number[]>;
}

export function runCommand(): Command {
  return new Command('run')
    .description('load a compiled model folder with the runtime, run it once and print its outputs')
    .argument('<dir>', 'a folder written by onnx2wasm compile')
    .addOption(new Option('--input <name=source>', 'data for an input: random, zeros, a .json array or a raw little-endian file (repeatable; inputs not given are random; the name may be left out for a one-input model)').argParser(collectInput))
    .addOption(new Option('--shape <name=dims>', 'dims of this run for an input compiled with symbolic dims, e.g. input=2,33,256 (repeatable)').argParser(collectShape))
    .addOption(new Option('--seed <n>', 'seed for random inputs').argParser(parseSeed).default(1))
    .action(async (dir: string, flags: Flags) => {
      const t0 = performance.now();
      const { model, gluePath } = await loadOutput(dir);
      const loadMs = performance.now() - t0;
      const feeds = makeFeeds(model.inputs, flags.input ?? {}, flags.seed, flags.shape);
      const t1 = performance.now();
      const out = await model.run(feeds.tensors);
      const runMs = performance.now() - t1;
      const lines = [
        `loaded ${path.join(dir, path.basename(gluePath))} in ${formatMs(loadMs)}`,
        'inputs',
        table(model.inputs.map((i) => [i.name, formatShape(i.dtype, i.dims), feeds.described[i.name]!])),
        'outputs',
        table(model.outputs.map((o) => [o.name, formatShape(out[o.name]!.dtype, out[o.name]!.dims), formatValues(out[o.name]!)])),
        `ran in ${formatMs(runMs)}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
