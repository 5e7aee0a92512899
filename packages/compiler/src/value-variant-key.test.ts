// The merge key of value builds: negative axes are written as the axis they mean only when exactly
// one rank of the node's tensors gives the node its inferred types; otherwise builds stay apart.
import { describe, expect, it } from 'vitest';
import { parseGraph } from '@onnx2wasm/ir';
import { graphKey } from './value-variant-key.js';

const unsqueeze = (x: string, y: string, axes: string) => graphKey(parseGraph([
  `graph g(%x: float32[${x}]) -> (%y)`,
  `  %y: float32[${y}] = Unsqueeze(%x) {axes=[${axes}]}  # u`,
].join('\n')));

describe('graphKey', () => {
  it('counts an Unsqueeze axis from the output rank: [-1] on [2,3] is [2], not [1]', () => {
    expect(unsqueeze('2,3', '2,3,1', '-1')).toBe(unsqueeze('2,3', '2,3,1', '2'));
    expect(unsqueeze('2,3', '2,3,1', '-1')).not.toBe(unsqueeze('2,3', '2,1,3', '1'));
  });

  it('keeps a negative axis when two ranks fit the types ([-1] on [1] could be axis 0 or 1)', () => {
    expect(unsqueeze('1', '1,1', '-1')).not.toBe(unsqueeze('1', '1,1', '1'));
  });

  it('tells apart constants too large to print', () => {
    const withConst = (v: number) => {
      const g = parseGraph(['graph g(%x: float32[20]) -> (%y)', '  const %c: float32[20]', '  %y: float32[20] = Add(%x, %c)  # a'].join('\n'));
      (g.constants.get('c')!.data as Float32Array).fill(v);
      return graphKey(g);
    };
    expect(withConst(1)).not.toBe(withConst(2));
    expect(withConst(1)).toBe(withConst(1));
  });
});
