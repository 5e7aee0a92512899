import { describe, expect, it } from 'vitest';
import { CompileError } from '@onnx2wasm/ir';
import { loadModel, relaxedSimdSupported } from '@onnx2wasm/runtime';
import { CliFailure, EXIT_FAILURE, EXIT_USAGE, addRelaxedSimdHint, reportError, withFlagNames } from './errors.js';

describe('CLI errors name flags, not API options', () => {
  it.each([
    ["inputShapes['x'] has rank 3 but the model's input has rank 2 ([1,64])", "--input-shape x=... has rank 3 but the model's input has rank 2 ([1,64])"],
    ["maxShapes['x'] dim 0 is 2, but the model fixes it to 1", '--max-shape x=... dim 0 is 2, but the model fixes it to 1'],
    ["maxShapes: the model has no input 'y' (inputs: x)", "--max-shape: the model has no input 'y' (inputs: x)"],
    ["specialize: 'seq' is not a symbolic input dim of this model", "--specialize: 'seq' is not a symbolic input dim of this model"],
    ['specialize asks for 20 combinations; at most 16', '--specialize asks for 20 combinations; at most 16'],
  ])('%s', (api, cli) => {
    expect(withFlagNames(api)).toBe(cli);
  });

  it('leaves messages without API option names alone', () => {
    expect(withFlagNames('the model needs 10 bytes of memory, 2 bytes over the limit of 8')).toBeUndefined();
  });

  it('a command-line value the model rejects is a usage error (exit 2); other compile errors exit 1', () => {
    const lines: string[] = [];
    const shape = new CompileError('SHAPE_MISMATCH', "inputShapes['x'] has rank 3 but the model's input has rank 2 ([1,64])");
    expect(reportError(shape, false, (s) => lines.push(s))).toBe(EXIT_USAGE);
    expect(lines).toEqual(["error: --input-shape x=... has rank 3 but the model's input has rank 2 ([1,64])\n"]);
    expect(reportError(new CompileError('MEMORY_LIMIT', 'the model needs 10 bytes of memory'), false, () => {})).toBe(EXIT_FAILURE);
  });
});

describe('the relaxed-SIMD hint', () => {
  // (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))): no onnx2wasm metadata.
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b];
  const relaxed = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, body.length + 2, 0x01, body.length, ...body]);
  const plain = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

  it('is added when the engine cannot compile the module and lacks relaxed SIMD, from the error cause, not its text', async () => {
    const e = await loadModel({ wasm: relaxed }).then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_MODULE' });
    const hinted = addRelaxedSimdHint(e);
    if (relaxedSimdSupported()) {
      // The engine compiles it; it fails later for want of metadata, which no flag fixes.
      expect(hinted).toBe(e);
    } else {
      expect((e as Error).cause).toBeInstanceOf(WebAssembly.CompileError);
      expect(hinted).toBeInstanceOf(CliFailure);
      expect((hinted as Error).message).toMatch(/node --experimental-wasm-relaxed-simd$/);
    }
  });

  it('is not added to other module errors', async () => {
    const e = await loadModel({ wasm: plain }).then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_MODULE', message: expect.stringMatching(/no onnx2wasm metadata/) });
    expect(addRelaxedSimdHint(e)).toBe(e);
  });
});
