// Value-variant search decides from typed error data (class, code, node, input, reason), never
// from message text, and does not rebuild at all for errors no input value can fix.
import { describe, expect, it } from 'vitest';
import { CompileError, ShapeError, parseGraph } from '@onnx2wasm/ir';
import type { DecodedModel } from '@onnx2wasm/onnx-import';
import { findValueVariants, valueCouldFix } from './value-variants.js';

const INT64 = 7, FLOAT = 1;
const tensorInput = (name: string, elemType: number, dims: number[]) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
/** A model with a float input [2,3] and a one-element int64 input `k`: k ranges over [-3, 3] (its largest dim). */
const model = { graph: { input: [tensorInput('x', FLOAT, [2, 3]), tensorInput('k', INT64, [1])] } } as DecodedModel;
const graph = parseGraph(['graph g(%x: float32[2,3]) -> (%y)', '  %y: float32[2,3] = Relu(%x)  # r'].join('\n'));
const opts = { pinned: new Set<string>(), maxCandidates: 64 };

/** Runs the search with a build that counts its calls and answers per value of k. */
function search(failure: unknown, answer: (k: number) => Error | undefined) {
  let builds = 0;
  let outcome: unknown;
  try {
    outcome = findValueVariants(model, failure, (known) => {
      builds++;
      const e = answer(Number((known.k!.data as BigInt64Array)[0]));
      if (e) throw e;
      return { result: known, graph };
    }, opts);
  } catch (e) { outcome = e; }
  return { builds, outcome };
}

const valueNeeded = (message: string) => new CompileError('INVALID_MODEL', message, { node: 'n', op: 'TopK', input: 'k', reason: 'VALUE_NEEDED' });

describe('findValueVariants', () => {
  it('does not build at all for an error no value can fix (INVALID_MODEL without a reason, UNSUPPORTED_OP, a non-CompileError)', () => {
    for (const failure of [new CompileError('INVALID_MODEL', 'initializer w is defined twice'), new CompileError('UNSUPPORTED_OP', 'Foo is not supported', { node: 'n', op: 'Foo' }), new TypeError('bug')]) {
      expect(valueCouldFix(failure)).toBe(false);
      const { builds, outcome } = search(failure, () => undefined);
      expect(builds).toBe(0);
      expect(outcome).toBe(failure);
    }
  });

  it('searches for DYNAMIC_SHAPE and VALUE_NEEDED failures, and keeps the builds that work', () => {
    const failure = new ShapeError('k (input 1) must be known at compile time', { node: 'n', op: 'TopK', input: 'k', reason: 'VALUE_NEEDED' }, 'DYNAMIC_SHAPE');
    expect(valueCouldFix(failure) && valueCouldFix(valueNeeded('x'))).toBe(true);
    const { builds, outcome } = search(failure, (k) => (k > 0 ? undefined : new ShapeError(`k=${k} is out of range`, { node: 'n', op: 'TopK' })));
    expect(builds).toBe(7);
    expect(outcome).toMatchObject({ summary: { inputs: ['k'], candidates: 7, builds: 1, values: [{ k: [[1], [2], [3]] }] } });
  });

  it('stops a set at the first candidate that fails with the same complaint, whatever its message says', () => {
    // The message differs (it names the value), the typed data is the same: k is not the input the node needs.
    const failure = valueNeeded('shape must be a constant');
    const { builds, outcome } = search(failure, (k) => valueNeeded(`shape must be a constant (k=${k})`));
    expect(builds).toBe(1);
    expect(outcome).toBe(failure);
  });

  it('keeps searching past a failure about another input or for another reason', () => {
    const failure = valueNeeded('k must be a constant');
    const other = new CompileError('INVALID_MODEL', 'k must be a constant', { node: 'n', op: 'TopK', input: 'other', reason: 'VALUE_NEEDED' });
    const { builds } = search(failure, () => other);
    expect(builds).toBe(7);
  });
});
