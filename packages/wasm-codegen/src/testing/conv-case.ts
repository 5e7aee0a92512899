// Test support for the convolution kernels (NCHW Conv and channels-last NhwcConv): one case
// description → random inputs and attributes, compiled and compared with the reference.
import { Attrs } from '@onnx2wasm/ir';
import { CodegenOptions } from '../generate-module.js';
import { KernelInput, compareTensors, randomTensor, rng, runKernel } from './kernel-harness.js';

export interface ConvCase {
  /** Input dims: [N, C, ...spatial] for Conv, [N, H, W, C] for NhwcConv. */
  x: number[];
  /** Output channels (default: the input's, as in a depthwise conv). */
  m?: number;
  k: number[];
  group?: number;
  strides?: number[]; pads?: number[]; dilations?: number[];
  bias?: boolean; runtimeWeights?: boolean; runtimeBias?: boolean; residual?: boolean;
  activation?: string; activation_params?: number[];
}

export function convCaseName(t: ConvCase): string {
  return `x [${t.x}]${t.m ? ` → ${t.m}` : ''} k [${t.k}]${t.group && t.group > 1 ? ` group ${t.group}` : ''} s [${t.strides ?? 1}] d [${t.dilations ?? 1}] pads [${t.pads ?? 0}]` +
    `${t.bias ? (t.runtimeBias || t.runtimeWeights ? ' run-time bias' : ' bias') : ''}${t.runtimeWeights ? ' run-time weights' : ''}` +
    `${t.residual ? ' + residual' : ''}${t.activation ? ` + ${t.activation}` : ''}`;
}

/**
 * Runs one case of `op` against its reference evaluate; returns compareTensors' verdict.
 * `atolOfMax` adds an absolute tolerance relative to max |expected| (Winograd F(4x4), whose error
 * scales with the largest output rather than with each one).
 */
export async function checkConvCase(op: 'Conv' | 'NhwcConv', t: ConvCase, seed: number, opts: CodegenOptions & { rtol?: number; atol?: number; atolOfMax?: number } = {}) {
  const r = rng(seed);
  const C = op === 'Conv' ? t.x[1]! : t.x[3]!, M = t.m ?? C, group = t.group ?? 1;
  const inputs: (KernelInput | undefined)[] = [
    { tensor: randomTensor('float32', t.x, r) },
    { tensor: randomTensor('float32', [M, C / group, ...t.k], r), constant: !t.runtimeWeights },
    t.bias ? { tensor: randomTensor('float32', [M], r), constant: !(t.runtimeBias || t.runtimeWeights) } : undefined,
  ];
  const attrs: Attrs = { group, kernel_shape: t.k };
  for (const key of ['strides', 'pads', 'dilations', 'activation', 'activation_params'] as const) if (t[key] !== undefined) attrs[key] = t[key]!;
  if (t.residual) {
    // The residual has the output's shape: take it from a first run.
    const probe = await runKernel(op, inputs, attrs);
    inputs.push({ tensor: randomTensor('float32', probe.expected[0]!.dims, r) });
  }
  const { actual, expected } = await runKernel(op, inputs, attrs, opts);
  const maxRef = Math.max(0, ...Array.from(expected[0]!.data as Float32Array, Math.abs));
  return compareTensors(actual[0]!, expected[0]!, opts.rtol ?? 1e-5, Math.max(opts.atol ?? 1e-5, (opts.atolOfMax ?? 0) * maxRef));
}
