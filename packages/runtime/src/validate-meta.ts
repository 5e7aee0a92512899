// Checks a module's metadata before the runtime trusts it for addresses and sizes: a .wasm from a
// mixed-up deployment or a damaged file must fail with INVALID_MODULE, not with a RangeError
// deep inside run(), and never read or write outside the tensor it names.
import { RuntimeError } from './errors.js';
import { ARRAYS, DType } from './tensor.js';
import type { ValueCondition } from './value-variants.js';

/** A size or dim as a polynomial over the symbols: terms of [coefficient, ...symbols]. */
export type Poly = [number, ...string[]][];
/** A variant's symbolic dims: its symbols, the dims table the kernels read, its run-time buffers. */
export interface DynamicMeta {
  symbols: string[];
  table: number;
  base: number;
  buffers: { name: string; bytes: Poly; first: number; last: number }[];
  maxDims?: Record<string, number>;
  /**
   * Dims a kernel computes during the run (NonZero's count), bounded by a polynomial over earlier
   * symbols; without a bound (a Reshape target read from a tensor), planned at a value the runtime grows.
   */
  computed?: { symbol: string; bound?: Poly; node: string; op: string }[];
}
/** A graph input or output; with `buffer`, its dims are symbolic and its place is decided per run. */
export interface Slot { name: string; dtype: DType; dims: (number | string)[]; offset: number; byteLength: number; buffer?: number; shape?: Poly[] }
export interface Meta {
  dynamic?: DynamicMeta;
  variants?: { when: Record<string, number>; whenValues?: ValueCondition; run: string; inputs: Slot[]; outputs: Slot[]; dynamic?: DynamicMeta }[];
  whenValues?: ValueCondition;
  format: number;
  inputs: Slot[];
  outputs: Slot[];
  weights: { offset: number; byteLength: number; embedded: boolean; sha256?: string };
  memory: { pages: number };
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(what: string): never {
  throw new RuntimeError('INVALID_MODULE', `the module's onnx2wasm metadata is damaged (${what}); recompile the model with this version`);
}

function checkRange(what: string, offset: unknown, byteLength: unknown, memoryBytes: number): void {
  if (!isCount(offset) || !isCount(byteLength)) invalid(`${what}: offset ${String(offset)}, byteLength ${String(byteLength)}`);
  if (offset + byteLength > memoryBytes) invalid(`${what} ends at byte ${offset + byteLength}, past the ${memoryBytes} bytes of memory`);
}

const isPoly = (p: unknown): boolean => Array.isArray(p) && p.every((t) => Array.isArray(t) && Number.isSafeInteger(t[0]) && t.slice(1).every((x: unknown) => typeof x === 'string'));

function checkDynamic(d: unknown, memoryBytes: number): number {
  if (d === undefined) return 0;
  if (!isObject(d) || !Array.isArray(d.symbols) || !d.symbols.every((x) => typeof x === 'string') || !Array.isArray(d.buffers)) invalid('damaged dynamic-dims entry');
  if (!d.buffers.every((b) => isObject(b) && isPoly(b.bytes) && Number.isSafeInteger(b.first) && Number.isSafeInteger(b.last))) invalid('damaged run-time buffer list');
  checkRange('the dims table', d.table, 4 * (d.symbols.length + d.buffers.length), memoryBytes);
  if (!isCount(d.base) || d.base < (d.table as number) + 4 * (d.symbols.length + d.buffers.length)) invalid('run-time buffers overlap the dims table');
  if (d.maxDims !== undefined && (!isObject(d.maxDims) || !Object.values(d.maxDims).every(isCount))) invalid('damaged dim bounds');
  const symbols = d.symbols as string[];
  if (d.computed !== undefined && (!Array.isArray(d.computed) || !d.computed.every((c) => isObject(c) && symbols.includes(c.symbol as string) && (c.bound === undefined || isPoly(c.bound)) && typeof c.node === 'string' && typeof c.op === 'string'))) invalid('damaged run-time dim list');
  return d.buffers.length;
}

function checkSlots(kind: string, slots: unknown, memoryBytes: number, buffers: number): void {
  if (!Array.isArray(slots)) invalid(`${kind} is not a list`);
  const seen = new Set<string>();
  for (const s of slots as unknown[]) {
    if (!isObject(s) || typeof s.name !== 'string') invalid(`a slot of ${kind} has no name`);
    const where = `${kind} '${s.name}'`;
    if (seen.has(s.name)) invalid(`${where} is listed twice`);
    seen.add(s.name);
    const Ctor = typeof s.dtype === 'string' && Object.hasOwn(ARRAYS, s.dtype) ? ARRAYS[s.dtype as DType] : undefined;
    if (!Ctor) invalid(`${where} has unknown dtype ${JSON.stringify(s.dtype)}`);
    if (s.buffer !== undefined) {
      if (!isCount(s.buffer) || s.buffer >= buffers || !Array.isArray(s.shape) || s.shape.length !== (s.dims as unknown[])?.length || !s.shape.every(isPoly)) invalid(`${where} has a damaged run-time placement`);
      continue;
    }
    if (!Array.isArray(s.dims) || !s.dims.every(isCount)) invalid(`${where} has dims ${JSON.stringify(s.dims)}`);
    const elements = (s.dims as number[]).reduce((a, d) => a * d, 1);
    if (s.byteLength !== elements * Ctor.BYTES_PER_ELEMENT) invalid(`${where}: byteLength ${String(s.byteLength)} does not fit dims [${s.dims}]`);
    checkRange(where, s.offset, s.byteLength, memoryBytes);
  }
}

/** Value conditions name static inputs, with parallel lists of values as long as the input has elements. */
function checkValues(cond: unknown, inputs: Slot[]): void {
  if (cond === undefined) return;
  if (!isObject(cond) || new Set(Object.values(cond).map((l) => (Array.isArray(l) ? l.length : -1))).size > 1) invalid('damaged value condition');
  for (const [name, tuples] of Object.entries(cond)) {
    const s = inputs.find((x) => x.name === name);
    if (!s || s.buffer !== undefined) invalid(`a value condition names '${name}', not an input with static dims`);
    const n = (s.dims as number[]).reduce((a, d) => a * d, 1);
    if (!Array.isArray(tuples) || !tuples.every((t) => Array.isArray(t) && t.length === n && t.every((x) => Number.isSafeInteger(x)))) invalid(`damaged value condition for '${name}'`);
  }
}

/** Validates parsed metadata against the instance's memory size; returns it typed. */
export function validateMeta(raw: unknown, memoryBytes: number): Meta {
  if (!isObject(raw)) invalid('not an object');
  if (raw.format !== 1) invalid(`format ${JSON.stringify(raw.format)}, this runtime reads format 1`);
  const buffers = checkDynamic(raw.dynamic, memoryBytes);
  checkSlots('input', raw.inputs, memoryBytes, buffers);
  checkSlots('output', raw.outputs, memoryBytes, buffers);
  const w = raw.weights;
  if (!isObject(w) || typeof w.embedded !== 'boolean') invalid('no weights entry');
  checkRange('the weights region', w.offset, w.byteLength, memoryBytes);
  // Modules from before weights were hashed have none; a present one must be a SHA-256.
  if (w.sha256 !== undefined && (typeof w.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(w.sha256))) invalid('damaged weights hash');
  if (!isObject(raw.memory) || !isCount(raw.memory.pages)) invalid('no memory entry');
  checkValues(raw.whenValues, raw.inputs as Slot[]);
  if (raw.variants !== undefined) {
    if (!Array.isArray(raw.variants)) invalid('variants is not a list');
    for (const v of raw.variants as unknown[]) {
      if (!isObject(v) || typeof v.run !== 'string' || !isObject(v.when) || !Object.values(v.when).every(isCount)) invalid('damaged variant entry');
      const n = checkDynamic(v.dynamic, memoryBytes);
      checkSlots(`variant ${v.run} input`, v.inputs, memoryBytes, n);
      checkSlots(`variant ${v.run} output`, v.outputs, memoryBytes, n);
      checkValues(v.whenValues, raw.inputs as Slot[]);
    }
  }
  return raw as unknown as Meta;
}
