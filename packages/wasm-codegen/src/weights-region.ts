// The weights region of the module's memory: each constant placed once, 16-byte aligned. Variants
// share a weight by key; equal bytes under different keys (an initializer the exporter stored
// twice, a tied embedding with the same layout) share one copy, since weights are read-only.
import { Tensor } from '@onnx2wasm/ir';
import { align16 } from './variant-plan.js';

function tensorBytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Length and FNV-1a hash of the bytes: the bucket of weights that may be equal. */
function contentDigest(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.byteLength; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return `${b.byteLength}:${h >>> 0}`;
}

export class WeightsRegion {
  private readonly chunks: Uint8Array[] = [];
  private readonly placed = new Map<string, { addr: number; src: Tensor | Uint8Array; bytes: Uint8Array }>();
  private readonly byContent = new Map<string, { addr: number; bytes: Uint8Array }[]>();
  /** The address past the last weight. */
  end: number;

  constructor(readonly base: number) {
    this.end = base;
  }

  /** The address of `data` in memory, placing it on first use. */
  add(data: Tensor | Uint8Array, key?: string): number {
    const bytes = data instanceof Uint8Array ? data : tensorBytes(data);
    // Variants share weights by key; a key whose bytes differ (a value folded per variant) gets its own.
    for (let k = key, n = 1; k !== undefined; k = `${key}#${n++}`) {
      const hit = this.placed.get(k);
      if (!hit) { key = k; break; }
      if (hit.src === data || sameBytes(hit.bytes, bytes)) return hit.addr;
    }
    const digest = contentDigest(bytes);
    const same = this.byContent.get(digest)?.find((w) => sameBytes(w.bytes, bytes));
    if (same) {
      if (key) this.placed.set(key, { addr: same.addr, src: data, bytes });
      return same.addr;
    }
    const addr = this.end;
    this.byContent.set(digest, [...(this.byContent.get(digest) ?? []), { addr, bytes }]);
    const padded = align16(bytes.byteLength);
    const chunk = new Uint8Array(padded);
    chunk.set(bytes);
    this.chunks.push(chunk);
    this.end += padded;
    if (key) this.placed.set(key, { addr, src: data, bytes });
    return addr;
  }

  /** The region's bytes, as the weights file holds them. */
  bytes(): Uint8Array {
    const weights = new Uint8Array(this.end - this.base);
    let p = 0;
    for (const c of this.chunks) { weights.set(c, p); p += c.byteLength; }
    return weights;
  }
}
