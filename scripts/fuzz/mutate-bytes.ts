// Byte-level mutations of an encoded model: what a bad download, a disk error or a hostile file
// looks like to the protobuf decoder.
import type { Rng } from './rng.js';

export type ByteMutator = (bytes: Uint8Array, rng: Rng) => { bytes: Uint8Array; description: string };

/** Protobuf varint encoding of a non-negative integer below 2^53. */
export function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

const truncate: ByteMutator = (bytes, rng) => {
  const at = rng.chance(0.2) ? rng.int(Math.min(bytes.length, 64)) : rng.int(bytes.length);
  return { bytes: bytes.slice(0, at), description: `truncated to ${at} of ${bytes.length} bytes` };
};

const flip: ByteMutator = (bytes, rng) => {
  const out = bytes.slice();
  const count = rng.range(1, 16);
  // Most of a real model is weights; flips in the first KB hit the structure (graph, nodes, names).
  const span = rng.chance(0.6) ? Math.min(out.length, 1024) : out.length;
  for (let k = 0; k < count && out.length; k++) out[rng.int(span)]! ^= 1 << rng.int(8);
  return { bytes: out, description: `${count} bit flips in the first ${span} bytes` };
};

/** A length-delimited field that declares far more bytes than the file has. */
const hugeLength: ByteMutator = (bytes, rng) => {
  const field = rng.pick([7 /* graph */, 8 /* opset_import */, 14 /* metadata_props */, 25 /* functions */]);
  const length = rng.pick([2 ** 31 - 1, 2 ** 32 + 7, 2 ** 50, 0xffffffff]);
  const header = [...varint((field << 3) | 2), ...varint(length)];
  const tail = new Uint8Array(rng.range(0, 64)).map(() => rng.int(256));
  const out = new Uint8Array(bytes.length + header.length + tail.length);
  out.set(bytes);
  out.set(header, bytes.length);
  out.set(tail, bytes.length + header.length);
  return { bytes: out, description: `appended field ${field} declaring ${length} bytes` };
};

/** Overwrites a run with 0xff (varints that never end) or zeros. */
const smear: ByteMutator = (bytes, rng) => {
  const out = bytes.slice();
  const at = rng.int(Math.min(out.length, 4096));
  const len = rng.range(1, 32);
  const fill = rng.pick([0xff, 0x00, 0x80]);
  out.fill(fill, at, Math.min(at + len, out.length));
  return { bytes: out, description: `${len} bytes at ${at} set to 0x${fill.toString(16)}` };
};

export const BYTE_MUTATORS: Record<string, ByteMutator> = { truncate, flip, 'huge-length': hugeLength, smear };
