import { describe, expect, it } from 'vitest';
import { CompileError } from '@onnx2wasm/ir';
import { EXIT_FAILURE, EXIT_USAGE, reportError, withFlagNames } from './errors.js';

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
