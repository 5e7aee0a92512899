// The cuts of thread-split.ts, checked against the IR reference: every part, evaluated on its
// slices with its own attributes, gives exactly the rows (or heads) of the whole node's output it
// claims, and the parts together cover the output once.
import { describe, expect, it } from 'vitest';
import { Node, Tensor, getOp, makeTensor, sizeOf } from '@onnx2wasm/ir';
import { NodePart, OperandType, splitNode } from './thread-split.js';
import { completeWindowAttrs } from './testing/window-attrs.js';

function random(dims: number[], seed: number): Tensor {
  let s = seed;
  return makeTensor('float32', dims, Array.from({ length: sizeOf(dims) }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5));
}

/** The bytes [offset, offset + 4·prod(dims)) of t as a tensor of `dims`. */
const sliceOf = (t: Tensor, s: { dims: number[]; offset: number }) => makeTensor('float32', s.dims, (t.data as Float32Array).slice(s.offset / 4, s.offset / 4 + sizeOf(s.dims)));

function checkParts(n: Node, inputs: (Tensor | undefined)[], maxParts: number, expectParts?: number): NodePart[] {
  const op = getOp(n.op)!;
  const whole = op.evaluate(n, inputs)[0]!;
  const type = (t: Tensor | undefined): OperandType | undefined => t && { name: '', dtype: 'float32', dims: t.dims };
  const parts = splitNode(n, inputs.map(type), [type(whole)!], maxParts)!;
  // Without a count: at least 2 (the count also depends on MIN_PART_MACS).
  if (expectParts === undefined) expect(parts.length).toBeGreaterThanOrEqual(2);
  else expect(parts).toHaveLength(expectParts);
  const covered = new Float32Array(sizeOf(whole.dims));
  for (const p of parts) {
    const ins = inputs.map((t, i) => (t && p.inputs[i] ? sliceOf(t, p.inputs[i]!) : t));
    const got = op.evaluate(p.node, ins)[0]!;
    const out = p.outputs[0]!;
    expect(sizeOf(got.dims)).toBe(sizeOf(out.dims));
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(sliceOf(whole, out).data as Float32Array));
    covered.fill(1, out.offset / 4, out.offset / 4 + sizeOf(out.dims));
  }
  expect(covered.every((c) => c === 1)).toBe(true);
  return parts;
}

describe('thread-split', () => {
  it.each([
    ['3x3 pad 1', { pads: [1, 1, 1, 1] }, 3, 17, 32],
    ['3x3 stride 2, asymmetric pads', { pads: [0, 1, 1, 0], strides: [2, 2] }, 3, 23, 64],
    ['5x5 dilation 2', { pads: [4, 4, 4, 4], dilations: [2, 2] }, 5, 16, 32],
    ['1x1 stride 2', { strides: [2, 2] }, 1, 30, 128],
  ])('NhwcConv (%s): each part sees exactly its windows', (_, attrs, k, H, C) => {
    const M = C;
    const x = random([1, H, 16, C], 1), w = random([M, C, k, k], 2), b = random([M], 3);
    const n: Node = { name: 'conv', op: 'NhwcConv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: completeWindowAttrs('NhwcConv', { kernel_shape: [k, k], ...attrs }, x.dims) };
    const parts = checkParts(n, [x, w, b], 4);
    expect(parts[0]!.node.name).toBe('conv#0');
  });

  it('depthwise NhwcConv with a residual', () => {
    const C = 64;
    const x = random([1, 48, 48, C], 4), w = random([C, 1, 3, 3], 5), r = random([1, 48, 48, C], 6);
    const n: Node = { name: 'dw', op: 'NhwcConv', inputs: ['x', 'w', '', 'r'], outputs: ['y'], attrs: completeWindowAttrs('NhwcConv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: C }, x.dims) };
    checkParts(n, [x, w, undefined, r], 3);
  });

  it('MatMul rows with a bias and a residual, Gemm rows, Attention heads', () => {
    const a = random([1, 256, 96], 7), bm = random([96, 128], 8), bias = random([128], 9), res = random([1, 256, 128], 10);
    checkParts({ name: 'mm', op: 'MatMul', inputs: ['a', 'b', 'bias', 'r'], outputs: ['y'], attrs: {} }, [a, bm, bias, res], 4, 4);
    const ga = random([64, 256], 11), gb = random([96, 256], 12), gc = random([96], 13);
    checkParts({ name: 'g', op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs: { transA: 0, transB: 1, alpha: 0.5, beta: 1 } }, [ga, gb, gc], 2, 2);
    const q = random([1, 4, 128, 32], 14), k = random([1, 4, 128, 32], 15), v = random([1, 4, 128, 32], 16);
    checkParts({ name: 'att', op: 'Attention', inputs: ['q', 'k', 'v'], outputs: ['y'], attrs: { scale: 1 / Math.sqrt(32), is_causal: 0, causal_offset: 0, causal_from_nonpad: 0, softcap: 0, qk_matmul_output_mode: 0 } }, [q, k, v], 8, 4);
  });

  it('leaves small nodes, batches and weights-first products whole', () => {
    const t = (dims: number[]): OperandType => ({ name: '', dtype: 'float32', dims });
    const mm: Node = { name: 'mm', op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'], attrs: {} };
    expect(splitNode(mm, [t([4, 16]), t([16, 16])], [t([4, 16])], 4)).toBeUndefined();
    expect(splitNode(mm, [{ ...t([256, 256]), constant: random([256, 256], 1) }, t([256, 256])], [t([256, 256])], 4)).toBeUndefined();
    const conv: Node = { name: 'c', op: 'NhwcConv', inputs: ['x', 'w'], outputs: ['y'], attrs: completeWindowAttrs('NhwcConv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, [1, 56, 56, 64]) };
    expect(splitNode(conv, [t([2, 56, 56, 64]), t([64, 64, 3, 3])], [t([2, 56, 56, 64])], 4)).toBeUndefined();
    expect(splitNode(conv, [t([1, 56, 56, 64]), t([64, 64, 3, 3])], [t([1, 56, 56, 64])], 1)).toBeUndefined();
  });
});
