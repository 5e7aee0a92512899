// Step 2 of compile(): import and optimize the decoded model into the graph codegen takes. With
// value variants it runs once per candidate value, so it takes the known input values.
import { Dim, Graph, Tensor, verifyGraph } from '@onnx2wasm/ir';
import { DecodedModel, ImportLimits, ImportedModel, importModel } from '@onnx2wasm/onnx-import';
import { LayoutMode, Pass, WeightsFormat, compressWeights, optimize } from '@onnx2wasm/optimizer';
import { ValueCondition, keepsNchw } from '@onnx2wasm/wasm-codegen';

/** The compile() options this step reads (see CompileOptions for what they mean). */
export interface BuildOptions {
  inputShapes?: Record<string, Dim[]>;
  baseDir?: string;
  limits?: ImportLimits;
  verify?: boolean;
  optimize?: boolean;
  passes?: string[];
  layout?: LayoutMode;
  weights?: 'float32' | WeightsFormat;
}

/** One import + optimize of the model; with value variants, for some input values. */
export interface Build { imported: ImportedModel; optimized: ReturnType<typeof optimize>; whenValues?: ValueCondition }

export interface BuildSettings {
  constantInputs?: Record<string, Tensor>;
  baseDir?: string;
  extraPasses: Pass[];
  /** The memory-lean conv kernels (no Winograd). */
  lean: boolean;
}

/** A function from known input values to one build of the model. */
export function graphBuilder(decoded: DecodedModel, options: BuildOptions, s: BuildSettings): (knownInputs?: Record<string, Tensor>) => Build {
  // Compressed weights are widened at load time, so kernels see them as run-time data; the NHWC
  // conv kernels pack their weights at compile time and take only constants, so such builds stay NCHW.
  const compressing = options.weights === 'float16' || options.weights === 'int8';
  return (knownInputs) => {
    const imported = importModel(decoded, { inputShapes: options.inputShapes, constantInputs: s.constantInputs, knownInputs, baseDir: options.baseDir ?? s.baseDir, limits: options.limits });
    if (options.verify) verifyGraph(imported.graph, 'import');
    const optimized = options.optimize === false
      ? optimize(imported.graph, { passes: ['fold-constants', 'dce'], verify: options.verify })
      : optimize(imported.graph, { passes: options.passes, verify: options.verify, extraPasses: s.extraPasses, keepsNchw, layout: compressing ? 'nchw' : options.layout });
    if (s.lean) useLeanKernels(optimized.graph);
    const format = options.weights;
    if (format === 'float16' || format === 'int8') optimized.graph = compressWeights(optimized.graph, format).graph;
    if (format && options.verify) verifyGraph(optimized.graph, 'compress-weights');
    return { imported, optimized };
  };
}

/** Marks every conv to run without Winograd (wasm-codegen reads winograd: 0): no filters transformed at load. */
function useLeanKernels(g: Graph): void {
  for (const n of g.nodes) if (n.op === 'Conv' || n.op === 'NhwcConv' || n.op === 'QLinearConv') n.attrs = { ...n.attrs, winograd: 0 };
}
