// Case-level helpers over the shared seeded generator (mulberry32). Each fuzz case draws from its own generator, seeded from the
// campaign seed and the case number, so a case is reproducible without replaying the ones before it.
import { seededRandom } from '@onnx2wasm/ir';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: [item, weight] pairs. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

export function makeRng(seed: number): Rng {
  const next = seededRandom(seed);
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick(items) {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted(items) {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        if ((r -= w) < 0) return item;
      }
      return items[items.length - 1]![0];
    },
  };
  return rng;
}

/** The generator of case `index` in the campaign with seed `seed`. */
export function caseRng(seed: number, index: number): Rng {
  return makeRng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}
