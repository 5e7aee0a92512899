import { describe, expect, it } from 'vitest';
import { DType, Dim, makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

const ints = (v: number[]) => ({ dtype: 'int64' as const, shape: [v.length], constant: makeTensor('int64', [v.length], v) });

async function check(shape: Dim[], pads: number[], opts: { value?: number; axes?: number[]; mode?: string; dtype?: DType } = {}) {
  const dtype = opts.dtype ?? 'float32';
  const value = opts.value !== undefined ? makeTensor(dtype, [], [opts.value]) : undefined;
  const runs = RUN_SIZES.map((sz) => [concrete(dtype, shape, sz), ...(value ? [value] : [])]);
  const inputs = [{ dtype, shape }, ints(pads), value || opts.axes ? (value ? { dtype, shape: [] } : undefined) : undefined, opts.axes ? ints(opts.axes) : undefined];
  await checkDynamicKernel('Pad', inputs.slice(0, opts.axes ? 4 : value ? 3 : 2), { mode: opts.mode ?? 'constant' }, runs, { rtol: 0, atol: 0 });
}

describe('Pad with run-time dims', () => {
  // (Pad's inference gives a padded run-time axis no dim expression yet, so only static axes are padded.)
  it('pads static axes under run-time ones with zeros', () => check(['s', 'b', 5, 3], [0, 0, 2, 1, 0, 0, 3, 0]));
  it('pads with a run-time value (int64)', () => check([4, 's', 'b', 2], [2, 0, 0, 1, 0, 0, 0, 3], { value: -7, dtype: 'int64' }));
  it('pads chosen axes and crops a static one', () => check(['s', 9, 'b', 7], [2, -3, -1, 4], { axes: [1, 3], dtype: 'uint8' }));
  it('refuses edge mode with run-time dims', async () => {
    await expect(check(['s', 4], [1, 1], { mode: 'edge', axes: [1] })).rejects.toThrow(/run-time dims/);
  });
});
