// run() reads each feed once (issue #19): a `data` or `dims` getter that returns one array to the
// checks and another afterwards must not make the model run on stale arena bytes (a shorter array)
// or throw an untyped RangeError (a longer one). Objects posing as typed arrays are refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { compile } from 'onnx2wasm';
import { loadModel, Model, RuntimeInputError } from '@onnx2wasm/runtime';
import { buildModel } from './support/onnx-builder.js';

let model: Model;
beforeAll(async () => {
  const c = await compile(buildModel({
    inputs: [{ name: 'x', dims: [1, 8] }], outputs: [{ name: 'y', dims: [1, 8] }], nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
  }));
  model = await loadModel({ wasm: c.wasm, weights: c.weights });
});

const first = () => Float32Array.from({ length: 8 }, (_, i) => i - 3);
const expected = [0, 0, 0, 0, 1, 2, 3, 4];

/** A feed whose `data` returns `first()` on the first read and `later` on every read after it. */
function shifty(later: Float32Array) {
  let reads = 0;
  const feed = { dtype: 'float32' as const, dims: [1, 8], get data() { return reads++ === 0 ? first() : later; } };
  return { feed, reads: () => reads };
}

describe('feeds are read once', () => {
  for (const [what, later] of [['shorter', new Float32Array(2)], ['longer', new Float32Array(4096).fill(7)], ['same length, other values', new Float32Array(8).fill(-1)]] as const) {
    it(`a data getter returning a ${what} array after the first read: the first array runs`, async () => {
      const s = shifty(later);
      // A first run with other values, so stale bytes in the input slot would show.
      await model.run({ x: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8).fill(9) } });
      const out = await model.run({ x: s.feed });
      expect(Array.from(out.y!.data as Float32Array)).toEqual(expected);
      expect(s.reads()).toBe(1);
    });
  }

  it('a dims getter is read once too', async () => {
    let reads = 0;
    const feed = { dtype: 'float32' as const, data: first(), get dims() { return reads++ === 0 ? [1, 8] : [8]; } };
    const out = await model.run({ x: feed });
    expect(Array.from(out.y!.data as Float32Array)).toEqual(expected);
    expect(reads).toBe(1);
  });

  it('the feeds object itself is read once per input', async () => {
    let reads = 0;
    const feeds = { get x() { reads++; return { dtype: 'float32' as const, dims: [1, 8], data: first() }; } };
    await model.run(feeds);
    expect(reads).toBe(1);
  });

  it('a Proxy posing as a Float32Array, or a subclass lying about its length, cannot mislead the copy', async () => {
    const proxy = new Proxy(first(), {});
    const e = await model.run({ x: { dtype: 'float32', dims: [1, 8], data: proxy } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RuntimeInputError);
    expect((e as RuntimeInputError).code).toBe('INVALID_INPUT');
    class Liar extends Float32Array { override get byteLength() { return 32; } override get length() { return 8; } }
    const short = new Liar(2);
    const e2 = await model.run({ x: { dtype: 'float32', dims: [1, 8], data: short } }).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(RuntimeInputError);
    expect((e2 as Error).message).toBe("input 'x': data has 2 elements, dims [1,8] need 8");
  });
});
