// The compile command's deployment flags: --target, --max-memory, --max-script-size.
import { Command, InvalidArgumentError, Option } from 'commander';
import { TARGETS, type Target } from '../targets.js';

export interface DeployFlags {
  target: Target;
  maxMemory?: number;
  maxScriptSize?: number;
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, k: 1024, mb: 1024 ** 2, mib: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3, g: 1024 ** 3 };

/**
 * `134217728`, `128MB`, `128MiB`, `1.5GB`. MB means MiB (2^20 bytes), as in the limits the
 * platforms publish (a Worker's 128 MB is 128 MiB), so a limit copied from their docs means what it says.
 */
export function parseByteSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError(`expected a size in bytes or with a unit (KB, MB, GB), e.g. 134217728 or 128MB, got '${value}'`);
  const bytes = Math.floor(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new InvalidArgumentError(`expected a positive size, got '${value}'`);
  return bytes;
}

export function addDeployFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--target <target>', 'where the output runs: universal (Node or browsers), node, browser (Cache API for the weights) or worker (Cloudflare Workers / workerd)').choices(TARGETS).default('universal'))
    .addOption(new Option('--max-memory <size>', 'fail if the planned memory exceeds this, in bytes or e.g. 128MB (default for --target worker: 128MB, counting the whole isolate)').argParser(parseByteSize))
    .addOption(new Option('--max-script-size <size>', 'fail if the gzipped script (module, glue, runtime; for worker the whole bundle) exceeds this, e.g. 10MB').argParser(parseByteSize));
}
