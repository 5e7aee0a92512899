// Transcendental functions the generated code imports from the host (wasm has no sin/log/pow):
// rarely used ops call these; the hot ones (exp, tanh, erf in Softmax, Sigmoid, GELU) are inlined
// vector approximations and never come here.
const UNARY = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'cbrt'] as const;

const MATH: Record<string, (...x: number[]) => number> = {
  ...Object.fromEntries(UNARY.map((n) => [n, Math[n]])),
  // C's powf (onnxruntime): 1 ** y and (-1) ** ±Inf are 1 even for NaN y; Math.pow gives NaN.
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)),
  fmod: (a, b) => a % b,
  atan2: Math.atan2,
  // Seeds RandomUniform nodes that have no seed attribute, once per run.
  random: Math.random,
};

/** The import object for a module: only what it declares, and a clear error for anything else. */
export function hostImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, (...x: number[]) => number>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'env' && imp.kind === 'memory') continue; // a threaded build's shared memory: loadModel makes it
    const fn = imp.module === 'math' && imp.kind === 'function' ? MATH[imp.name] : undefined;
    if (!fn) throw new Error(`the module imports '${imp.module}.${imp.name}', which this runtime does not provide`);
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  return imports;
}
