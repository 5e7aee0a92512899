// Window and mel-filter handlers turn constant scalar inputs into constant tensors.
import { describe, expect, it } from 'vitest';
import { makeTensor, toNumbers } from '@onnx2wasm/ir';
import { onnx } from '../proto.js';
import { importModel } from '../import-model.js';

function constantOutput(op: string, size: number, attrs: { name: string; i: number }[] = []): number[] {
  const t = makeTensor('int64', [], [size]);
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      initializer: [{ name: 'size', dims: [], dataType: 7, rawData: new Uint8Array(t.data.buffer) }],
      output: [{ name: 'y' }],
      node: [{ opType: op, name: 'n', input: ['size'], output: ['y'], attribute: attrs.map((a) => ({ ...a, type: onnx.AttributeProto.AttributeType.INT })) }],
    },
  });
  return toNumbers(importModel(onnx.ModelProto.encode(proto).finish()).graph.constants.get('y')!);
}

describe('signal windows', () => {
  it('HannWindow is periodic by default and symmetric on request', () => {
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    close(constantOutput('HannWindow', 4), [0, 0.5, 1, 0.5]);
    close(constantOutput('HannWindow', 3, [{ name: 'periodic', i: 0 }]), [0, 1, 0]);
  });

  it('BlackmanWindow ends at zero and HammingWindow at 2/23', () => {
    expect(constantOutput('BlackmanWindow', 5)[0]).toBeCloseTo(0, 6);
    expect(constantOutput('HammingWindow', 5)[0]).toBeCloseTo(25 / 46 - 21 / 46, 6);
  });
});
