// The fuzzer's external-data race class (scripts/fuzz/mutate-external.ts, races.ts): a case whose
// data file another process keeps swapping for a symlink to a secret outside the model's folder.
// Checks that the detector sees a leak when there is one, and that real races against the
// importer end in the weights or a typed refusal, never the secret.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECRET_MARKER } from '../scripts/fuzz/mutate-external.js';
import { startRaces } from '../scripts/fuzz/races.js';
import { runCase, type CaseJob } from '../scripts/fuzz/run-case.js';
import { buildModel } from './support/onnx-builder.js';

const SECONDS = 3;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx2wasm-fuzz-race-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** y = x @ W, x [1,4], W [4,4] read from `location` (64 bytes). */
const model = (location: string) => buildModel({
  inputs: [{ name: 'x', dims: [1, 4] }],
  outputs: [{ name: 'y', dims: [1, 4] }],
  initializers: [{ name: 'W', dims: [4, 4], externalData: { location } }],
  nodes: [{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
});
const marked = () => new Uint8Array(64).map((_, i) => SECRET_MARKER.charCodeAt(i % SECRET_MARKER.length));
const weights = () => new Uint8Array(Float32Array.from({ length: 16 }, (_, i) => i / 8).buffer);

function job(dir: string, location: string): CaseJob {
  const modelFile = path.join(dir, 'model.onnx');
  fs.writeFileSync(modelFile, model(location));
  return { modelFile, compile: { embedWeights: false, optimize: true, verify: false }, feedSeed: 1, feedMode: 'valid', corruptModule: false, secretMarker: SECRET_MARKER };
}

describe('fuzz: external-data races', () => {
  it('reports the secret in the compiled weights as a leak', async () => {
    const dir = path.join(tmp, 'leak');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'w.bin'), marked()); // inside the folder, so it compiles
    const r = await runCase(job(dir, 'w.bin'));
    expect(r.finding?.kind).toBe('leaked-outside-file');
    fs.writeFileSync(path.join(dir, 'w.bin'), weights());
    expect((await runCase(job(dir, 'w.bin'))).finding).toBeUndefined();
  });

  it(`compiles the real bytes or refuses typed while the file is swapped (${SECONDS} s)`, async () => {
    const root = path.join(tmp, 'race');
    const dir = path.join(root, 'model');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(root, 'secret.bin'), marked());
    fs.writeFileSync(path.join(dir, 'race.bin'), weights());
    const j = job(dir, 'race.bin');
    const stop = await startRaces(dir, [{ path: 'race.bin', raceTo: '../secret.bin' }]);
    const outcomes: Record<string, number> = {};
    try {
      for (const until = Date.now() + SECONDS * 1000; Date.now() < until;) {
        const r = await runCase(j);
        expect(r.finding, r.finding?.message).toBeUndefined();
        const key = r.outcome.startsWith('compile-error:') ? 'refused' : 'compiled';
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    } finally {
      await stop();
    }
    // The race really ran: both the regular file and the symlink were met.
    expect(outcomes.compiled, JSON.stringify(outcomes)).toBeGreaterThan(0);
    expect(outcomes.refused, JSON.stringify(outcomes)).toBeGreaterThan(0);
  }, 30_000);
});
