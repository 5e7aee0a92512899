// Models with symbolic input dims import and optimize to the same structure as their static builds,
// with every value's dims written in the input's symbols (no fresh unknowns, no shape chains left).
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dim, Graph, dimSymbols } from '@onnx2wasm/ir';
import { importModel } from '@onnx2wasm/onnx-import';
import { optimize } from '@onnx2wasm/optimizer';
import { sharedModels } from './support/models.js';

const models = sharedModels();
const fileOf = (name: string) => models.find((m) => m.name === name)!.file;

function build(name: string, inputShapes?: Record<string, Dim[]>): Graph {
  const g = importModel(new Uint8Array(fs.readFileSync(fileOf(name))), { inputShapes }).graph;
  return optimize(g, { verify: true }).graph;
}

/** Op counts, leaving out how Reshape targets are given (a constant when static, a Dims node when not). */
function opCounts(g: Graph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of g.nodes) if (n.op !== 'Dims') counts[n.op] = (counts[n.op] ?? 0) + 1;
  return counts;
}

/** Symbols used by any value's dims. */
function symbolsOf(g: Graph): Set<string> {
  return new Set([...g.types.values()].flatMap((t) => t.shape.flatMap(dimSymbols)));
}

describe('symbolic input dims', () => {
  it('transformer_enc_dyn: [batch, seq, 256] optimizes like the pinned build, in batch and seq', () => {
    const g = build('transformer_enc_dyn');
    const pinned = build('transformer_enc_dyn', { input: [1, 128, 256] });
    const ops = opCounts(g);
    for (const op of ['Shape', 'Gather', 'Concat', 'Unsqueeze']) expect(ops[op], op).toBeUndefined();
    expect(ops.Attention).toBe(4);
    expect(ops.LayerNormalization).toBe(8);
    // Pinned to batch 1, the [batch, seq, D] <-> [seq, batch, D] transposes around each layer's
    // attention (two per layer) only move a size-1 dim and become Reshapes (views); with a
    // symbolic batch they reorder data and stay. Everything else is the same.
    const pinnedOps = opCounts(pinned);
    expect({ ...ops, Transpose: ops.Transpose! - 8, Reshape: ops.Reshape! + 8 }).toEqual(pinnedOps);
    expect([...symbolsOf(g)].sort()).toEqual(['batch', 'seq']);
    const types = [...g.types.values()].map((t) => `${t.dtype}[${t.shape}]`);
    for (const t of ['float32[seq,batch,768]', 'float32[seq,4*batch,64]', 'float32[batch,4,seq,64]']) expect(types).toContain(t);
  });
  for (const name of ['resnet18', 'mobilenet_v2', 'mobilenet_v2_bn', 'squeezenet1_1', 'shufflenet_v2_x1_0']) {
    it(`${name}: batch N optimizes like the static build, in N`, () => {
      const g = build(name, { input: ['N', 3, 224, 224] });
      expect(opCounts(g)).toEqual(opCounts(build(name, { input: [1, 3, 224, 224] })));
      expect([...symbolsOf(g)]).toEqual(['N']);
      expect(g.types.get(g.outputs[0]!)!.shape).toEqual(['N', 1000]);
    });
  }
});
