// Damages a compiled module the way a mixed-up deployment does: metadata from a different build,
// fields missing or out of range, weights of the wrong size. loadModel must answer with a
// RuntimeError (or load, if the damage is harmless), never a TypeError or RangeError.
import { Rng } from './rng.js';
import { varint } from './mutate-bytes.js';

const SECTION = 'onnx2wasm';

function readVarint(b: Uint8Array, at: number): [number, number] {
  let v = 0, shift = 1, p = at;
  for (;;) {
    const byte = b[p++]!;
    v += (byte & 0x7f) * shift;
    if (byte < 0x80) return [v, p];
    shift *= 128;
  }
}

/** Replaces the payload of the module's onnx2wasm custom section (appends one if there is none). */
export function replaceMetaSection(wasm: Uint8Array, payload: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [wasm.subarray(0, 8)];
  let p = 8;
  while (p < wasm.length) {
    const start = p;
    const id = wasm[p++]!;
    const [size, body] = readVarint(wasm, p);
    p = body + size;
    if (id === 0) {
      const [nameLen, nameAt] = readVarint(wasm, body);
      if (new TextDecoder().decode(wasm.subarray(nameAt, nameAt + nameLen)) === SECTION) continue;
    }
    parts.push(wasm.subarray(start, p));
  }
  const name = new TextEncoder().encode(SECTION);
  const content = [...varint(name.length), ...name, ...payload];
  parts.push(new Uint8Array([0, ...varint(content.length), ...content]));
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of parts) { out.set(x, o); o += x.length; }
  return out;
}

type Json = Record<string, unknown>;

function damageMeta(meta: Json, rng: Rng): string {
  const slots = [...((meta.inputs as Json[]) ?? []), ...((meta.outputs as Json[]) ?? [])];
  const slot = slots.length ? rng.pick(slots) : undefined;
  switch (rng.int(8)) {
    case 0: { const k = rng.pick(['inputs', 'outputs', 'weights', 'memory']); delete meta[k]; return `metadata without '${k}'`; }
    case 1: meta.format = 2; return 'metadata format 2';
    case 2: if (slot) { slot.offset = rng.pick([2 ** 32, -16, 1e300, 'x']); return `slot '${slot.name}' offset ${slot.offset}`; } return 'no slot to damage';
    case 3: if (slot) { slot.byteLength = rng.pick([-4, 2 ** 31, 3]); return `slot '${slot.name}' byteLength ${slot.byteLength}`; } return 'no slot to damage';
    case 4: if (slot) { slot.dtype = rng.pick(['complex64', 'string', 7]); return `slot '${slot.name}' dtype ${slot.dtype}`; } return 'no slot to damage';
    case 5: if (slot) { slot.dims = rng.pick([null, 'x', [-1], [2 ** 40]]); return `slot '${slot.name}' dims ${JSON.stringify(slot.dims)}`; } return 'no slot to damage';
    case 6: meta.weights = { ...(meta.weights as Json), offset: rng.pick([2 ** 33, -1]) }; return 'weights offset out of memory';
    default: meta.inputs = rng.pick([{}, 'x', [null], [{ name: 7 }]]); return 'inputs not a list of slots';
  }
}

export interface Damaged { wasm: Uint8Array; weights: Uint8Array; what: string }

export function corruptModule(wasm: Uint8Array, weights: Uint8Array, meta: Json, rng: Rng): Damaged {
  switch (rng.int(3)) {
    case 0: return { wasm, weights: weights.subarray(0, Math.max(0, weights.length - rng.range(1, 8))), what: 'weights cut short' };
    case 1: return { wasm: replaceMetaSection(wasm, new TextEncoder().encode(rng.pick(['', '{', 'null', '[]', '{"format":1}']))), weights, what: 'metadata not usable JSON' };
    default: {
      const copy = JSON.parse(JSON.stringify(meta)) as Json;
      const what = damageMeta(copy, rng);
      return { wasm: replaceMetaSection(wasm, new TextEncoder().encode(JSON.stringify(copy))), weights, what };
    }
  }
}
