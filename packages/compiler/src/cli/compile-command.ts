// `onnx2wasm compile model.onnx -o out/`: writes compile().files and prints what was built.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { compile, type CompileResult, type RunTimeBranchesSummary } from '../compile.js';
import { addCompileFlags, toCompileOptions, type CompileFlags } from './compile-options.js';
import { addDeployFlags, type DeployFlags } from './deploy-flags.js';
import { CliFailure } from './errors.js';
import { formatBytes, formatMs, formatShape, table } from './format.js';
import { describeValueVariants } from '../value-variants.js';
import { isFolderSupport } from '../runtime-files.js';
import { removeStaleFiles } from './stale-files.js';
import { printJson } from './tensor-json.js';

interface Flags extends CompileFlags, DeployFlags {
  out: string;
  name: string;
  embedWeights?: boolean;
  json?: boolean;
}

/** `compile --json`: the summary as data (docs/cli.md lists the keys). */
function compileJson(model: string, outDir: string, c: CompileResult, removed: string[]) {
  const s = c.summary;
  return {
    model, out: outDir, target: s.target,
    files: Object.keys(c.files).filter((f) => !isFolderSupport(f)),
    removed,
    inputs: c.manifest.inputs, outputs: c.manifest.outputs,
    weights: c.manifest.weights,
    nodes: s.nodes, ops: s.ops, kernels: s.kernels.mode, kernelsReason: s.kernels.reason ?? null,
    wasmBytes: s.wasmBytes, wasmGzipBytes: s.wasmGzipBytes, relaxedWasmBytes: s.relaxedWasmBytes ?? null, weightsBytes: s.weightsBytes,
    arenaBytes: s.arenaBytes, lowerBoundBytes: s.lowerBoundBytes, memoryBytes: s.memoryBytes,
    scriptBytes: s.scriptBytes, scriptGzipBytes: s.scriptGzipBytes, isolateBytes: s.isolateBytes ?? null,
    compileMs: s.compileMs,
    warnings: s.warnings,
  };
}

function writeFiles(outDir: string, files: Record<string, Uint8Array>): void {
  for (const [rel, bytes] of Object.entries(files)) {
    const file = path.join(outDir, rel);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
    } catch (e) {
      throw new CliFailure(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

function describeCompression(w: NonNullable<CompileResult['summary']['weightsCompression']>): string {
  const error = w.maxRelativeError === undefined ? `output error not measured (${w.notMeasured})` : `output error ${w.maxRelativeError.toExponential(2)} of max |output| vs the float32 build`;
  return `${w.format}: ${formatBytes(w.bytes)} instead of ${formatBytes(w.uncompressedBytes)} (${formatBytes(w.savedBytes)} saved); ${error}`;
}

/** Run-time If nodes, and the inputs that could be pinned to compile only the taken branches. */
export function describeBranches(b: RunTimeBranchesSummary): string {
  const head = `${b.ifNodes} If node${b.ifNodes === 1 ? '' : 's'} decided at run time (${b.conditionalNodes} nodes run only in their branch)`;
  const pins = Object.entries(b.inputs).map(([input, n]) => `'${input}' decides ${n} If node${n === 1 ? '' : 's'}; pin it with --constant ${input}=${b.compared[input] ?? 'VALUE'} to drop the untaken branches`);
  return [head, ...pins].join('; ');
}

function summarize(model: string, outDir: string, c: CompileResult, name: string): string {
  const s = c.summary;
  const ops = Object.entries(s.ops).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `${op} ×${n}`).join(', ');
  const ownFiles = Object.keys(c.files).filter((f) => !isFolderSupport(f));
  const runtimeCount = Object.keys(c.files).filter((f) => f.startsWith('runtime/')).length;
  const weightsFile = c.manifest.weights.file;
  const weights = weightsFile ? `${formatBytes(s.weightsBytes)}  ${weightsFile}` : `${formatBytes(s.weightsBytes)}  embedded in ${name}.wasm`;
  const isolate = s.isolateBytes === undefined ? [] : [['isolate', `${formatBytes(s.isolateBytes)} per Worker isolate (memory + module + weights copy)`]];
  const io = (list: CompileResult['manifest']['inputs']) => list.map((t) => `${t.name} ${formatShape(t.dtype, t.dims)}`).join(', ');
  return [
    `compiled ${model} -> ${outDir}${path.sep} in ${formatMs(s.compileMs)}`,
    table([
      ['ops', `${ops || '(none)'}  (${s.nodes} nodes)`],
      ['target', s.target],
      ...(s.kernels.mode === 'lean' ? [['kernels', `memory-lean (no Winograd filters transformed at load)${s.kernels.reason ? `: ${s.kernels.reason}` : ''}`]] : []),
      ['wasm', `${formatBytes(s.wasmBytes)} (gzip ${formatBytes(s.wasmGzipBytes)})  ${name}.wasm`],
      ...(s.relaxedWasmBytes !== undefined ? [['relaxed', `${formatBytes(s.relaxedWasmBytes)}  ${name}.relaxed.wasm: the FMA build, loaded instead where the engine runs relaxed SIMD (--no-relaxed-simd drops it)`]] : []),
      ['weights', weights],
      ...(s.weightsCompression ? [['compressed', describeCompression(s.weightsCompression)]] : []),
      ['arena', `${formatBytes(s.arenaBytes)} planned (lower bound ${formatBytes(s.lowerBoundBytes)}); memory ${formatBytes(s.memoryBytes)}`],
      ...isolate,
      ['script', `${formatBytes(s.scriptBytes)} (gzip ${formatBytes(s.scriptGzipBytes)})  ${s.target === 'worker' ? 'the whole Worker bundle' : `module, glue and runtime${weightsFile ? ', without the weights' : ''}`}`],
      ['inputs', io(c.manifest.inputs)],
      ...(s.valueVariants ? [['values', describeValueVariants(s.valueVariants)]] : []),
      ...(s.runTimeBranches ? [['branches', describeBranches(s.runTimeBranches)]] : []),
      ['outputs', io(c.manifest.outputs)],
      ['files', `${ownFiles.join(', ')}, runtime/ (${runtimeCount} files), package.json ("type": "module")`],
    ]),
  ].join('\n');
}

export function compileCommand(): Command {
  const cmd = new Command('compile')
    .description('compile an ONNX model into a folder with a .wasm module, its weights, JS glue and the runtime')
    .argument('<model>', 'the .onnx file')
    .addOption(new Option('-o, --out <dir>', 'output folder (created if missing; files in it are overwritten)').makeOptionMandatory())
    .addOption(new Option('--name <name>', 'base name of the output files').default('model'))
    .addOption(new Option('--embed-weights', 'put the weights inside the .wasm instead of a separate weights file'))
    .addOption(new Option('--json', 'print one JSON document (files, sizes, inputs, outputs, warnings) instead of the summary'));
  addCompileFlags(cmd);
  addDeployFlags(cmd);
  return cmd.action(async (model: string, flags: Flags) => {
    const c = await compile(model, {
      ...toCompileOptions(flags), name: flags.name, embedWeights: flags.embedWeights ?? false,
      target: flags.target, maxMemoryBytes: flags.maxMemory, maxScriptBytes: flags.maxScriptSize,
    });
    for (const w of c.summary.warnings) process.stderr.write(`warning: ${w}\n`);
    const removed = removeStaleFiles(flags.out, c.files);
    writeFiles(flags.out, c.files);
    const outDir = path.normalize(flags.out).replace(/[\\/]+$/, '');
    if (flags.json) return printJson(compileJson(model, outDir, c, removed));
    process.stdout.write(summarize(model, outDir, c, flags.name) + '\n');
    if (removed.length) process.stdout.write(`removed ${removed.join(', ')} (written by the previous compile, not by this one)\n`);
  });
}
