// `onnx2wasm inspect model.onnx [--json]`: the optimized graph, per-node cost, memory plan and passes.
import { Command, Option } from 'commander';
import { InspectReport, inspect } from '../inspect.js';
import { CompileFlags, addCompileFlags, toCompileOptions } from './compile-options.js';
import { table } from './format.js';
import { describeValueVariants } from '../value-variants.js';

function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

function text(r: InspectReport): string {
  const lines = [r.graph, ''];
  // Value variants: the graph above is the first build; the others differ in the values' effect.
  if (r.valueVariants) lines.push(`values: ${describeValueVariants(r.valueVariants)}; the graph is the build for ${JSON.stringify(r.valueVariants.values[0])}`, '');
  lines.push(`nodes: ${r.nodesBefore} after import → ${r.nodesAfter} after optimization`);
  lines.push(table(r.passes.map((p) => [p.name, (p.changed ? `changed (${p.nodesRemoved >= 0 ? '-' : '+'}${Math.abs(p.nodesRemoved)} nodes)` : 'no change') + (p.note ? `: ${p.note}` : '')]), ''));
  lines.push('');
  lines.push(table([['node', 'op', 'FLOPs', 'bytes moved'], ...r.nodes.map((n) => [n.name, n.op, human(n.flops), human(n.bytes)])], ''));
  lines.push(`total: ${human(r.totals.flops)}FLOPs, ${human(r.totals.bytes)}B moved; wasm ${r.totals.wasmBytes} B, weights ${r.totals.weightsBytes} B`);
  lines.push(`memory: arena ${r.memory.arenaBytes} B (lower bound ${r.memory.lowerBoundBytes} B, ${(r.memory.arenaBytes / Math.max(1, r.memory.lowerBoundBytes)).toFixed(2)}×; without reuse ${r.memory.naiveBytes} B)`);
  if (r.memory.runtime) {
    lines.push(`run-time buffers (placed by the runtime for each new ${r.memory.runtime.symbols.join(', ')}): ${r.memory.runtime.buffers.length}`);
    for (const b of r.memory.runtime.buffers) lines.push(`  ${b.name}: ${b.bytes} B, nodes ${b.firstNode}..${b.lastNode}`);
  }
  return lines.join('\n');
}

export function inspectCommand(): Command {
  return addCompileFlags(new Command('inspect')
    .description('compile a model and show the optimized graph, per-node FLOPs and bytes, the memory plan and what each pass changed')
    .argument('<model>', 'the .onnx file')
    .addOption(new Option('--json', 'print one JSON object instead of text')))
    .action(async (model: string, flags: CompileFlags & { json?: boolean }) => {
      const report = await inspect(model, toCompileOptions(flags));
      process.stdout.write((flags.json ? JSON.stringify(report) : text(report)) + '\n');
    });
}
