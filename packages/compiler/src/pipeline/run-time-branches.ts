// For the summary: If nodes decided at run time, and the inputs worth pinning to decide them at compile time.
import type { Graph } from '@onnx2wasm/ir';
import type { ImportedModel } from '@onnx2wasm/onnx-import';
import { effectiveGuards } from '@onnx2wasm/wasm-codegen';

export interface RunTimeBranchesSummary {
  /** If nodes whose condition is only known at run time. */
  ifNodes: number;
  /** Nodes of the generated code that run only when their branch is taken. */
  conditionalNodes: number;
  /** Integer and bool graph inputs the conditions are computed from, with how many If nodes each decides: pin them (constantInputs, --constant) to compile only the taken branches. */
  inputs: Record<string, number>;
  /** A value to suggest per input, when a condition compares the input with a constant (sr == 16000). */
  compared: Record<string, number>;
}

export function runTimeBranches(imported: ImportedModel, graph: Graph): RunTimeBranchesSummary | undefined {
  if (!imported.runTimeIfs.length) return undefined;
  const inputs: Record<string, number> = {};
  // Only integer and bool inputs are worth pinning (a sample rate, a mode flag), not the data.
  const pinnable = (i: string) => /^(u?int|bool)/.test(imported.graph.types.get(i)?.dtype ?? '');
  const compared: Record<string, number> = {};
  for (const r of imported.runTimeIfs) {
    for (const i of r.inputs.filter(pinnable)) inputs[i] = (inputs[i] ?? 0) + 1;
    for (const [i, v] of Object.entries(r.compared ?? {})) if (pinnable(i)) compared[i] ??= v;
  }
  return { ifNodes: imported.runTimeIfs.length, conditionalNodes: effectiveGuards(graph).size, inputs, compared };
}
