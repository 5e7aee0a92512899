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

interface Flags extends CompileFlags, DeployFlags {
  out: string;
  name: string;
  embedWeights?: boolean;
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

/** Run-time If nodes, and the inputs that could be pinned to compile only the taken branches. */
export function describeBranches(b: RunTimeBranchesSummary): string {
  const head = `${b.ifNodes} If node${b.ifNodes === 1 ? '' : 's'} decided at run time (${b.conditionalNodes} nodes run only in their branch)`;
  const pins = Object.entries(b.inputs).map(([input, n]) => `'${input}' decides ${n} If node${n === 1 ? '' : 's'}; pin it with --constant ${input}=${b.compared[input] ?? 'VALUE'} to drop the untaken branches`);
  return [head, ...pins].join('; ');
}

function summarize(model: string, outDir: string, c: CompileResult, name: string): string {
  const s = c.summary;
  const ops = Object.entries(s.ops).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `${op} ×${n}`).join(', ');
  const ownFiles = Object.keys(c.files).filter((f) => !f.startsWith('runtime/'));
  const runtimeCount = Object.keys(c.files).length - ownFiles.length;
  const weightsFile = c.manifest.weights.file;
  const weights = weightsFile ? `${formatBytes(s.weightsBytes)}  ${weightsFile}` : `${formatBytes(s.weightsBytes)}  embedded in ${name}.wasm`;
  const isolate = s.isolateBytes === undefined ? [] : [['isolate', `${formatBytes(s.isolateBytes)} per Worker isolate (memory + module + weights copy)`]];
  const io = (list: CompileResult['manifest']['inputs']) => list.map((t) => `${t.name} ${formatShape(t.dtype, t.dims)}`).join(', ');
  return [
    `compiled ${model} -> ${outDir}${path.sep} in ${formatMs(s.compileMs)}`,
    table([
      ['ops', `${ops || '(none)'}  (${s.nodes} nodes)`],
      ['target', s.target],
      ['wasm', `${formatBytes(s.wasmBytes)} (gzip ${formatBytes(s.wasmGzipBytes)})  ${name}.wasm`],
      ['weights', weights],
      ['arena', `${formatBytes(s.arenaBytes)} planned (lower bound ${formatBytes(s.lowerBoundBytes)}); memory ${formatBytes(s.memoryBytes)}`],
      ...isolate,
      ['script', `${formatBytes(s.scriptBytes)} (gzip ${formatBytes(s.scriptGzipBytes)})  ${s.target === 'worker' ? 'the whole Worker bundle' : `module, glue and runtime${weightsFile ? ', without the weights' : ''}`}`],
      ['inputs', io(c.manifest.inputs)],
      ...(s.valueVariants ? [['values', describeValueVariants(s.valueVariants)]] : []),
      ...(s.runTimeBranches ? [['branches', describeBranches(s.runTimeBranches)]] : []),
      ['outputs', io(c.manifest.outputs)],
      ['files', `${ownFiles.join(', ')}, runtime/ (${runtimeCount} files)`],
    ]),
  ].join('\n');
}

export function compileCommand(): Command {
  const cmd = new Command('compile')
    .description('compile an ONNX model into a folder with a .wasm module, its weights, JS glue and the runtime')
    .argument('<model>', 'the .onnx file')
    .addOption(new Option('-o, --out <dir>', 'output folder (created if missing; files in it are overwritten)').makeOptionMandatory())
    .addOption(new Option('--name <name>', 'base name of the output files').default('model'))
    .addOption(new Option('--embed-weights', 'put the weights inside the .wasm instead of a separate weights file'));
  addCompileFlags(cmd);
  addDeployFlags(cmd);
  return cmd.action(async (model: string, flags: Flags) => {
    const c = await compile(model, {
      ...toCompileOptions(flags), name: flags.name, embedWeights: flags.embedWeights ?? false,
      target: flags.target, maxMemoryBytes: flags.maxMemory, maxScriptBytes: flags.maxScriptSize,
    });
    for (const w of c.summary.warnings) process.stderr.write(`warning: ${w}\n`);
    writeFiles(flags.out, c.files);
    process.stdout.write(summarize(model, path.normalize(flags.out).replace(/[\\/]+$/, ''), c, flags.name) + '\n');
  });
}
