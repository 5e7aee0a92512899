// Run-time-dim kernels the exported transformers need (tests/transformers.test.ts runs them end to
// end): each compiled once with symbolic dims and checked against the reference at several sizes.
import { describe, it } from 'vitest';
import { makeTensor } from '@onnx2wasm/ir';
import { checkDynamicKernel } from '../../testing/dynamic-harness.js';
import { RUN_SIZES, concrete } from '../emit/movement-test-util.js';

/** `count` valid indices in [-dim, dim) as int64. */
const indices = (dims: number[], dim: number) => {
  const n = dims.reduce((a, b) => a * b, 1);
  return makeTensor('int64', dims, Array.from({ length: n }, (_, k) => ((k * 7 + 3) % (2 * dim)) - dim));
};

describe('transformer kernels with run-time dims', () => {
  it('GatherElements along a run-time axis (BERT gathers its token type buffer per position)', async () => {
    const runs = RUN_SIZES.map(([s, b]) => [concrete('float32', [3, 's'], [s, b]), indices([3, b], s)]);
    await checkDynamicKernel('GatherElements', [{ dtype: 'float32', shape: [3, 's'] }, { dtype: 'int64', shape: [3, 'b'] }], { axis: 1 }, runs, { rtol: 0, atol: 0 });
  });
  it('GatherND of run-time rows by run-time index tuples', async () => {
    const runs = RUN_SIZES.map(([s, b]) => [concrete('float32', ['s', 4], [s, b]), indices([b, 1], s)]);
    await checkDynamicKernel('GatherND', [{ dtype: 'float32', shape: ['s', 4] }, { dtype: 'int64', shape: ['b', 1] }], { batch_dims: 0 }, runs, { rtol: 0, atol: 0 });
  });
  it('GatherND with a batch dim over [batch, seq] pairs (the dynamo padding mask)', async () => {
    const runs = RUN_SIZES.map(([s, b]) => [concrete('int64', ['b', 's', 3], [s, b]), indices([b, 2, 1], s)]);
    await checkDynamicKernel('GatherND', [{ dtype: 'int64', shape: ['b', 's', 3] }, { dtype: 'int64', shape: ['b', 2, 1] }], { batch_dims: 1 }, runs, { rtol: 0, atol: 0 });
  });
  it('ReduceMean over the static last axis of run-time rows (RMSNorm as TorchScript writes it)', async () => {
    const runs = RUN_SIZES.map((sz) => [concrete('float32', ['b', 's', 6], sz)]);
    await checkDynamicKernel('ReduceMean', [{ dtype: 'float32', shape: ['b', 's', 6] }], { axes: [-1], keepdims: 1, noop_with_empty_axes: 0 }, runs, { rtol: 1e-5, atol: 1e-4 });
  });
  it('CumSum along a run-time axis (RoBERTa numbers positions by a running sum of the mask)', async () => {
    const runs = RUN_SIZES.map((sz) => [concrete('int64', ['b', 's'], sz)]);
    await checkDynamicKernel('CumSum', [{ dtype: 'int64', shape: ['b', 's'] }], { axis: 1, exclusive: 0, reverse: 0 }, runs, { rtol: 0, atol: 0 });
    const f = RUN_SIZES.map((sz) => [concrete('float32', ['s', 'b', 3], sz)]);
    await checkDynamicKernel('CumSum', [{ dtype: 'float32', shape: ['s', 'b', 3] }], { axis: 0, exclusive: 1, reverse: 1 }, f, { rtol: 1e-5, atol: 1e-3 });
  });
  it('RotaryEmbedding over run-time batch and sequence, cos/sin shared across the batch or per row', async () => {
    const x = { dtype: 'float32' as const, shape: ['b', 2, 's', 8] };
    const shared = RUN_SIZES.map((sz) => [concrete('float32', x.shape, sz), concrete('float32', [1, 's', 4], sz), concrete('float32', [1, 's', 4], sz)]);
    await checkDynamicKernel('RotaryEmbedding', [x, { dtype: 'float32', shape: [1, 's', 4] }, { dtype: 'float32', shape: [1, 's', 4] }], { interleaved: 0, num_heads: 0, rotary_embedding_dim: 0 }, shared, { rtol: 1e-5, atol: 1e-3 });
    const perRow = RUN_SIZES.map((sz) => [concrete('float32', x.shape, sz), concrete('float32', ['b', 's', 4], sz), concrete('float32', ['b', 's', 4], sz)]);
    await checkDynamicKernel('RotaryEmbedding', [x, { dtype: 'float32', shape: ['b', 's', 4] }, { dtype: 'float32', shape: ['b', 's', 4] }], { interleaved: 1, num_heads: 0, rotary_embedding_dim: 0 }, perRow, { rtol: 1e-5, atol: 1e-3 });
  });
});
