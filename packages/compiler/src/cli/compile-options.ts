// The compile flags shared by `compile` and `check`, so both build the model the same way.
import { Command, Option } from 'commander';
import type { CompileOptions } from '../compile.js';
import { collectInputShape, parsePassList } from './parse-args.js';

export interface CompileFlags {
  inputShape?: Record<string, number[]>;
  opt: boolean;
  passes?: string[];
  verify?: boolean;
  relaxedSimd?: boolean;
}

export function addCompileFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--input-shape <name=dims>', 'pin an input\'s dims, e.g. input=1,3,224,224 (repeatable; needed for symbolic dims)').argParser(collectInputShape))
    .addOption(new Option('--no-opt', 'skip the graph optimizer (only constant folding and dead-code removal run)'))
    .addOption(new Option('--passes <names>', 'run only these optimizer passes, comma-separated, in order (see --list-passes)').argParser(parsePassList).conflicts('opt'))
    .addOption(new Option('--verify', 'check the IR after import and after every pass'))
    .addOption(new Option('--relaxed-simd', 'emit relaxed-SIMD instructions (FMA); needs a runtime with relaxed SIMD'));
}

export function toCompileOptions(flags: CompileFlags): CompileOptions {
  return {
    inputShapes: flags.inputShape,
    optimize: flags.opt,
    passes: flags.passes,
    verify: flags.verify ?? false,
    relaxedSimd: flags.relaxedSimd ?? false,
  };
}
