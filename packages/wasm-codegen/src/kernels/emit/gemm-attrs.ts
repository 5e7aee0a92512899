// Gemm's transpose flags, read in one place: the kernel, its scratch sizing, the per-sample
// batching rule and the thread split all ask the same question.
import { Node, attrInt } from '@onnx2wasm/ir';

export const transposesA = (node: Node): boolean => attrInt(node, 'transA') !== 0;
export const transposesB = (node: Node): boolean => attrInt(node, 'transB') !== 0;
