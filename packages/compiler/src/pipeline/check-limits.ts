// Step 5 of compile(): the deploy limits of the target (isolate memory, script size) and the
// warnings that do not stop the compile.
import type { ImportedModel } from '@onnx2wasm/onnx-import';
import type { CodegenResult } from '@onnx2wasm/wasm-codegen';
import { checkIsolateMemory, checkScriptSize, measure } from '../limits.js';
import type { Target } from '../targets.js';

export interface LimitsInput {
  name: string;
  target: Target;
  files: Record<string, Uint8Array>;
  weightsFile: string | null;
  gen: CodegenResult;
  imported: ImportedModel;
  maxMemoryBytes?: number;
  maxScriptBytes?: number;
}

export function checkLimits({ name, target, files, weightsFile, gen, imported, maxMemoryBytes, maxScriptBytes }: LimitsInput) {
  // With symbolic dims the memory grows at run time: the isolate check counts it at the --max-shape
  // bounds (without bounds, only the initial memory is known).
  const memoryBytes = gen.maxMemoryBytes ?? gen.meta.memory.pages * 65536;
  const sizes = measure(files, `${name}.wasm`, target, weightsFile, memoryBytes);
  if (maxMemoryBytes !== undefined) checkIsolateMemory(sizes, memoryBytes, gen.wasm.byteLength, maxMemoryBytes);
  const warnings = checkScriptSize(sizes, target, maxScriptBytes);
  for (const r of imported.runTimeIfs) {
    if (r.failedBranch) warnings.push(`If node '${r.node}': its ${r.failedBranch.branch} branch cannot run for the compiled shapes, so runs that take it fail (${r.failedBranch.reason})`);
  }
  return { memoryBytes, sizes, warnings };
}
