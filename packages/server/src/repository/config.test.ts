import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelConfig, servedVersions } from './config.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function config(json: unknown) {
  fs.writeFileSync(path.join(dir, 'config.json'), typeof json === 'string' ? json : JSON.stringify(json));
  return () => readModelConfig(dir);
}

describe('config.json', () => {
  it('reads compile options, plugins relative to the model folder, and the policy', () => {
    const c = config({ maxShapes: { input: [8, 64] }, layout: 'nhwc', plugins: ['./p.mjs'], versionPolicy: { specific: [3, 1, 3] } })();
    expect(c.compile).toEqual({ maxShapes: { input: [8, 64] }, layout: 'nhwc' });
    expect(c.plugins).toEqual([path.join(dir, 'p.mjs')]);
    expect(c.versionPolicy).toEqual({ specific: [1, 3] });
  });
  it('defaults to every version without a file', () => {
    expect(readModelConfig(path.join(dir, 'none')).versionPolicy).toEqual({ all: true });
  });
  it('names the file and key of every mistake', () => {
    expect(config('{')).toThrow(/config\.json: not valid JSON/);
    expect(config([1])).toThrow(/must hold a JSON object/);
    expect(config({ inputShape: {} })).toThrow(/unknown key 'inputShape' \(known: inputShapes,/);
    expect(config({ layout: 'NHWC' })).toThrow(/layout must be 'auto', 'nchw' or 'nhwc', got "NHWC"/);
    expect(config({ maxShapes: { input: [1, 'seq'] } })).toThrow(/maxShapes must be an object of input name → dims \(numbers\)/);
    expect(config({ versionPolicy: { latest: 0 } })).toThrow(/versionPolicy must be/);
    expect(config({ versionPolicy: { newest: 1 } })).toThrow(/versionPolicy must be/);
  });
  it('picks the served versions', () => {
    expect(servedVersions({ all: true }, [3, 1, 2])).toEqual([1, 2, 3]);
    expect(servedVersions({ latest: 2 }, [3, 1, 2])).toEqual([2, 3]);
    expect(servedVersions({ specific: [1, 3] }, [1, 2, 3])).toEqual([1, 3]);
  });
});
