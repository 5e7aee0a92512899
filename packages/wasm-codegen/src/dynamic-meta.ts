// A variant's run-time dims for the runtime's metadata (its symbols, the dims table, the run-time
// buffers by size polynomial), and, with maxDims bounds, the memory it needs at the bounds.
import { evalDim } from '@onnx2wasm/ir';
import { CodegenError } from './errors.js';
import { DynamicTable, polyJson, valueBytes } from './dynamic-dims.js';
import { planMemory } from './memory-plan.js';
import { DynamicMeta } from './model-meta.js';
import { VariantPlan, align16 } from './variant-plan.js';

const PAGE = 65536;

export interface DynamicBounds {
  /** Where run-time buffers start: after the weights. */
  dynamicBase: number;
  maxDims?: Record<string, number>;
  limit: number;
  weightsBytes: number;
}

/**
 * `meta` is undefined for a variant with static dims. `peakBytes` is the memory (whole pages) at
 * the bounds, undefined when the variant has symbols without a bound (or none at all: `bounded`).
 */
export function dynamicMetaOf(vp: VariantPlan, table: DynamicTable, b: DynamicBounds): { meta?: DynamicMeta; bounded: boolean; peakBytes?: number } {
  if (!vp.symbols.length) return { bounded: true };
  const { dynamicBase, maxDims, limit } = b;
  // Dims a kernel computes (NonZero's count) are bounded by the input dims' bounds.
  const inputSymbols = vp.symbols.filter((x) => !vp.computed.some((c) => c.symbol === x));
  // A computed dim without a bound (grown at run time) leaves the memory unbounded too.
  const bounded = !!maxDims && inputSymbols.every((x) => maxDims[x] !== undefined) && vp.computed.every((c) => c.bound !== undefined);
  let peakBytes: number | undefined;
  if (bounded) {
    const atBounds: Record<string, number> = { ...maxDims };
    for (const c of vp.computed) atBounds[c.symbol] = evalDim(c.bound!, atBounds);
    const scratchAtMax = Math.max(0, ...vp.dynBuffers.map((d) => (d.bytes === undefined ? 0 : align16(evalDim(d.bytes, atBounds)))));
    const atMax = planMemory(vp.g, (v) => evalDim(valueBytes(vp.g, v), atBounds), vp.aliases, vp.isDyn).arenaBytes + scratchAtMax;
    peakBytes = Math.ceil((dynamicBase + atMax + 16) / PAGE) * PAGE;
    if (!(dynamicBase + atMax + 16 <= limit)) {
      throw new CodegenError(`at the maximum dims (${inputSymbols.map((x) => `${x}=${maxDims![x]}`).join(', ')}) the model needs ${dynamicBase + atMax + 16} bytes of memory (weights ${b.weightsBytes}, run-time activations ${atMax}), ${dynamicBase + atMax + 16 - limit} bytes over the limit of ${limit}`, undefined, 'MEMORY_LIMIT');
    }
  }
  const meta: DynamicMeta = {
    symbols: vp.symbols, table: table.address, base: dynamicBase,
    buffers: vp.dynBuffers.map((d) => ({ name: d.name, bytes: polyJson(d.bytes ?? valueBytes(vp.g, d.name)), first: d.first, last: d.last })),
    ...(maxDims ? { maxDims: Object.fromEntries(inputSymbols.filter((x) => maxDims[x] !== undefined).map((x) => [x, maxDims[x]!])) } : {}),
    ...(vp.computed.length ? { computed: vp.computed.map((c) => ({ symbol: c.symbol, ...(c.bound !== undefined ? { bound: polyJson(c.bound) } : {}), node: c.node, op: c.op })) } : {}),
  };
  return { meta, bounded, peakBytes };
}
