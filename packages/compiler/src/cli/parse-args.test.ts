import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { compareOutputs } from './compare.js';
import { collectInput, collectInputShape, collectShape, parseSeed, parseTolerance } from './parse-args.js';

describe('CLI argument parsers', () => {
  it('collects repeated --input-shape values by input name', () => {
    const a = collectInputShape('input=1,3,224,224');
    expect(collectInputShape('mask=1,128', a)).toEqual({ input: [1, 3, 224, 224], mask: [1, 128] });
    expect(collectInputShape('weird=name=1,2')).toEqual({ 'weird=name': [1, 2] });
    expect(collectInputShape('input=N,3,224,224')).toEqual({ input: ['N', 3, 224, 224] });
  });

  it.each(['input=1,2x', 'input=-1', 'input=a b'])('rejects --input-shape %s', (spec) => {
    expect(() => collectInputShape(spec)).toThrow(InvalidArgumentError);
  });

  it('reads --shape / --max-shape as numbers only', () => {
    expect(collectShape('input=8,512,256')).toEqual({ input: [8, 512, 256] });
    expect(() => collectShape('input=N,3')).toThrow(InvalidArgumentError);
  });

  it.each(['input', 'input=', '=1,2', 'input=1,,2', 'input=1,-2', 'input=1.5'])('rejects --input-shape %s', (spec) => {
    expect(() => collectInputShape(spec)).toThrow(InvalidArgumentError);
  });

  it('rejects the same input twice', () => {
    expect(() => collectInputShape('x=2', collectInputShape('x=1'))).toThrow(/given twice/);
    expect(() => collectInput('x=zeros', collectInput('x=random'))).toThrow(/given twice/);
  });

  it('reads --input sources by kind', () => {
    expect(collectInput('a=random')).toEqual({ a: { kind: 'random' } });
    expect(collectInput('a=zeros')).toEqual({ a: { kind: 'zeros' } });
    expect(collectInput('a=x.JSON')).toEqual({ a: { kind: 'json', file: 'x.JSON' } });
    expect(collectInput('a=x.bin')).toEqual({ a: { kind: 'bin', file: 'x.bin' } });
    expect(collectInput('data.bin')).toEqual({ '': { kind: 'bin', file: 'data.bin' } });
  });

  it('checks seeds and tolerances', () => {
    expect(parseSeed('42')).toBe(42);
    for (const bad of ['-1', '1.5', 'x', '4294967296']) expect(() => parseSeed(bad)).toThrow(InvalidArgumentError);
    expect(parseTolerance('1e-4')).toBe(1e-4);
    for (const bad of ['', '-1', 'tight', 'NaN']) expect(() => parseTolerance(bad)).toThrow(InvalidArgumentError);
  });
});

describe('compareOutputs', () => {
  it('measures error relative to the largest reference magnitude', () => {
    expect(compareOutputs([1, 2.01, 0], [1, 2, 0.001])).toEqual({ maxAbsErr: expect.closeTo(0.01, 9), maxRelErr: expect.closeTo(0.005, 9) });
  });

  it('treats NaN in one output only as a mismatch, and matching NaN or infinities as equal', () => {
    expect(compareOutputs([NaN, 1], [0, 1]).maxRelErr).toBe(Infinity);
    expect(compareOutputs([NaN, Infinity, 1], [NaN, Infinity, 1])).toEqual({ maxAbsErr: 0, maxRelErr: 0 });
  });

  it('compares 64-bit integer outputs', () => {
    expect(compareOutputs(new BigInt64Array([1n, 5n]), new BigInt64Array([1n, 4n]))).toEqual({ maxAbsErr: 1, maxRelErr: 0.25 });
  });
});
