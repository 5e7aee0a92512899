// A systematic companion to the random campaign: every op the importer has a handler for, at its
// newest opset (or at every opset a handler starts at), with 0, 1, 2, 3 and 6 float inputs of
// shape [2, 3] and no attributes. Handlers and
// inference must answer each with a typed error or a model; the first run of this sweep found a
// hang (a recurrent op without inputs) and seven TypeErrors.
import { listHandlers } from '@onnx2wasm/onnx-import';
import type { FuzzCase } from './make-case.js';
import { onnx } from './mutate-model.js';

export const SWEEP_ARITIES = [0, 1, 2, 3, 6];

function opModel(op: string, opset: number, arity: number): Uint8Array {
  const names = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, arity);
  const value = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 3 }] } } } });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'sweep', input: names.map(value), output: [value('y')], node: [{ opType: op, name: 'n', input: names, output: ['y'] }] },
  }).finish();
}

export interface SweepOptions { arities?: number[]; allVersions?: boolean }

export function sweepCases({ arities = SWEEP_ARITIES, allVersions = false }: SweepOptions = {}): FuzzCase[] {
  const ops = listHandlers().filter((h) => !h.domain).sort((a, b) => a.opType.localeCompare(b.opType));
  return ops.flatMap((h) => (allVersions ? h.versions : h.versions.slice(-1)).flatMap((v) => arities.map((arity) => {
    return { op: h.opType, opset: Math.max(v, 1), arity };
  }))).map(({ op, opset, arity }, index) => ({
    index,
    seedName: `sweep/${op}`,
    bytes: opModel(op, opset, arity),
    sideFiles: [],
    mutations: [`${op} (opset ${opset}) with ${arity} float32[2,3] inputs and no attributes`],
    compile: { embedWeights: false, optimize: true, verify: false },
    feedSeed: index,
    feedMode: 'valid' as const,
    corruptModule: false,
  }));
}
