// Step 3 of compile(): the wasm module of the builds. The first build is the main graph; the others
// (per value, and --specialize copies) are variants the runtime picks from at run time.
import { CompileError, Graph } from '@onnx2wasm/ir';
import { CodegenOptions, CodegenResult, generateModule } from '@onnx2wasm/wasm-codegen';
import type { LayoutMode } from '@onnx2wasm/optimizer';
import { specializedVariants } from '../specialize.js';
import type { Build } from './build-graph.js';

/** The compile() options this step reads (see CompileOptions for what they mean). */
export interface GenerateOptions {
  maxShapes?: Record<string, number[]>;
  specialize?: Record<string, number[]>;
  layout?: LayoutMode;
  embedWeights?: boolean;
  relaxedSimd?: boolean | 'both';
}

export type SharedCodegenOptions = Omit<CodegenOptions, 'relaxed'>;
export interface Generated { codegen: SharedCodegenOptions; gen: CodegenResult }

export function generate(builds: Build[], options: GenerateOptions, maxMemoryBytes: number | undefined): Generated {
  const codegen = codegenOptions(builds, options, maxMemoryBytes);
  return { codegen, gen: generateModule(builds[0]!.optimized.graph, { ...codegen, relaxed: options.relaxedSimd === true }) };
}

function codegenOptions(builds: Build[], options: GenerateOptions, maxMemoryBytes: number | undefined): SharedCodegenOptions {
  const imported = builds[0]!.imported;
  const maxDims = options.maxShapes ? symbolBounds(imported.graph, options.maxShapes) : undefined;
  const symbols = new Set(imported.graph.inputs.flatMap((i) => imported.graph.types.get(i)!.shape.filter((d): d is string => typeof d === 'string')));
  // --specialize copies of every build come first: the runtime runs the first variant that matches.
  const specialized = options.specialize ? builds.flatMap((b) => specializedVariants(b.optimized.graph, options.specialize!, symbols, options.layout).map((v) => ({ ...v, whenValues: b.whenValues }))) : [];
  const byValue = builds.slice(1).map((b) => ({ graph: b.optimized.graph, when: {}, whenValues: b.whenValues }));
  const variants = specialized.length || byValue.length ? [...specialized, ...byValue] : undefined;
  return { embedWeights: options.embedWeights, maxMemoryBytes, maxDims, variants, whenValues: builds[0]!.whenValues };
}

/** The relaxed-SIMD module of the same graph; it must share the SIMD128 build's weights byte for byte. */
export function relaxedBuild(graph: Graph, weights: Uint8Array, opts: SharedCodegenOptions): Uint8Array {
  const gen = generateModule(graph, { ...opts, relaxed: true });
  const same = gen.weights.byteLength === weights.byteLength && gen.weights.every((b, i) => b === weights[i]);
  if (!same) throw new CompileError('CODEGEN_FAILED', 'the relaxed-SIMD build laid out its weights differently from the SIMD128 build');
  return gen.wasm;
}

/** maxShapes per input → a bound per symbol (the smallest where a symbol appears twice). */
function symbolBounds(g: Graph, maxShapes: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, dims] of Object.entries(maxShapes)) {
    const t = g.inputs.includes(name) ? g.types.get(name) : undefined;
    if (!t) throw new CompileError('INVALID_OPTION', `maxShapes: the model has no input '${name}' (inputs: ${g.inputs.join(', ')})`);
    if (dims.length !== t.shape.length) throw new CompileError('INVALID_OPTION', `maxShapes['${name}'] has ${dims.length} dims, the input has ${t.shape.length} ([${t.shape}])`);
    t.shape.forEach((d, i) => {
      const v = dims[i]!;
      if (!(Number.isSafeInteger(v) && v >= 1)) throw new CompileError('INVALID_OPTION', `maxShapes['${name}'] dim ${i} must be a positive integer, got ${String(v)}`);
      if (typeof d === 'number') {
        if (d !== v) throw new CompileError('INVALID_OPTION', `maxShapes['${name}'] dim ${i} is ${v}, but the model fixes it to ${d}`);
      } else out[d] = Math.min(out[d] ?? Infinity, v);
    });
  }
  return out;
}
