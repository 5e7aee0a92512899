// The compile flags shared by `compile` and `check`, so both build the model the same way.
import { Command, InvalidArgumentError, Option } from 'commander';
import { LAYOUT_MODES, LayoutMode } from '@onnx2wasm/optimizer';
import { KERNEL_MODES, type CompileOptions, type KernelMode } from '../compile.js';
import type { Plugin } from '../plugins/define-plugin.js';
import { loadPluginFile } from '../plugins/load-plugin.js';
import { collectConstant, collectInputShape, collectLimit, collectShape, parsePassList } from './parse-args.js';

export interface CompileFlags {
  inputShape?: Record<string, (number | string)[]>;
  maxShape?: Record<string, number[]>;
  specialize?: Record<string, number[]>;
  constant?: Record<string, number[]>;
  opt: boolean;
  passes?: string[];
  layout?: LayoutMode;
  kernels?: KernelMode;
  verify?: boolean;
  relaxedSimd?: boolean;
  /** --threads [n]: also write the threaded build (true: up to 4 threads). */
  threads?: boolean | number;
  /** false with --no-value-variants. */
  valueVariants?: boolean;
  /** --weights: store float32 weights as float16 or int8. */
  weights?: 'float32' | 'float16' | 'int8';
  /** --limit NAME=N: compile-time budgets (compile({ limits })). */
  limit?: Record<string, number>;
  /** File paths as parsed; replaced by the loaded plugins before the action runs. */
  plugin?: (string | Plugin)[];
}

export function addCompileFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--input-shape <name=dims>', 'set an input\'s dims, e.g. input=1,3,224,224: kernels are specialized for exactly those dims; a name (input=N,3,224,224) makes a dim symbolic, read at run time (repeatable; symbolic dims not pinned stay run-time)').argParser(collectInputShape))
    .addOption(new Option('--max-shape <name=dims>', 'upper bounds for an input with symbolic dims, e.g. input=8,512,256: runs above them fail with a typed error; memory is checked at compile time (repeatable)').argParser(collectShape))
    .addOption(new Option('--specialize <dim=values>', 'also compile code specialized for these values of a symbolic dim, e.g. seq=1,128; used when a run\'s dims match, else the generic code (repeatable)').argParser(collectShape))
    .addOption(new Option('--constant <name=values>', 'fix an input\'s value at compile time, e.g. sr=16000 or axes=0,-1 (dtype and dims from the model): it stops being an input, and the If branches it decides are dropped (repeatable)').argParser(collectConstant))
    .addOption(new Option('--no-opt', 'skip the graph optimizer (only constant folding and dead-code removal run)'))
    .addOption(new Option('--no-value-variants', 'do not build the model per value of small integer inputs (axes, k) when it needs their values; the compile fails instead'))
    .addOption(new Option('--passes <names>', 'run only these optimizer passes, comma-separated, in order (see --list-passes)').argParser(parsePassList).conflicts('opt'))
    .addOption(new Option('--layout <mode>', 'data layout of conv networks: auto runs them channels-last (NHWC) when the transposes cancel down to the graph boundary; nchw and nhwc force one').choices([...LAYOUT_MODES]).default('auto'))
    .addOption(new Option('--kernels <mode>', 'conv kernels: fast runs 3x3 convs as Winograd (filters transformed at load, more memory); lean keeps the weights as shipped; auto uses fast unless a memory limit needs lean').choices([...KERNEL_MODES]).default('auto'))
    .addOption(new Option('--verify', 'check the IR after import and after every pass'))
    .addOption(new Option('--weights <format>', 'store a float32 model\'s weights compressed, widened once at load: float16, or int8 (symmetric per output channel); the summary reports the bytes saved and the output error against the float32 build').choices(['float32', 'float16', 'int8']))
    .addOption(new Option('--relaxed-simd', 'emit only the relaxed-SIMD build (FMA) as <name>.wasm; needs a runtime with relaxed SIMD (by default both builds are written and the glue picks one)'))
    .addOption(new Option('--no-relaxed-simd', 'emit only the SIMD128 build (no <name>.relaxed.wasm)'))
    .addOption(new Option('--threads [n]', 'also write the threaded build, <name>.threads.wasm, whose heavy nodes run on up to n threads (default 4) where the platform has shared memory: load({ threads })')
      .argParser((v: string) => parseThreads(v)))
    .addOption(new Option('--limit <name=n>', 'raise or lower a compile-time budget, e.g. maxNodes=2000000 or maxUnrolledIterations=inf (maxNodes, maxUnrolledIterations, maxSubgraphDepth, maxModelBytes, maxRepeatedElements; repeatable)').argParser(collectLimit))
    .addOption(new Option('--plugin <file>', 'load custom ops from an ES module whose default export is definePlugin(...) (repeatable)')
      .argParser((v: string, prev: string[] = []) => [...prev, v]))
    // Importing is async, so plugin files load in a hook the action awaits (toCompileOptions stays sync).
    .hook('preAction', async (self) => {
      const files = self.getOptionValue('plugin') as string[] | undefined;
      if (files) self.setOptionValue('plugin', await Promise.all(files.map(loadPluginFile)));
    });
}

export function toCompileOptions(flags: CompileFlags): CompileOptions {
  return {
    inputShapes: flags.inputShape,
    ...(flags.maxShape ? { maxShapes: flags.maxShape } : {}),
    ...(flags.specialize ? { specialize: flags.specialize } : {}),
    ...(flags.constant ? { constantInputs: flags.constant } : {}),
    optimize: flags.opt,
    passes: flags.passes,
    layout: flags.layout,
    kernels: flags.kernels,
    verify: flags.verify ?? false,
    ...(flags.relaxedSimd !== undefined ? { relaxedSimd: flags.relaxedSimd } : {}),
    ...(flags.threads ? { threads: flags.threads } : {}),
    ...(flags.valueVariants === false ? { valueVariants: false as const } : {}),
    ...(flags.weights ? { weights: flags.weights } : {}),
    ...(flags.limit ? { limits: flags.limit } : {}),
    ...(flags.plugin ? { plugins: flags.plugin.filter((p): p is Plugin => typeof p !== 'string') } : {}),
  };
}

/** --threads' value: an integer from 2 to 64 (compile() checks the range and says so). */
function parseThreads(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a thread count such as 4, got '${v}'`);
  return n;
}
