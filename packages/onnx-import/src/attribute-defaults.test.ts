import { describe, expect, it } from 'vitest';
import { attributeDefaults, withAttributeDefaults } from './attribute-defaults.js';

describe('ONNX attribute defaults', () => {
  it('follow the opset: Softmax axis is 1 before opset 13 and -1 from it', () => {
    expect(attributeDefaults('', 'Softmax', 11)).toEqual({ axis: 1 });
    expect(attributeDefaults('ai.onnx', 'Softmax', 13)).toEqual({ axis: -1 });
    expect(attributeDefaults('', 'ScatterElements', 11)).toEqual({ axis: 0, reduction: 'none' });
    expect(attributeDefaults('', 'LayerNormalization', 17)).toEqual({ axis: -1, epsilon: 1e-5, stash_type: 1 });
  });
  it('fill only what the node leaves out, and nothing outside ai.onnx', () => {
    expect(withAttributeDefaults('', 'Gemm', 13, { transB: 1 })).toEqual({ alpha: 1, beta: 1, transA: 0, transB: 1 });
    expect(withAttributeDefaults('com.microsoft', 'Gemm', 13, {})).toEqual({});
    const attrs = { axis: 2 };
    expect(withAttributeDefaults('', 'Softmax', 13, attrs)).toBe(attrs);
  });
});
