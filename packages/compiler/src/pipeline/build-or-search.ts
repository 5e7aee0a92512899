// Steps 2–3 of compile() together: the plain build, and when it fails for want of input values,
// one build per candidate value (value-variants.ts decides whether a search can help at all).
import { Tensor } from '@onnx2wasm/ir';
import { DecodedModel } from '@onnx2wasm/onnx-import';
import { planVariant } from '@onnx2wasm/wasm-codegen';
import { ValueVariantsSummary, findValueVariants } from '../value-variants.js';
import type { Build } from './build-graph.js';
import type { Generated } from './generate.js';

export interface Built { builds: Build[]; generated: Generated; valueVariants?: ValueVariantsSummary }

export function buildOrSearch(
  decoded: DecodedModel,
  buildGraph: (known?: Record<string, Tensor>) => Build,
  generate: (builds: Build[]) => Generated,
  search: { inputShapes?: Record<string, unknown[]>; pinned: Set<string>; maxCandidates: number },
): Built {
  try {
    const builds = [buildGraph()];
    return { builds, generated: generate(builds) };
  } catch (failure) {
    // The model may need the values of small integer inputs (axes, k): build per value instead.
    const found = findValueVariants(decoded, failure, (known) => {
      const b = buildGraph(known);
      planVariant(b.optimized.graph);
      return { result: b, graph: b.optimized.graph };
    }, search);
    const builds = found.builds.map((b) => ({ ...b.result, whenValues: Object.keys(b.whenValues).length ? b.whenValues : undefined }));
    return { builds, generated: generate(builds), valueVariants: found.summary };
  }
}
