// Weights integrity: a module records the SHA-256 of the weights it was compiled with, and
// loadModel refuses weights with another hash (flipped bytes, zeros, another model's file of the
// same size), which would otherwise run and give plausible wrong answers. Web Crypto does the
// hashing where it exists (Node >= 20, browsers, Workers; it runs off the main thread in Node);
// the small fallback below is for engines without it (plain-http pages, some embedded runtimes).
import { RuntimeError } from './errors.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 of `bytes` as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (subtle && typeof subtle.digest === 'function') {
    // digest() refuses views of a SharedArrayBuffer; those get the fallback.
    if (!(typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer)) {
      return hex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
    }
  }
  return hex(sha256Fallback(bytes));
}

// FIPS 180-4 round constants: the first 32 bits of the fractional parts of the cube roots of the
// first 64 primes, and the initial hash: the same of the square roots of the first 8 primes.
function fractionBits(root: (p: number) => number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let p = 2, n = 0; n < count; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) { prime = false; break; }
    if (!prime) continue;
    const r = root(p);
    out[n++] = Math.floor((r - Math.floor(r)) * 2 ** 32);
  }
  return out;
}
let K: Uint32Array | undefined;
let H0: Uint32Array | undefined;

/** Plain SHA-256 for engines without Web Crypto. */
export function sha256Fallback(bytes: Uint8Array): Uint8Array {
  const k = (K ??= fractionBits(Math.cbrt, 64));
  const h = (H0 ??= fractionBits(Math.sqrt, 8)).slice();
  // Whole 64-byte blocks are read in place; the last partial block, the 0x80 marker and the
  // 64-bit big-endian length go into a padded copy of one or two blocks.
  const len = bytes.byteLength;
  const tailStart = len - (len % 64);
  const tail = new Uint8Array(len % 64 < 56 ? 64 : 128);
  tail.set(bytes.subarray(tailStart));
  tail[len - tailStart] = 0x80;
  const tailView = new DataView(tail.buffer);
  tailView.setUint32(tail.length - 8, Math.floor(len / 2 ** 29));
  tailView.setUint32(tail.length - 4, (len * 8) >>> 0);
  const w = new Int32Array(64);
  const compress = (src: Uint8Array, at: number) => {
    for (let i = 0; i < 16; i++, at += 4) w[i] = (src[at]! << 24) | (src[at + 1]! << 16) | (src[at + 2]! << 8) | src[at + 3]!;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!, y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + k[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a; h[1] = h[1]! + b; h[2] = h[2]! + c; h[3] = h[3]! + d;
    h[4] = h[4]! + e; h[5] = h[5]! + f; h[6] = h[6]! + g; h[7] = h[7]! + hh;
  };
  for (let at = 0; at < tailStart; at += 64) compress(bytes, at);
  for (let at = 0; at < tail.length; at += 64) compress(tail, at);
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  h.forEach((x, i) => ov.setUint32(4 * i, x));
  return out;
}

/** Throws WEIGHTS_MISMATCH unless `weights` hash to `expected`, naming both hashes. */
export async function checkWeights(weights: Uint8Array, expected: string): Promise<void> {
  let actual: string;
  try { actual = await sha256Hex(weights); } catch (e) {
    throw new RuntimeError('WEIGHTS_MISMATCH', `the weights cannot be hashed to check them (${(e as Error).message}); pass verifyWeights: false to skip the check`);
  }
  if (actual !== expected) {
    throw new RuntimeError('WEIGHTS_MISMATCH', `the weights are not the ones this module was compiled with (sha256 ${actual}, expected ${expected}): they are damaged or belong to another compile of the model`);
  }
}
