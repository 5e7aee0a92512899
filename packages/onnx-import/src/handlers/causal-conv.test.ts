// CausalConvWithState's expansion: outputs look back only, past_state prefixes the input, and
// present_state is the last K - 1 steps of the prefixed input.
import { describe, expect, it } from 'vitest';
import { makeTensor, toNumbers } from '@onnx2wasm/ir';
import { evaluateNode } from './evaluate-node.js';

describe('CausalConvWithState', () => {
  const input = makeTensor('float32', [1, 1, 3], [1, 2, 3]);
  const weight = makeTensor('float32', [1, 1, 3], [100, 10, 1]);

  it('zero-pads without past_state', () => {
    const [y, state] = evaluateNode('CausalConvWithState', 27, { input, weight }, ['y', 'state']);
    expect(toNumbers(y!)).toEqual([1, 12, 123]);
    expect(toNumbers(state!)).toEqual([2, 3]);
  });

  it('prefixes past_state and adds the bias', () => {
    const bias = makeTensor('float32', [1], [0.5]);
    const past = makeTensor('float32', [1, 1, 2], [7, 8]);
    const [y, state] = evaluateNode('CausalConvWithState', 27, { input, weight, bias, past }, ['y', 'state']);
    expect(toNumbers(y!)).toEqual([781.5, 812.5, 123.5]);
    expect(toNumbers(state!)).toEqual([2, 3]);
  });
});
