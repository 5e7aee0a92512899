// Every ONNX attribute default, in one place: the importer writes them onto each node before its
// handler runs, so the IR carries explicit values and no later layer (ir, optimizer, wasm-codegen)
// defaults an attribute. Generated once from the ONNX operator schemas (onnx 1.23,
// `onnx.defs.get_schema(op, opset).attributes[name].default_value`, floats as their shortest
// float32 form); a row lists an op's defaults from the opset it took effect (a new row only where
// ONNX changed them). Attributes whose default depends on the inputs (Conv's strides and pads,
// Transpose's perm, Attention's scale) are not here: their handlers write them; nor are the
// activations' parameters, which come from the IR's table of elementwise functions (below). Two slips of the
// schemas are corrected: GRU-1's direction 'foward', and RNN's activations [Tanh, Tanh] (one Tanh
// per direction: recurrent.ts writes it).
import { Attrs, BINARY_FUNCTIONS, ELEMENTWISE_FUNCTIONS, UNARY_FUNCTIONS } from '@onnx2wasm/ir';

type Row = [sinceOpset: number, defaults: Attrs];

const DEFAULTS: Record<string, Row[]> = {
  Add: [[1, { broadcast: 0 }], [7, {}]],
  AffineGrid: [[20, { align_corners: 0 }]],
  And: [[1, { broadcast: 0 }], [7, {}]],
  ArgMax: [[1, { axis: 0, keepdims: 1 }], [12, { axis: 0, keepdims: 1, select_last_index: 0 }]],
  ArgMin: [[1, { axis: 0, keepdims: 1 }], [12, { axis: 0, keepdims: 1, select_last_index: 0 }]],
  Attention: [[23, { is_causal: 0, qk_matmul_output_mode: 0, softcap: 0.0 }], [25, { is_causal: 0, left_window_size: -1, qk_matmul_output_mode: 0, right_window_size: -1, softcap: 0.0 }]],
  AveragePool: [[1, { auto_pad: 'NOTSET' }], [7, { auto_pad: 'NOTSET', count_include_pad: 0 }], [10, { auto_pad: 'NOTSET', ceil_mode: 0, count_include_pad: 0 }]],
  BatchNormalization: [[1, { epsilon: 1e-05, is_test: 0, momentum: 0.9, spatial: 1 }], [7, { epsilon: 1e-05, momentum: 0.9, spatial: 1 }], [9, { epsilon: 1e-05, momentum: 0.9 }], [14, { epsilon: 1e-05, momentum: 0.9, training_mode: 0 }]],
  BlackmanWindow: [[17, { output_datatype: 1, periodic: 1 }]],
  Cast: [[1, {}], [19, { saturate: 1 }], [24, { round_mode: 'up', saturate: 1 }]],
  CastLike: [[15, {}], [19, { saturate: 1 }], [24, { round_mode: 'up', saturate: 1 }]],
  CausalConvWithState: [[27, { activation: 'none' }]],
  Clip: [[1, {}], [6, { max: 3.4028235e+38, min: -3.4028235e+38 }], [11, {}]],
  ConcatFromSequence: [[11, { new_axis: 0 }]],
  Conv: [[1, { auto_pad: 'NOTSET', group: 1 }]],
  ConvInteger: [[10, { auto_pad: 'NOTSET', group: 1 }]],
  ConvTranspose: [[1, { auto_pad: 'NOTSET', group: 1 }]],
  CumProd: [[26, { exclusive: 0, reverse: 0 }]],
  CumSum: [[11, { exclusive: 0, reverse: 0 }]],
  DFT: [[17, { axis: 1, inverse: 0, onesided: 0 }], [20, { inverse: 0, onesided: 0 }]],
  DeformConv: [[19, { group: 1, offset_group: 1 }]],
  DepthToSpace: [[1, {}], [11, { mode: 'DCR' }]],
  DequantizeLinear: [[10, {}], [13, { axis: 1 }], [21, { axis: 1, block_size: 0 }], [23, { axis: 1, block_size: 0, output_dtype: 0 }]],
  Div: [[1, { broadcast: 0 }], [7, {}]],
  Dropout: [[1, { is_test: 0, ratio: 0.5 }], [7, { ratio: 0.5 }], [12, {}]],
  Equal: [[1, { broadcast: 0 }], [7, {}]],
  EyeLike: [[9, { k: 0 }]],
  Flatten: [[1, { axis: 1 }]],
  GRU: [[1, { direction: 'forward', output_sequence: 0 }], [3, { direction: 'forward', linear_before_reset: 0, output_sequence: 0 }], [7, { direction: 'forward', linear_before_reset: 0 }], [14, { direction: 'forward', layout: 0, linear_before_reset: 0 }]],
  Gather: [[1, { axis: 0 }]],
  GatherElements: [[11, { axis: 0 }]],
  GatherND: [[11, {}], [12, { batch_dims: 0 }]],
  Gelu: [[20, { approximate: 'none' }]],
  Gemm: [[1, { alpha: 1.0, beta: 1.0, broadcast: 0, transA: 0, transB: 0 }], [7, { alpha: 1.0, beta: 1.0, transA: 0, transB: 0 }]],
  GlobalLpPool: [[1, { p: 2.0 }]],
  Greater: [[1, { broadcast: 0 }], [7, {}]],
  GridSample: [[16, { align_corners: 0, mode: 'bilinear', padding_mode: 'zeros' }], [20, { align_corners: 0, mode: 'linear', padding_mode: 'zeros' }]],
  GroupNormalization: [[18, { epsilon: 1e-05 }], [21, { epsilon: 1e-05, stash_type: 1 }]],
  HammingWindow: [[17, { output_datatype: 1, periodic: 1 }]],
  HannWindow: [[17, { output_datatype: 1, periodic: 1 }]],
  Hardmax: [[1, { axis: 1 }], [13, { axis: -1 }]],
  ImageDecoder: [[20, { pixel_format: 'RGB' }]],
  InstanceNormalization: [[1, { epsilon: 1e-05 }]],
  IsInf: [[10, { detect_negative: 1, detect_positive: 1 }]],
  LRN: [[1, { alpha: 0.0001, beta: 0.75, bias: 1.0 }]],
  LSTM: [[1, { direction: 'forward', input_forget: 0, output_sequence: 0 }], [7, { direction: 'forward', input_forget: 0 }], [14, { direction: 'forward', input_forget: 0, layout: 0 }]],
  LayerNormalization: [[17, { axis: -1, epsilon: 1e-05, stash_type: 1 }]],
  Less: [[1, { broadcast: 0 }], [7, {}]],
  LinearAttention: [[27, { chunk_size: 64, scale: 0.0, update_rule: 'gated_delta' }]],
  LogSoftmax: [[1, { axis: 1 }], [13, { axis: -1 }]],
  LpNormalization: [[1, { axis: -1, p: 2 }]],
  LpPool: [[1, { auto_pad: 'NOTSET', p: 2.0 }], [18, { auto_pad: 'NOTSET', ceil_mode: 0, p: 2 }]],
  MaxPool: [[1, { auto_pad: 'NOTSET' }], [8, { auto_pad: 'NOTSET', storage_order: 0 }], [10, { auto_pad: 'NOTSET', ceil_mode: 0, storage_order: 0 }]],
  MaxRoiPool: [[1, { spatial_scale: 1.0 }]],
  MeanVarianceNormalization: [[9, { axes: [0, 2, 3] }]],
  MelWeightMatrix: [[17, { output_datatype: 1 }]],
  Mod: [[10, { fmod: 0 }]],
  Mul: [[1, { broadcast: 0 }], [7, {}]],
  Multinomial: [[7, { dtype: 6, sample_size: 1 }]],
  NegativeLogLikelihoodLoss: [[12, { reduction: 'mean' }]],
  NonMaxSuppression: [[10, { center_point_box: 0 }]],
  OneHot: [[9, { axis: -1 }]],
  Or: [[1, { broadcast: 0 }], [7, {}]],
  Pad: [[1, { mode: 'constant', value: 0.0 }], [11, { mode: 'constant' }]],
  Pow: [[1, { broadcast: 0 }], [7, {}]],
  QLinearConv: [[10, { auto_pad: 'NOTSET', group: 1 }]],
  QuantizeLinear: [[10, {}], [13, { axis: 1 }], [19, { axis: 1, saturate: 1 }], [21, { axis: 1, block_size: 0, output_dtype: 0, saturate: 1 }], [23, { axis: 1, block_size: 0, output_dtype: 0, precision: 0, saturate: 1 }]],
  RMSNormalization: [[23, { axis: -1, epsilon: 1e-05, stash_type: 1 }]],
  RNN: [[1, { direction: 'forward', output_sequence: 0 }], [7, { direction: 'forward' }], [14, { direction: 'forward', layout: 0 }]],
  RandomNormal: [[1, { dtype: 1, mean: 0.0, scale: 1.0 }]],
  RandomNormalLike: [[1, { mean: 0.0, scale: 1.0 }]],
  RandomUniform: [[1, { dtype: 1, high: 1.0, low: 0.0 }]],
  RandomUniformLike: [[1, { high: 1.0, low: 0.0 }]],
  Range: [[11, {}], [27, { stash_type: 1 }]],
  ReduceL1: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceL2: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceLogSum: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceLogSumExp: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceMax: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceMean: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceMin: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceProd: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceSum: [[1, { keepdims: 1 }], [13, { keepdims: 1, noop_with_empty_axes: 0 }]],
  ReduceSumSquare: [[1, { keepdims: 1 }], [18, { keepdims: 1, noop_with_empty_axes: 0 }]],
  Reshape: [[1, {}], [14, { allowzero: 0 }]],
  Resize: [[10, { mode: 'nearest' }], [11, { coordinate_transformation_mode: 'half_pixel', cubic_coeff_a: -0.75, exclude_outside: 0, extrapolation_value: 0.0, mode: 'nearest', nearest_mode: 'round_prefer_floor' }], [18, { antialias: 0, coordinate_transformation_mode: 'half_pixel', cubic_coeff_a: -0.75, exclude_outside: 0, extrapolation_value: 0.0, keep_aspect_ratio_policy: 'stretch', mode: 'nearest', nearest_mode: 'round_prefer_floor' }]],
  ReverseSequence: [[10, { batch_axis: 1, time_axis: 0 }]],
  RoiAlign: [[10, { mode: 'avg', output_height: 1, output_width: 1, sampling_ratio: 0, spatial_scale: 1.0 }], [16, { coordinate_transformation_mode: 'half_pixel', mode: 'avg', output_height: 1, output_width: 1, sampling_ratio: 0, spatial_scale: 1.0 }]],
  RotaryEmbedding: [[23, { interleaved: 0, rotary_embedding_dim: 0 }]],
  STFT: [[17, { onesided: 1 }]],
  Scatter: [[9, { axis: 0 }]],
  ScatterElements: [[11, { axis: 0 }], [16, { axis: 0, reduction: 'none' }]],
  ScatterND: [[11, {}], [16, { reduction: 'none' }]],
  Shape: [[1, {}], [15, { start: 0 }]],
  Softmax: [[1, { axis: 1 }], [13, { axis: -1 }]],
  SoftmaxCrossEntropyLoss: [[12, { reduction: 'mean' }]],
  SpaceToDepth: [[1, {}], [28, { mode: 'DCR' }]],
  Split: [[1, {}], [2, { axis: 0 }]],
  SplitToSequence: [[11, { axis: 0, keepdims: 1 }]],
  StringNormalizer: [[10, { case_change_action: 'NONE', is_case_sensitive: 0 }]],
  Sub: [[1, { broadcast: 0 }], [7, {}]],
  SwiGLU: [[28, { alpha: 1.0 }]],
  Swish: [[24, { alpha: 1.0 }]],
  TensorScatter: [[24, { axis: -2, mode: 'linear' }]],
  TopK: [[1, { axis: -1 }], [11, { axis: -1, largest: 1, sorted: 1 }]],
  Trilu: [[14, { upper: 1 }]],
  Unique: [[11, { sorted: 1 }]],
  Upsample: [[1, { mode: 'nearest' }]],
  Xor: [[1, { broadcast: 0 }], [7, {}]],
};

/**
 * The ONNX defaults of `opType`'s attributes at `opset` (empty for ops outside ai.onnx or without
 * defaults). An attribute a later opset added (ArgMax's select_last_index, Cast's saturate, the
 * scatters' reduction) gets its first default too: the IR ops follow the newest ONNX semantics,
 * and that default is the behaviour of the opsets before it.
 */
export function attributeDefaults(domain: string, opType: string, opset: number): Attrs {
  if (domain !== '' && domain !== 'ai.onnx') return {};
  const rows = DEFAULTS[opType] ?? [];
  const current = rows.filter(([since]) => since <= opset).at(-1)?.[1] ?? {};
  const found: Attrs = { ...current };
  for (const [since, defaults] of rows) {
    if (since <= opset) continue;
    for (const [k, v] of Object.entries(defaults)) if (!(k in found)) found[k] = v;
  }
  return found;
}

// The activations' parameters (LeakyRelu's alpha, Selu's alpha and gamma, …) default in the IR's
// table of elementwise functions, their one home; Selu-1's older constants are the one earlier row.
for (const f of ELEMENTWISE_FUNCTIONS) {
  if (!f.irOp || f.params.length === 0) continue;
  const defaults: Attrs = Object.fromEntries(f.params.map((q) => [q.name, q.default]));
  DEFAULTS[f.id] = f.id === 'Selu' ? [[1, { alpha: 1.6732, gamma: 1.0507 }], [6, defaults]] : [[1, defaults]];
}

/** `attrs` with every ONNX default `attrs` leaves out written in (lists copied, so a handler may change them). */
export function withAttributeDefaults(domain: string, opType: string, opset: number, attrs: Attrs): Attrs {
  const defaults = attributeDefaults(domain, opType, opset);
  const missing = Object.keys(defaults).filter((k) => attrs[k] === undefined || attrs[k] === null);
  if (missing.length === 0) return attrs;
  const out: Attrs = { ...attrs };
  for (const k of missing) { const v = defaults[k]!; out[k] = Array.isArray(v) ? [...v] as typeof v : v; }
  return out;
}

/**
 * Attributes of the IR nodes handlers emit that a handler may leave out when it means the ONNX
 * default: a Reshape a handler builds copies a 0 in its target (allowzero 0), a Shape starts at
 * axis 0. `emit` writes them, so every IR node carries them and no later layer defaults them.
 */
const EMITTED_DEFAULTS: Record<string, Attrs> = {
  Reshape: { allowzero: 0 },
  Shape: { start: 0 },
  // Elementwise functions a handler or plugin expansion emits by id: their parameters' defaults in
  // the newest opset (the rows above; Gelu's approximate, Mod's fmod, the activations' alpha, …).
  ...Object.fromEntries([...Object.keys(UNARY_FUNCTIONS), ...Object.keys(BINARY_FUNCTIONS)].flatMap((id) => {
    const newest = DEFAULTS[id]?.at(-1)?.[1];
    return newest && Object.keys(newest).length ? [[id, newest]] : [];
  })),
};

/** `attrs` of an emitted IR `op` with the attributes of EMITTED_DEFAULTS it leaves out written in. */
export function withEmittedDefaults(op: string, attrs: Attrs): Attrs {
  const defaults = EMITTED_DEFAULTS[op];
  if (!defaults || Object.keys(defaults).every((k) => attrs[k] !== undefined)) return attrs;
  return { ...defaults, ...attrs };
}
