// `onnx2wasm run out/`: loads a compiled folder, feeds it, prints the outputs and the run time.
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { makeFeeds } from './feeds.js';
import { formatMs, formatShape, formatValues, table } from './format.js';
import { loadOutput } from './load-output.js';
import { collectOutput, writeOutputs, type OutputTarget } from './output-files.js';
import { collectInput, collectShape, parseSeed, type InputSource } from './parse-args.js';
import { printJson, tensorJson } from './tensor-json.js';

interface Flags {
  input?: Record<string, InputSource>;
  seed: number;
  shape?: Record<string, number[]>;
  output?: OutputTarget[];
  json?: boolean;
  threads: number;
}

/** --threads' value for run: the threads to run on, 1 to 64. */
function parseRunThreads(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected an integer from 1 to 64');
  return n;
}

export function runCommand(): Command {
  return new Command('run')
    .description('load a compiled model folder with the runtime, run it once and print its outputs')
    .argument('<dir>', 'a folder written by onnx2wasm compile')
    .addOption(new Option('--input <name=source>', 'data for an input: random, zeros, a .json array or a raw little-endian file (repeatable; inputs not given are random; the name may be left out for a one-input model)').argParser(collectInput))
    .addOption(new Option('--shape <name=dims>', 'dims of this run for an input compiled with symbolic dims, e.g. input=2,33,256 (repeatable)').argParser(collectShape))
    .addOption(new Option('--seed <n>', 'seed for random inputs').argParser(parseSeed).default(1))
    .addOption(new Option('--output <[name=]file>', 'also write outputs to a file: file.json holds every output (or the named one) as { name: { dtype, dims, data } }; file.bin the raw little-endian bytes of one output (repeatable)').argParser(collectOutput))
    .addOption(new Option('--json', 'print one JSON document (inputs, outputs with all values, times) instead of text'))
    .addOption(new Option('--threads <n>', 'run the folder\'s threaded build (compiled with --threads) on n threads; without one, or where shared memory is missing, one thread runs and the output says why').argParser(parseRunThreads).default(1))
    .action(async (dir: string, flags: Flags) => {
      const t0 = performance.now();
      const { model, gluePath, manifest } = await loadOutput(dir, flags.threads);
      const threadless = flags.threads > 1 && !manifest.files?.[`${manifest.name}.threads.wasm`];
      const loadMs = performance.now() - t0;
      const feeds = makeFeeds(model.inputs, flags.input ?? {}, flags.seed, flags.shape);
      const t1 = performance.now();
      const out = await model.run(feeds.tensors);
      const runMs = performance.now() - t1;
      const threads = threadless ? { threads: 1, reason: `${dir} has no threaded build; compile it with --threads` } : model.info ?? { threads: 1 };
      model.dispose?.();
      if (flags.output) writeOutputs(out, flags.output);
      // The dims this run used: for symbolic inputs the --shape values, not the compiled names.
      const ran = model.inputs.map((i) => ({ name: i.name, dtype: i.dtype, dims: feeds.tensors[i.name]!.dims, source: feeds.described[i.name]! }));
      if (flags.json) {
        printJson({
          glue: path.join(dir, path.basename(gluePath)),
          inputs: ran,
          outputs: Object.fromEntries(model.outputs.map((o) => [o.name, tensorJson(out[o.name]!)])),
          loadMs, runMs, threads,
          files: flags.output?.map((o) => o.file) ?? [],
        });
        return;
      }
      const lines = [
        `loaded ${path.join(dir, path.basename(gluePath))} in ${formatMs(loadMs)}`,
        'inputs',
        table(ran.map((i) => [i.name, formatShape(i.dtype, i.dims), i.source])),
        'outputs',
        table(model.outputs.map((o) => [o.name, formatShape(out[o.name]!.dtype, out[o.name]!.dims), formatValues(out[o.name]!)])),
        `ran in ${formatMs(runMs)}${flags.threads > 1 || threads.threads > 1 ? ` on ${threads.threads} thread${threads.threads > 1 ? 's' : ''}${threads.reason ? ` (${threads.reason})` : ''}` : ''}`,
        ...(flags.output ?? []).map((o) => `wrote ${o.name ? `${o.name} to ` : ''}${o.file}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
