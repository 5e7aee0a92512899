// Models compiled with symbolic input dims ('batch', 'seq'): each run binds the symbols from the
// feeds' dims, and when they change, places the run-time buffers (largest first, at the lowest
// offset not used by a buffer live at the same time), grows memory if needed, and writes the
// symbol values and buffer addresses into the table the kernels read.
import { RuntimeError, RuntimeInputError } from './errors.js';
import type { Tensor } from './tensor.js';
import type { DynamicMeta, Poly, Slot } from './validate-meta.js';

export type { DynamicMeta, Poly };
/** Where a tensor is for this run. */
export interface Placed { dims: number[]; offset: number; byteLength: number }

const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE;
const align16 = (n: number) => Math.ceil(n / 16) * 16;
const evalPoly = (p: Poly, env: Record<string, number>) => p.reduce((s, [c, ...xs]) => s + xs.reduce((m, x) => m * env[x]!, c), 0);
const show = (s: Slot) => `[${s.dims}]`;
/** `v` rounded up to one of 4 steps per octave (8 and below: 8), but not past the dim's bound. */
const bucket = (v: number, max?: number) => {
  const step = v <= 8 ? 8 : 2 ** Math.max(0, Math.floor(Math.log2(v)) - 2);
  const up = Math.ceil(Math.max(v, 1) / step) * step;
  return max !== undefined ? Math.max(v, Math.min(up, max)) : up;
};

/** The first plan of a computed dim without a bound; a run that needs more grows it (see finish). */
const FIRST_PLAN = 8;
/** Reruns one run() may take to grow its plans before it gives up: each raises at least one dim. */
const MAX_GROWS = 64;
/** What a kernel writes for a dim when its inputs contradict each other (a Reshape whose element count differs). */
const INCONSISTENT = -2147483648;

/** A computed dim the run needed more of than planned: the runtime re-plans and reruns. */
export interface Grown { symbol: string; node: string; op: string; value: number; before: number }

export function dynamicDims(meta: DynamicMeta, memory: WebAssembly.Memory) {
  let lastKey = '';
  let offsets: number[] = [];
  const computed = meta.computed ?? [];
  // Computed dims without a bound: the value memory is planned for, the largest seen so far.
  const planned: Record<string, number> = {};
  for (const c of computed) if (!c.bound) planned[c.symbol] = FIRST_PLAN;

  /** Binds every symbol from the feeds; checks ranks, static dims, agreement and bounds. */
  function bind(inputs: Slot[], feeds: Record<string, Tensor>): Record<string, number> {
    const env: Record<string, number> = {};
    const from: Record<string, string> = {};
    for (const s of inputs) {
      const dims = feeds[s.name]!.dims;
      if (!Array.isArray(dims) || dims.length !== s.dims.length || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new RuntimeInputError('SHAPE_MISMATCH', s.name, `input '${s.name}': expected dims ${show(s)}, got [${Array.isArray(dims) ? dims : String(dims)}]`);
      }
      s.dims.forEach((d, i) => {
        if (typeof d !== 'string' || !meta.symbols.includes(d)) return;
        const v = dims[i]!;
        // 0 is a valid dim (an empty KV cache before the first step): kernels loop zero times over it.
        if (env[d] !== undefined && env[d] !== v) {
          throw new RuntimeInputError('SHAPE_MISMATCH', s.name, `input '${s.name}': dim ${i} ('${d}') is ${v}, but input '${from[d]}' set '${d}' = ${env[d]}`);
        }
        const max = meta.maxDims?.[d];
        if (max !== undefined && v > max) {
          throw new RuntimeInputError('SHAPE_OUT_OF_BOUNDS', s.name, `input '${s.name}': dim ${i} ('${d}') is ${v}, above the compile-time bound ${d} <= ${max} (--max-shape)`);
        }
        env[d] = v;
        from[d] = s.name;
      });
    }
    for (const s of inputs) {
      const dims = feeds[s.name]!.dims;
      (s.shape ?? s.dims.map((d) => [[d as number]] as Poly)).forEach((p, i) => {
        if (evalPoly(p, env) !== dims[i]) throw new RuntimeInputError('SHAPE_MISMATCH', s.name, `input '${s.name}': expected dims ${show(s)}, got [${dims}]`);
      });
    }
    return env;
  }

  /** Bytes of each buffer for these dims, 16-byte aligned. */
  const sizesAt = (env: Record<string, number>) => meta.buffers.map((b) => align16(Math.max(evalPoly(b.bytes, env), 1)));
  let placedSizes: number[] = [];
  let lastBucket = '';

  /** Offsets for buffers of these sizes (largest first, at the lowest offset free of buffers live at the same time); the total. */
  function placeBuffers(sizes: number[]): { at: number[]; total: number } {
    const order = sizes.map((_, k) => k).sort((a, b) => sizes[b]! - sizes[a]! || meta.buffers[a]!.first - meta.buffers[b]!.first);
    const placed: number[] = [];
    const at = new Array<number>(sizes.length).fill(0);
    let total = 0;
    for (const k of order) {
      const b = meta.buffers[k]!;
      const live = placed.filter((j) => meta.buffers[j]!.first <= b.last && b.first <= meta.buffers[j]!.last).sort((x, y) => at[x]! - at[y]!);
      let o = 0;
      for (const j of live) {
        if (o + sizes[k]! <= at[j]!) break;
        o = Math.max(o, at[j]! + sizes[j]!);
      }
      at[k] = o;
      placed.push(k);
      total = Math.max(total, o + sizes[k]!);
    }
    return { at, total };
  }

  /** Grows memory to `need` bytes; false when that is impossible here. */
  function ensure(need: number): boolean {
    if (need > MAX_BYTES) return false;
    const have = memory.buffer.byteLength;
    if (need <= have) return true;
    try { memory.grow(Math.ceil((need - have) / PAGE)); return true; } catch { return false; }
  }

  /**
   * Places the buffers for these dims and fills the table. A decode loop changes a dim every run
   * (the cache length), so placement is done for the dims rounded up to a bucket (4 per octave,
   * within --max-shape bounds) and kept while every buffer still fits its slot: a new placement
   * every few steps instead of every step, for at most a quarter more memory per dim. Exact sizes
   * are used when the rounded-up ones cannot be allocated.
   */
  function prepare(env: Record<string, number>): void {
    // Computed dims are unknown before the run: buffers are sized with each at its bound, and the
    // table starts at the bound (kernels write the real value; a trap leaves a larger one: see finish).
    if (computed.length) {
      for (const c of computed) env[c.symbol] = c.bound ? evalPoly(c.bound, env) : planned[c.symbol]!;
      const slots = new Uint32Array(memory.buffer, meta.table, meta.symbols.length);
      for (const c of computed) slots[meta.symbols.indexOf(c.symbol)] = env[c.symbol]!;
    }
    const key = meta.symbols.map((x) => env[x]).join(',');
    if (key === lastKey) return;
    const rounded: Record<string, number> = {};
    for (const x of meta.symbols) rounded[x] = bucket(env[x]!, meta.maxDims?.[x]);
    const bucketKey = meta.symbols.map((x) => rounded[x]).join(',');
    const sizes = sizesAt(env);
    if (bucketKey !== lastBucket || sizes.some((n, k) => n > placedSizes[k]!)) {
      const roomy = sizesAt(rounded).map((n, k) => Math.max(n, sizes[k]!));
      let plan = placeBuffers(roomy);
      let planned = roomy;
      if (!ensure(meta.base + plan.total + 16)) { // vector tails may read 12 bytes past the last tensor
        plan = placeBuffers(sizes);
        planned = sizes;
        const need = meta.base + plan.total + 16;
        // The previous placement stays in force (placedSizes and offsets unchanged) for later runs.
        if (need > MAX_BYTES) throw new RuntimeError('OUT_OF_MEMORY', `dims ${describe(env)} need ${need} bytes of memory, more than wasm32's 4 GiB`);
        if (!ensure(need)) throw new RuntimeError('OUT_OF_MEMORY', `dims ${describe(env)} need ${need} bytes of memory, which cannot be allocated here`);
      }
      placedSizes = planned;
      offsets = plan.at;
      lastBucket = bucketKey;
    }
    const table = new Uint32Array(memory.buffer, meta.table, meta.symbols.length + offsets.length);
    meta.symbols.forEach((x, i) => { table[i] = env[x]!; });
    offsets.forEach((o, k) => { table[meta.symbols.length + k] = meta.base + o; });
    lastKey = key;
  }

  /**
   * After the run (or a trap): reads the computed dims into `env` for the outputs' dims. A value
   * above its bound is a kernel that refused a shape (a run-time k above the axis length): it
   * stopped before writing, and the run fails naming the node. A value above the plan of a dim
   * without a bound is a kernel that needs more memory: the plan grows (to the value rounded up,
   * kept for later runs) and the dims it grew are returned, for the caller to run again.
   */
  function finish(env: Record<string, number>, trapped: boolean): Grown[] {
    if (!computed.length) return [];
    const table = new Int32Array(memory.buffer, meta.table, meta.symbols.length);
    const grown: Grown[] = [];
    for (const c of computed) {
      const v = table[meta.symbols.indexOf(c.symbol)]!, bound = env[c.symbol]!;
      if (v === INCONSISTENT) {
        lastKey = '';
        throw new RuntimeError('SHAPE_MISMATCH', `${c.op} node '${c.node}': the run's input values give no valid output shape (e.g. a Reshape target whose element count differs from the input's, or dims that do not broadcast)`);
      }
      if (v < 0 || (v > bound && c.bound)) {
        lastKey = ''; // the table was overwritten: fill it again next run
        throw new RuntimeError('SHAPE_OUT_OF_BOUNDS', `${c.op} node '${c.node}': the run computed ${v} for its output dim '${c.symbol}', outside 0…${c.bound ? bound : 'the memory limit'} (the bound the memory was planned for)`);
      }
      if (v > bound) {
        grown.push({ symbol: c.symbol, node: c.node, op: c.op, value: v, before: planned[c.symbol]! });
        planned[c.symbol] = Math.min(bucket(v), 0x7fffffff); // the kernels read the plan as an i32
      }
      if (!trapped) env[c.symbol] = v;
    }
    if (grown.length) lastKey = '';
    return trapped ? grown : [];
  }

  const describe = (env: Record<string, number>) => meta.symbols.map((x) => `${x}=${env[x]}`).join(', ');

  /** A slot's dims, address and size for the bound dims. */
  function place(s: Slot, env: Record<string, number>, bytesPerElement: number): Placed {
    if (s.buffer === undefined) return { dims: s.dims as number[], offset: s.offset, byteLength: s.byteLength };
    const dims = s.shape!.map((p) => evalPoly(p, env));
    return { dims, offset: meta.base + offsets[s.buffer]!, byteLength: dims.reduce((a, d) => a * d, 1) * bytesPerElement };
  }

  /** Takes back plans that grew past what memory allows, so later runs with smaller values still work. */
  function revert(grown: Grown[]): void {
    for (const g of grown) planned[g.symbol] = g.before;
    lastKey = '';
  }

  return { bind, prepare, place, finish, revert, maxGrows: MAX_GROWS };
}
