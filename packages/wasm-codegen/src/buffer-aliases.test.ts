import { describe, expect, it } from 'vitest';
import { parseGraph } from '@onnx2wasm/ir';
import { bufferAliases } from './buffer-aliases.js';
import { generateModule } from './generate-module.js';
import { runGraph } from './testing/kernel-harness.js';
import './kernels/index.js';

const text = [
  'graph g(%x: float32[3,5]) -> (%y)',
  '  const %one: float32[] = [1]',
  '  const %shape: int64[1] = [15]',
  '  %a: float32[3,5] = Add(%x, %one)  # add',
  '  %r: float32[15] = Reshape(%a, %shape) {allowzero=0}  # view',
  '  %b: float32[15] = Relu(%r)  # relu',
  '  %c: float32[15] = Neg(%b)  # neg',
  '  %y: float32[15] = Sigmoid(%c)  # sig',
].join('\n');

describe('buffer aliases', () => {
  it('views share their input; elementwise ops overwrite inputs nobody reads later', () => {
    const g = parseGraph(text);
    const { aliases, views } = bufferAliases(g);
    expect([...views]).toEqual(['r']);
    expect(aliases.get('b')).toBe('r'); // r (and so a) is dead after relu
    expect(aliases.get('c')).toBe('b');
    expect(aliases.has('y')).toBe(false); // graph outputs keep their own buffer
    expect(aliases.has('a')).toBe(false); // x is a graph input: never overwritten
    expect(generateModule(g).plan.arenaBytes).toBe(3 * 64); // x, the shared a/r/b/c buffer, y
  });
  it('computes the same result in place', async () => {
    const g = parseGraph(text);
    const x = Float32Array.from({ length: 15 }, (_, i) => i - 7);
    const [y] = await runGraph(g, [{ dtype: 'float32', dims: [3, 5], data: x }]);
    Array.from(x, (v) => 1 / (1 + Math.exp(Math.max(v + 1, 0)))).forEach((want, i) => expect((y!.data as Float32Array)[i]).toBeCloseTo(want, 6));
  });
});
