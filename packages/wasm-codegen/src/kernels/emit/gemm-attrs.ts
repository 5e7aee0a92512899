// Gemm's transpose flags (from its attribute record): the kernel, its scratch sizing, the
// per-sample batching rule and the thread split all ask the same question.
import { Node, gemmAttrs } from '@onnx2wasm/ir';

export const transposesA = (node: Node): boolean => gemmAttrs(node).transA;
export const transposesB = (node: Node): boolean => gemmAttrs(node).transB;
