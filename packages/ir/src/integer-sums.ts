// Exact integer sums in float32. A quantized conv or matmul sums products of zero-point-centred
// 8-bit values; float32 holds every integer below 2^24 exactly, so a float32 kernel gives the exact
// int32 sum whatever its order of additions (and with or without FMA) as long as the sum of the
// products' magnitudes stays below 2^24. With the weights known at compile time that bound is
// computed per output channel; where one channel's bound is too big, the reduction is split into
// chunks of input channels whose partial sums are each exact (and are then added in int32).

/** 2^24: float32 represents every integer of smaller magnitude. */
export const FLOAT32_EXACT = 2 ** 24;

/** The largest |x - zero point| an 8-bit value can have. */
export function centredMax(dtype: 'int8' | 'uint8', zp: number): number {
  const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  return Math.max(zp - lo, hi - zp);
}

/**
 * Splits the `inner` input channels of each output channel's weights into runs whose products'
 * magnitudes sum below 2^24 (minus `slack` for an added bias) for every output channel. `absW(m, c)`
 * is sum over one input channel's taps of |w - zw| for output channel m. Returns the chunk bounds
 * [start, end) over input channels, or undefined when even one input channel alone is too big.
 */
export function exactChunks(outer: number, inner: number, absW: (m: number, c: number) => number, xMax: number, slack = 0): [number, number][] | undefined {
  const limit = FLOAT32_EXACT - slack;
  const chunks: [number, number][] = [];
  const sums = new Float64Array(outer);
  let start = 0;
  for (let c = 0; c < inner; c++) {
    let fits = true;
    for (let m = 0; m < outer && fits; m++) fits = (sums[m]! + absW(m, c)) * xMax < limit;
    if (!fits) {
      if (c === start) return undefined;
      chunks.push([start, c]);
      start = c;
      sums.fill(0);
    }
    for (let m = 0; m < outer; m++) sums[m]! += absW(m, c);
    if (sums.some((s) => s * xMax >= limit)) return undefined;
  }
  chunks.push([start, inner]);
  return chunks;
}
