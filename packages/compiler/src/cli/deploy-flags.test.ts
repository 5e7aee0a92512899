import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseByteSize } from './deploy-flags.js';

describe('parseByteSize (--max-memory, --max-script-size)', () => {
  it.each([
    ['134217728', 134217728],
    ['128MB', 128 * 2 ** 20],
    ['128 MiB', 128 * 2 ** 20],
    ['100kb', 102400],
    ['1.5GB', 1.5 * 2 ** 30],
    ['10m', 10 * 2 ** 20],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', 'lots', '-5MB', '0', '12 parsecs', '1e6', '0.1b'])('rejects %j', (text) => {
    expect(() => parseByteSize(text)).toThrow(InvalidArgumentError);
  });
});
